"""record how many faces the gallery held when a face search ran

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("match_searches") as batch:
        batch.add_column(sa.Column("gallery_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_searches") as batch:
        batch.drop_column("gallery_size")
