"""audit events indexed by object and action

The person page reads a person's photo additions and removals from the audit log; with the index
on (object_type, object_id) alone, that read walked every view of the person ever audited.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 03:20:00
"""

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index statements (no batch mode): on SQLite a batch could copy the table and lose
    # the append-only triggers.
    op.drop_index("ix_audit_events_object", table_name="audit_events")
    op.create_index("ix_audit_events_object", "audit_events",
                    ["object_type", "object_id", "action"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_object", table_name="audit_events")
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])
