"""add a trigram index for name search on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 23:05:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Word-prefix search is LIKE '% word%' on the folded text; a trigram GIN index serves it.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_wanted_persons_search_trgm ON wanted_persons "
               "USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_wanted_persons_search_trgm")
