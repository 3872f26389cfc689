"""log every change to the face gallery under its version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gallery_changes",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("face_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_gallery_changes")),
    )
    # Processes built before the log existed catch up by rebuilding once.
    op.execute("INSERT INTO gallery_changes (version, kind, created_at) "
               "SELECT version, 'reindex', CURRENT_TIMESTAMP FROM gallery_state "
               "WHERE version > 0")


def downgrade() -> None:
    op.drop_table("gallery_changes")
