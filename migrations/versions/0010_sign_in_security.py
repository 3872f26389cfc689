"""sign-in security: server-side sessions, second factor, lockout by failures, token expiry

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:20:00
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")))
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_index(op.f("ix_user_sessions_seen_at"), "user_sessions", ["seen_at"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_recovery_codes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")))
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_login_failures_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")))
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"])
    op.create_index(op.f("ix_login_failures_user_id"), "login_failures", ["user_id"])
    op.create_index(op.f("ix_login_failures_address"), "login_failures", ["address"])
    # Plain ALTER TABLE, never a batch copy: on SQLite a copy of `users` would drop the table
    # that audit events and every other record point to.
    op.add_column("users", sa.Column("mfa_enrolled_at", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("mfa_last_step", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("locked_at", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("failures_counted_from", sa.DateTime(), nullable=True))
    for column in ("failed_logins", "locked_until"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    tokens = sa.table("api_tokens", sa.column("id", sa.Integer()),
                      sa.column("created_at", sa.DateTime()),
                      sa.column("expires_at", sa.DateTime()))
    bind = op.get_bind()
    for token_id, created_at in bind.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        bind.execute(tokens.update().where(tokens.c.id == token_id)
                     .values(expires_at=created_at + timedelta(days=TOKEN_DAYS)))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    op.add_column("users", sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("failed_logins", sa.Integer(), nullable=False,
                                     server_default="0"))
    for column in ("failures_counted_from", "locked_at", "mfa_last_step", "mfa_enrolled_at"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
    op.drop_table("login_failures")
    op.drop_table("recovery_codes")
    op.drop_table("user_sessions")
