"""Record, verify, list and export the audit log."""

import csv
import io
import json
import re
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, g, has_request_context, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from wanted.audit import anchors
from wanted.audit.chain import GENESIS, expected_hash, queue
from wanted.audit.keys import holds, seal, subkey
from wanted.audit.models import KEYED_CHAIN, LEGACY_CHAIN, AuditEvent, AuditVerification
from wanted.audit.schemas import MAX_PER_PAGE, AuditQuery
from wanted.extensions import db
from wanted.registry.services import Page
from wanted.timeutil import iso_utc, utcnow
from wanted.validation import parse_query

STATE_ID = 1


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
    """Add an event to the current transaction; it joins the chain when the caller commits."""
    if actor is None and has_request_context():
        actor = g.get("actor")
    event = AuditEvent(
        at=utcnow(), actor_id=actor.id if actor else None,
        actor_name=escape_controls(actor_name or (actor.username if actor else ""))[:64],
        source_ip=request_origin(), action=action, object_type=object_type,
        object_id=None if object_id is None else escape_controls(str(object_id))[:64],
        outcome=outcome,
        details=escape_controls(json.loads(json.dumps(details or {}, default=str))))
    queue(db.session(), event)
    return event


# --- verification -------------------------------------------------------------------------


EventRow = namedtuple("EventRow", ["id", "chain", "prev_hash", "hash", "at", "actor_id",
                                   "actor_name", "source_ip", "action", "object_type",
                                   "object_id", "outcome", "details"])


@dataclass
class Walk:
    """Where a walk along the chain stands."""

    last_id: int = 0
    last_hash: str = GENESIS
    events: int = 0
    legacy_events: int = 0
    keyed: bool = False
    counts: dict[int, int] = field(default_factory=dict)


def break_report(walk: Walk, problem: str, broken_at: int | None, **extra) -> dict:
    """Describe a break: the kind of problem, the first bad id and what else is known."""
    return {"ok": False, "events": walk.events, "legacy_events": walk.legacy_events,
            "problem": problem, "broken_at": broken_at, **extra}


def check_row(walk: Walk, row, key: bytes) -> dict | None:
    """Check one event against the walk so far; advance the walk or report the break."""
    if row.chain == LEGACY_CHAIN and walk.keyed:
        return break_report(walk, "downgraded", row.id)
    if row.chain == KEYED_CHAIN and walk.keyed and row.id != walk.last_id + 1:
        return break_report(walk, "missing", row.id, missing=[walk.last_id + 1, row.id - 1])
    if row.prev_hash != walk.last_hash:
        if row.id > walk.last_id + 1:
            return break_report(walk, "missing", row.id, missing=[walk.last_id + 1, row.id - 1])
        return break_report(walk, "relinked", row.id)
    if row.hash != expected_hash(key, walk.last_hash, row):
        return break_report(walk, "altered", row.id)
    walk.keyed = walk.keyed or row.chain == KEYED_CHAIN
    walk.legacy_events += row.chain == LEGACY_CHAIN
    walk.last_id, walk.last_hash = row.id, row.hash
    walk.events += 1
    if row.id in walk.counts:
        walk.counts[row.id] = walk.events
    return None


def check_anchors(walk: Walk, entries: list[dict], hashes: dict[int, str]) -> dict | None:
    """Check the walked chain against checkpoints kept outside the database."""
    good = 0
    for entry in entries:
        if entry["last_id"] > walk.last_id:
            return break_report(walk, "truncated", walk.last_id + 1,
                                missing=[walk.last_id + 1, entry["last_id"]],
                                anchor=entry["at"], anchored_events=entry["count"])
        if hashes.get(entry["last_id"]) != entry["hash"]:
            return break_report(walk, "rewritten", entry["last_id"], after=good,
                                anchor=entry["at"])
        if walk.counts.get(entry["last_id"], entry["count"]) != entry["count"]:
            return break_report(walk, "count", entry["last_id"], anchor=entry["at"],
                                anchored_events=entry["count"])
        good = entry["last_id"]
    return None


def saved_state() -> AuditVerification | None:
    """Return the stored verification point if its signature and its event still hold."""
    state = db.session.get(AuditVerification, STATE_ID)
    if state is None or not holds("state", state_fields(state), state.signature):
        return None
    current = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == state.event_id))
    return state if current == state.event_hash else None


def state_fields(state: AuditVerification) -> list:
    """Return what the verification point's signature covers."""
    return [state.event_id, state.event_hash, state.events, state.legacy_events]


def verify_chain(full: bool = False, *, up_to: int | None = None) -> dict:
    """Verify the chain (from the last verified point unless `full`) and its anchors.

    `up_to` ignores anchors beyond that id (a restored backup ends there). A clean result moves
    the stored verification point; the caller commits.
    """
    state = None if full else saved_state()
    walk = Walk()
    if state:
        walk = Walk(state.event_id, state.event_hash, state.events, state.legacy_events,
                    keyed=state.events > state.legacy_events)
    entries, forged = anchors.read_all()
    if forged:
        return break_report(walk, "forged_anchor", None, lines=forged[:10])
    anchored = bool(entries)
    entries = [e for e in entries if e["last_id"] > walk.last_id
               and (up_to is None or e["last_id"] <= up_to)]
    kept = stored_state_entry(walk.last_id)
    if kept and (up_to is None or kept["last_id"] <= up_to):
        entries = sorted([*entries, kept], key=lambda entry: entry["last_id"])
    walk.counts = {entry["last_id"]: 0 for entry in entries}
    hashes: dict[int, str] = {}
    key = subkey("chain")
    checked = 0
    rows = db.session.execute(
        select(*(getattr(AuditEvent, name) for name in EventRow._fields))
        .where(AuditEvent.id > walk.last_id).order_by(AuditEvent.id)
        .execution_options(yield_per=2000))
    for raw in rows:
        row = EventRow._make(raw)  # plain attribute access: the walk's hot path
        problem = check_row(walk, row, key)
        if problem:
            return problem
        if row.id in walk.counts:
            hashes[row.id] = row.hash
        checked += 1
    problem = check_anchors(walk, entries, hashes)
    if problem:
        return problem
    if walk.events and not anchored:
        # The keyed chain anchors its start at once: no checkpoint at all means they were lost.
        return break_report(walk, "no_anchors", None, anchor_dir=str(anchors.anchor_dir()))
    if checked:
        save_state(walk)
    return {"ok": True, "events": walk.events, "legacy_events": walk.legacy_events,
            "checked": checked, "anchors": len(entries), "mode": "incremental" if state
            else "full", "last_id": walk.last_id}


def stored_state_entry(after_id: int) -> dict | None:
    """Return the signed verification point as a checkpoint, when it lies beyond `after_id`.

    Even stale, a genuine point proves the chain once reached that far (truncation)."""
    state = db.session.get(AuditVerification, STATE_ID)
    if state is None or state.event_id <= after_id:
        return None
    if not holds("state", state_fields(state), state.signature):
        return None
    return {"at": state.verified_at.isoformat(timespec="seconds"), "last_id": state.event_id,
            "hash": state.event_hash, "count": state.events}


def save_state(walk: Walk) -> None:
    """Store the verified point, signed (the caller commits)."""
    state = db.session.get(AuditVerification, STATE_ID) or AuditVerification(id=STATE_ID)
    state.event_id, state.event_hash = walk.last_id, walk.last_hash
    state.events, state.legacy_events = walk.events, walk.legacy_events
    state.verified_at = utcnow()
    state.signature = seal("state", state_fields(state))
    db.session.add(state)
    db.session.flush()


def event_count() -> int:
    """Count the events in the log."""
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def describe(result: dict) -> str:
    """Say in the user's language what a verification found."""
    if result["ok"]:
        return _("Chain intact: %(n)d events verified.", n=result["events"])
    missing = result.get("missing") or [None, None]
    messages = {
        "altered": _("Event %(id)s was changed after it was written.", id=result["broken_at"]),
        "missing": _("Events %(a)s to %(b)s are missing (deleted); the chain resumes at %(id)s.",
                     a=missing[0], b=missing[1], id=result["broken_at"]),
        "relinked": _("Event %(id)s does not follow the event before it.",
                      id=result["broken_at"]),
        "downgraded": _("Event %(id)s was rewritten without the audit key.",
                        id=result["broken_at"]),
        "truncated": _("Events %(a)s to %(b)s are missing: a checkpoint of %(at)s vouches for "
                       "them (the newest events were deleted).",
                       a=missing[0], b=missing[1], at=result.get("anchor")),
        "rewritten": _("The chain up to event %(id)s differs from its checkpoint of %(at)s: "
                       "events after %(after)s were rewritten and re-hashed.",
                       id=result["broken_at"], at=result.get("anchor"),
                       after=result.get("after")),
        "count": _("The number of events up to %(id)s differs from its checkpoint.",
                   id=result["broken_at"]),
        "forged_anchor": _("A checkpoint file line is not signed by the audit key: %(lines)s.",
                           lines=", ".join(result.get("lines", []))),
        "no_anchors": _("No checkpoint of the chain is in %(dir)s: nothing outside the database "
                        "vouches for the log (the folder is lost or misconfigured).",
                        dir=result.get("anchor_dir")),
    }
    return messages[result["problem"]]


# --- listing and export -------------------------------------------------------------------


@dataclass
class AuditFilters:
    """What the audit page and API filter on; every field optional."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    start: date | None = None
    end: date | None = None

    def as_details(self) -> dict:
        """Return the filters as recorded in an audit event."""
        return {k: str(v) for k, v in self.__dict__.items() if v}


def parse_filters(args) -> AuditFilters:
    """Read filters from query arguments; refuse bad ones naming the field."""
    query = parse_query(AuditQuery, args)
    kind, _sep, ident = (query.object or "").partition(":")
    return AuditFilters(actor=query.actor or "", action=query.action or "", object_type=kind,
                        object_id=ident, outcome=query.outcome or "", start=query.start,
                        end=query.end)


def filtered(filters: AuditFilters):
    """Return the select of events matching the filters, newest first."""
    from wanted.pursuit.services import day_start_utc

    query = select(AuditEvent)
    conditions = {AuditEvent.actor_name: filters.actor, AuditEvent.action: filters.action,
                  AuditEvent.object_type: filters.object_type,
                  AuditEvent.object_id: filters.object_id, AuditEvent.outcome: filters.outcome}
    for column, value in conditions.items():
        if value:
            query = query.where(column == value)
    if filters.start:
        query = query.where(AuditEvent.at >= day_start_utc(filters.start))
    if filters.end:
        query = query.where(AuditEvent.at < day_start_utc(filters.end + timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())


def configured_per_page() -> int:
    """Return how many events a page shows."""
    return current_app.config["AUDIT_PER_PAGE"]


def page_of_events(filters: AuditFilters, page: int = 1, per_page: int = 50) -> Page:
    """Return one page of the matching events and how many match in all."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, page)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total or 0, page=page, per_page=per_page)


def event_json(event: AuditEvent) -> dict:
    """Return an event as the API shows it."""
    return {"id": event.id, "at": iso_utc(event.at), "actor": event.actor_name,
            "source_ip": event.source_ip, "action": event.action,
            "object": f"{event.object_type}:{event.object_id}" if event.object_type else None,
            "outcome": event.outcome, "details": event.details}


def readable_details(details: dict) -> str:
    """Return details as "key: value" text, non-Latin letters kept as they are."""
    def text_of(value: object) -> str:
        return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(
            value)

    return "; ".join(f"{key}: {text_of(value)}" for key, value in sorted(details.items()))


def export_csv(filters: AuditFilters) -> Iterator[str]:
    """Yield the matching events as CSV lines, in local time."""
    header = ["id", "time (Asia/Ho_Chi_Minh)", "user", "source", "action", "object", "outcome",
              "details"]
    yield csv_line(header)
    rows = db.session.scalars(filtered(filters).execution_options(yield_per=1000))
    for event in rows:
        obj = f"{event.object_type}:{event.object_id}" if event.object_type else ""
        yield csv_line([event.id, format_datetime(event.at, "yyyy-MM-dd HH:mm:ss"),
                        event.actor_name, event.source_ip, event.action, obj, event.outcome,
                        readable_details(event.details)])


def csv_line(values: list) -> str:
    """Format one CSV line."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()
