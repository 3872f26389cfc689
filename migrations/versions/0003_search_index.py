"""serve registry search from one covering index; index the sort and filter columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEARCH_COLUMNS = ["search_text", "id", "status", "unit_id", "danger_class", "birth_year"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Byte order, as on SQLite, so that both databases sort names alike off the index. The
        # covering index below serves common words in order; the trigram index stays for rare
        # ones, and the planner picks per query (see registry.services.page_ids).
        op.alter_column("wanted_persons", "search_text",
                        type_=sa.String(1000, collation="C"), existing_nullable=False)
    with op.batch_alter_table("wanted_persons") as batch:
        batch.drop_index("ix_wanted_persons_search_text")
        batch.create_index("ix_wanted_persons_search", SEARCH_COLUMNS)
        batch.create_index("ix_wanted_persons_created_at", ["created_at"])
        batch.create_index("ix_wanted_persons_updated_at", ["updated_at"])
    op.create_index("ix_person_charges_charge_id", "person_charges", ["charge_id"])


def downgrade() -> None:
    op.drop_index("ix_person_charges_charge_id", "person_charges")
    with op.batch_alter_table("wanted_persons") as batch:
        batch.drop_index("ix_wanted_persons_updated_at")
        batch.drop_index("ix_wanted_persons_created_at")
        batch.drop_index("ix_wanted_persons_search")
        batch.create_index("ix_wanted_persons_search_text", ["search_text"])
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("wanted_persons", "search_text", type_=sa.String(1000),
                        existing_nullable=False)
