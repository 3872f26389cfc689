"""The keyed hash chain: events are linked and sealed at commit, under a lock held only then."""

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from wanted.audit import anchors
from wanted.audit.keys import canonical, subkey
from wanted.audit.models import KEYED_CHAIN, LEGACY_CHAIN, AuditEvent
from wanted.extensions import db

GENESIS = "0" * 64
# Any fixed number: the key of the PostgreSQL advisory lock that serialises chain appends.
CHAIN_LOCK_KEY = 7_242_001
PENDING = "audit_pending"
SEALED = "audit_checkpoint"
CONTENT = ("at", "actor_id", "actor_name", "source_ip", "action", "object_type", "object_id",
           "outcome", "details")


def content_of(row) -> list:
    """Return the hashed content of an event (a model or a result row)."""
    at: datetime = row.at
    return [at.isoformat(timespec="microseconds"), *(getattr(row, name) for name in CONTENT[1:])]


def legacy_digest(prev_hash: str, row) -> str:
    """Hash an event the way the unkeyed chain did before this key existed."""
    return hashlib.sha256(canonical([prev_hash, *content_of(row)])).hexdigest()


def keyed_digest(key: bytes, event_id: int, prev_hash: str, row) -> str:
    """Seal an event's id, content and the hash before it under the chain key."""
    return hmac.new(key, canonical([event_id, prev_hash, *content_of(row)]),
                    hashlib.sha256).hexdigest()


def expected_hash(key: bytes, prev_hash: str, row) -> str:
    """Return the hash `row` must carry after `prev_hash`, by the scheme it was written in."""
    if row.chain == LEGACY_CHAIN:
        return legacy_digest(prev_hash, row)
    return keyed_digest(key, row.id, prev_hash, row)


def queue(session: Session, audit_event: AuditEvent) -> None:
    """Hold an event until its transaction commits; a rollback drops it."""
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(PENDING, []).append(audit_event)


# Built once: every page view appends an event, and building these cost more than running them.
LOCK_AND_READ_END = (f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY}); "
                     "SELECT id, hash, chain FROM audit_events ORDER BY id DESC LIMIT 1")
CHAIN_END = (select(AuditEvent.id, AuditEvent.hash, AuditEvent.chain)
             .order_by(AuditEvent.id.desc()).limit(1))
INSERT = insert(AuditEvent.__table__)
COLUMNS = ("id", "chain", "prev_hash", "hash", *CONTENT)


def append(session: Session, pending: list[AuditEvent]) -> None:
    """Link and seal the pending events at the end of the chain, under the chain lock.

    The events are inserted as rows, not through the session's unit of work: nothing else in
    the transaction refers to them, and the flush cost more than the statement.
    """
    if session.get_bind().dialect.name == "postgresql":
        last = _lock_and_read_end(session)
    else:  # SQLite's write lock is already ours
        last = session.execute(CHAIN_END).first()
    last_id, prev = (last.id, last.hash) if last else (0, GENESIS)
    key = subkey("chain")
    for audit_event in pending:
        last_id += 1
        audit_event.id, audit_event.prev_hash, audit_event.chain = last_id, prev, KEYED_CHAIN
        audit_event.hash = prev = keyed_digest(key, last_id, audit_event.prev_hash, audit_event)
    session.execute(INSERT, [{name: getattr(audit_event, name) for name in COLUMNS}
                             for audit_event in pending])
    starts_keyed_chain = last is None or last.chain == LEGACY_CHAIN
    if starts_keyed_chain or anchors.due(last_id - len(pending), last_id):
        count = session.scalar(select(func.count(AuditEvent.id)))
        session.info[SEALED] = anchors.checkpoint(last_id, prev, count,
                                                  genesis=starts_keyed_chain)


def _lock_and_read_end(session: Session):
    """Take the chain lock, then read the end of the chain, in one round trip.

    The lock is held from here to the end of COMMIT, so every step while it is held delays
    every other writer. Both statements go in one message: the server runs them in turn, and
    the second reads with a snapshot taken after the lock was granted (READ COMMITTED takes
    one per statement), so it sees every event committed before.
    """
    from psycopg.rows import namedtuple_row  # PostgreSQL only: SQLite never loads psycopg

    driver = session.connection().connection.driver_connection
    cursor = driver.cursor(row_factory=namedtuple_row)
    try:
        cursor.execute(LOCK_AND_READ_END)
        cursor.nextset()
        return cursor.fetchone()
    finally:
        cursor.close()


@event.listens_for(Session, "before_commit")
def _seal_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        append(session, pending)


@event.listens_for(Session, "after_commit")
def _write_checkpoint(session: Session) -> None:
    checkpoint = session.info.pop(SEALED, None)
    if checkpoint:
        anchors.write(checkpoint)


@event.listens_for(Session, "after_transaction_end")
def _drop_unsealed(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(SEALED, None)


def chain_head() -> tuple[int, str] | None:
    """Return the id and hash of the newest event, if any."""
    row = db.session.execute(select(AuditEvent.id, AuditEvent.hash)
                             .order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row.id, row.hash) if row else None
