"""The append-only, keyed hash-chained audit log."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wanted.extensions import db
from wanted.timeutil import utcnow

LEGACY_CHAIN = "sha256"  # rows written before the chain was keyed (unkeyed SHA-256)
KEYED_CHAIN = "hmac-sha256"


class AuditEvent(db.Model):
    """Who did what to which object, when, from where, and how it ended."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64), default="", index=True)
    source_ip: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    chain: Mapped[str] = mapped_column(String(16), default=KEYED_CHAIN)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id", "action"),)


class AuditVerification(db.Model):
    """The last point up to which the chain was verified, signed with the audit key."""

    __tablename__ = "audit_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int]
    event_hash: Mapped[str] = mapped_column(String(64))
    events: Mapped[int]
    legacy_events: Mapped[int] = mapped_column(default=0)
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)
    signature: Mapped[str] = mapped_column(String(64))
