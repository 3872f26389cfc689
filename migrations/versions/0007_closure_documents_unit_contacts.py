"""closure document dates; unit address and phone for printed notices

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("document_date", sa.Date(), nullable=True))
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("address", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("phone", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("phone")
        batch.drop_column("address")
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("document_date")
