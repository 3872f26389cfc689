"""keep the score each face candidate's band was read from

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 23:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("match_candidates") as batch:
        batch.add_column(sa.Column("score", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_candidates") as batch:
        batch.drop_column("score")
