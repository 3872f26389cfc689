"""Write and verify the hash-chained audit log."""

import hashlib
import json
import re
from datetime import datetime

from flask import g, has_request_context, request
from sqlalchemy import select, text

from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.timeutil import utcnow

GENESIS = "0" * 64
# Any fixed number: the key of the PostgreSQL advisory lock that serialises chain appends.
CHAIN_LOCK_KEY = 7_242_001


def event_digest(prev_hash: str, at: datetime, actor_id: int | None, actor_name: str,
                 source_ip: str, action: str, object_type: str | None, object_id: str | None,
                 outcome: str, details: dict) -> str:
    """Hash one event's content together with the hash of the event before it."""
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor_id, actor_name, source_ip,
         action, object_type, object_id, outcome, details],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(value: object) -> object:
    """Escape control characters in every string of a logged value (no forged log lines)."""
    if isinstance(value, str):
        return CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}"
                                 if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                                 value)
    if isinstance(value, dict):
        return {escape_controls(k): escape_controls(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escape_controls(v) for v in value]
    return value


def request_origin() -> str:
    """Return where the current action comes from: the client address, or 'cli'."""
    if not has_request_context():
        return "cli"
    return request.remote_addr or ""


def record(action: str, *, actor=None, object_type: str | None = None,
           object_id: object = None, outcome: str = "ok", details: dict | None = None,
           actor_name: str | None = None) -> AuditEvent:
    """Append an event to the chain in the current transaction (the caller commits)."""
    if actor is None and has_request_context():
        actor = g.get("actor")
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=utcnow(), actor_id=actor.id if actor else None,
        actor_name=escape_controls(actor_name or (actor.username if actor else ""))[:64],
        source_ip=request_origin(), action=action, object_type=object_type,
        object_id=None if object_id is None else escape_controls(str(object_id))[:64],
        outcome=outcome, prev_hash=prev or GENESIS,
        details=escape_controls(json.loads(json.dumps(details or {}, default=str))))
    event.hash = event_digest(event.prev_hash, event.at, event.actor_id, event.actor_name,
                              event.source_ip, event.action, event.object_type, event.object_id,
                              event.outcome, event.details)
    session.add(event)
    session.flush()
    return event


def verify_chain() -> dict:
    """Walk the chain; report the first event whose hash or link does not hold."""
    prev = GENESIS
    count = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        expected = event_digest(prev, event.at, event.actor_id, event.actor_name,
                                event.source_ip, event.action, event.object_type,
                                event.object_id, event.outcome, event.details)
        if event.prev_hash != prev or event.hash != expected:
            return {"ok": False, "events": count, "broken_at": event.id}
        prev = event.hash
        count += 1
    return {"ok": True, "events": count}


def list_events(*, actor: str | None = None, action: str | None = None,
                object_ref: str | None = None, start: datetime | None = None,
                end: datetime | None = None, limit: int = 200) -> list[AuditEvent]:
    """Return the newest events matching the filters."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEvent.actor_name == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if object_ref:
        kind, _, ident = object_ref.partition(":")
        query = query.where(AuditEvent.object_type == kind)
        if ident:
            query = query.where(AuditEvent.object_id == ident)
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end)
    return list(db.session.scalars(query))
