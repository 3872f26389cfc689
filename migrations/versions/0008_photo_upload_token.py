"""record the staging name of each confirmed registry photo, once

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("upload_token", sa.String(length=32), nullable=True))
        batch.create_unique_constraint(batch.f("uq_photos_upload_token"), ["upload_token"])


def downgrade() -> None:
    with op.batch_alter_table("photos") as batch:
        batch.drop_constraint(batch.f("uq_photos_upload_token"), type_="unique")
        batch.drop_column("upload_token")
