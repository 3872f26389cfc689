"""Rules of the pursuit: outreach, arrest attempts, tips, follow-ups, status changes, timeline."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, or_, select, union_all, update
from sqlalchemy.orm import join, outerjoin, selectinload
from sqlalchemy.orm.exc import StaleDataError

from wanted import timeline as layout
from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.errors import Conflict, Forbidden, NotFound, ValidationFailed, lost_race
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.matching.models import MatchCandidate, MatchFace, MatchReview
from wanted.public import services as publication
from wanted.pursuit.models import (
    ArrestAttempt,
    OutreachContact,
    StatusChange,
    Tip,
)
from wanted.pursuit.schemas import AttemptInput, OutreachInput, StatusInput, TipInput
from wanted.registry import services as registry
from wanted.registry import validation
from wanted.registry.models import WantedPerson
from wanted.registry.services import ensure_can_work_on
from wanted.timeutil import utcnow
from wanted.validation import local_zone, parse

# Where a status may move; every other move is refused with 409. A closed case may be reopened
# (back to "wanted") by a supervisor of the owning unit, with a reason.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "wanted": ("arrested", "surrendered", "deceased", "withdrawn"),
    "arrested": ("cancelled", "wanted"),
    "surrendered": ("cancelled", "wanted"),
    "deceased": ("cancelled", "wanted"),
    "cancelled": ("wanted",),
    "withdrawn": ("wanted",),
}
# Where a tip may move when someone settles it.
TIP_MOVES: dict[str, tuple[str, ...]] = {
    "new": ("verifying", "confirmed", "false"),
    "verifying": ("confirmed", "false"),
}
# Records that carry a follow-up date, by the name used in URLs.
FOLLOW_UP_KINDS: dict[str, type] = {
    "outreach": OutreachContact, "attempt": ArrestAttempt, "tip": Tip,
}


def local_today() -> date:
    """Return today's date in the installation's time zone."""
    return datetime.now(local_zone()).date()


def day_start_utc(day: date) -> datetime:
    """Return the UTC moment (naive, as stored) at which a local calendar day begins."""
    local = datetime.combine(day, time(), tzinfo=local_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _moment(value: datetime | None) -> datetime:
    """Return a checked (aware) moment as stored, naive UTC; absent is now."""
    if value is None:
        return utcnow()
    return value.astimezone(UTC).replace(tzinfo=None)


def _follow_up(follow_up: date | None, since: datetime, errors: dict) -> date | None:
    if follow_up and follow_up < since.date():
        errors["follow_up_on"] = _("A follow-up cannot be set before the event.")
    return follow_up


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)


def touch(person: WantedPerson, at: datetime) -> None:
    """Move the person's last activity forward to `at` (never back), leaving their version.

    Logged work is not an edit of the record: it must neither lose to a save of the record
    landing meanwhile (a versioned UPDATE would find the version moved) nor make an editor's
    If-Match stale. The database compares, so the latest activity wins whichever commits first.
    """
    table = WantedPerson.__table__
    # On the session's connection, not through it: no autoflush of the caller's pending edits.
    db.session.connection().execute(update(table).where(
        table.c.id == person.id,
        or_(table.c.last_activity_at.is_(None), table.c.last_activity_at < at))
        .values(last_activity_at=at))
    db.session.expire(person, ["last_activity_at", "updated_at"])


def log_outreach(actor: User, person: WantedPerson, data: dict) -> OutreachContact:
    """Record a persuasion contact about the person."""
    ensure_can_work_on(actor, person, "outreach.create")
    given = parse(OutreachInput, data)
    errors: dict[str, str] = {}
    at = _moment(given.contacted_at)
    contact = OutreachContact(
        person=person, officer=actor, contacted_at=at, contact_name=given.contact_name,
        relation=given.relation, channel=given.channel, outcome=given.outcome,
        notes=given.notes, follow_up_on=_follow_up(given.follow_up_on, at, errors))
    _raise_if(errors)
    return _save(actor, person, contact, "outreach.create", at)


def log_attempt(actor: User, person: WantedPerson, data: dict) -> ArrestAttempt:
    """Record an arrest attempt on the person and how it ended."""
    ensure_can_work_on(actor, person, "attempt.create")
    given = parse(AttemptInput, data)
    errors: dict[str, str] = {}
    at = _moment(given.attempted_at)
    attempt = ArrestAttempt(
        person=person, officer=actor, attempted_at=at, location=given.location,
        officers=given.officers, outcome=given.outcome, notes=given.notes,
        tip=_tip_of(person, given.tip_id, errors),
        follow_up_on=_follow_up(given.follow_up_on, at, errors))
    _raise_if(errors)
    return _save(actor, person, attempt, "attempt.create", at)


def _tip_of(person: WantedPerson, tip_id: int | None, errors: dict) -> Tip | None:
    if tip_id is None:
        return None
    tip = db.session.get(Tip, tip_id)
    if tip is None or tip.person_id != person.id:
        errors["tip_id"] = _("No such tip on this person.")
        return None
    return tip


def ensure_can_pass_on_tip(actor: User, person: WantedPerson) -> None:
    """Raise Forbidden (audited) unless the actor is an officer or supervisor of any unit."""
    if actor.role not in ("officer", "supervisor"):
        raise Forbidden(_("Only officers and supervisors pass on tips."),
                        audit={"action": "tip.create", "actor": actor, "object_type": "person",
                               "object_id": person.id})


def create_tip(actor: User, person: WantedPerson, data: dict) -> Tip:
    """Record a report of where the person is, from an officer or the public.

    Any officer may pass a tip on to the owning unit, whatever their own unit.

    A tip of source "match" is refused here: only a reviewed face-match candidate raises one
    (`record_match_tip`), so a hand-typed tip never shows to others as a face-match hit.
    """
    ensure_can_pass_on_tip(actor, person)
    if isinstance(data, dict) and data.get("source") == "match":
        raise ValidationFailed(_("Some fields are not valid."), {"source": _(
            "A face-match tip comes only from the review of a face search.")})
    given = parse(TipInput, data)
    errors: dict[str, str] = {}
    at = _moment(given.received_at)
    tip = Tip(person=person, logged_by=actor, received_at=at, status="new", source=given.source,
              location=given.location, text=given.text,
              follow_up_on=_follow_up(given.follow_up_on, at, errors))
    _raise_if(errors)
    return _save(actor, person, tip, "tip.create", at)


def _save(actor: User, person: WantedPerson, record, action: str, at: datetime):
    db.session.add(record)
    touch(person, at)
    db.session.flush()
    audit.record(action, actor=actor, object_type="person", object_id=person.id,
                 details={"record_id": record.id})
    return record


def get_tip(tip_id: int) -> Tip:
    """Return the tip or raise NotFound."""
    tip = db.session.get(Tip, tip_id)
    if tip is None:
        raise NotFound(_("No such tip."))
    return tip


def settle_tip(actor: User, tip: Tip, status: str) -> Tip:
    """Move a tip on (new → verifying → confirmed or false), noting who handled it.

    A face-match hit needs a second person: whoever raised it may not settle it.
    """
    ensure_can_settle(actor, tip, status)
    if status not in TIP_MOVES.get(tip.status, ()):
        raise Conflict(_("This tip is already settled or cannot move that way."),
                       code="tip_settled")
    before = tip.status
    tip.status, tip.handled_by, tip.handled_at = status, actor, utcnow()
    touch(tip.person, tip.handled_at)
    db.session.flush()
    audit.record("tip.settle", actor=actor, object_type="person", object_id=tip.person_id,
                 details={"tip_id": tip.id, "source": tip.source, "from": before, "to": status})
    return tip


def ensure_can_settle(actor: User, tip: Tip, status: str) -> None:
    """Raise Forbidden (audited) unless the actor may settle the tip; hits need a second person."""
    ensure_can_work_on(actor, tip.person, "tip.settle")
    if tip.source == "match" and tip.logged_by_id == actor.id:
        raise Forbidden(_("A hit is confirmed or dismissed by another officer of the owning "
                          "unit, not by the one who raised it."),
                        code="same_reviewer",
                        audit={"action": "tip.settle", "actor": actor, "object_type": "person",
                               "object_id": tip.person_id,
                               "details": {"tip_id": tip.id, "to": status}})


@dataclass(frozen=True)
class PendingHit:
    """What the hit banner shows of an unconfirmed face-match tip."""

    id: int
    person_id: int
    person_name: str
    logged_by_id: int
    raised_by: str
    created_at: datetime


@cache
def _pending_hits_statement() -> Select:
    # Built once: constructing a statement of this size costs more than running it.
    return (select(Tip.id, Tip.person_id, WantedPerson.full_name, Tip.logged_by_id,
                   func.coalesce(func.nullif(User.full_name, ""), User.username),
                   Tip.created_at, func.count().over())
            .join(WantedPerson, WantedPerson.id == Tip.person_id)
            .join(User, User.id == Tip.logged_by_id)
            .where(Tip.source == "match", Tip.status == "new", WantedPerson.status == "wanted",
                   WantedPerson.unit_id.in_(bindparam("units", expanding=True)))
            .order_by(Tip.received_at, Tip.id).limit(bindparam("limit")))


def pending_hits(actor: User, limit: int = 5) -> tuple[list[PendingHit], int]:
    """Return the oldest unconfirmed face-match tips the actor must see, and how many there are.

    One statement, read as plain columns (every page shows the banner): the count is a window
    over every match, taken before the limit.
    """
    if actor.role not in ("officer", "supervisor"):
        return [], 0
    rows = db.session.execute(_pending_hits_statement(), {
        "units": sorted(auth.subtree_ids(actor.unit_id)), "limit": limit}).all()
    return [PendingHit(*row[:6]) for row in rows], rows[0][6] if rows else 0


def change_status(actor: User, person: WantedPerson, to_status: str, reason: str,
                  document_number: str, changed_at: datetime | str | None = None, *,
                  document_date: date | str | None = None) -> StatusChange:
    """Move the person to a new status by the rules; a closure takes them out of the gallery.

    Every closure names its document (number and date); a reopening (back to "wanted") needs a
    reason and puts the person back into the face gallery.
    """
    given = parse(StatusInput, {"status": to_status, "reason": reason,
                                "document_number": document_number, "changed_at": changed_at,
                                "document_date": document_date})
    ensure_can_close(actor, person)
    if given.status not in TRANSITIONS.get(person.status, ()):
        raise Conflict(transition_refusal(person.status, given.status),
                       code="transition_forbidden")
    errors: dict[str, str] = {}
    to_status, reason, document_number = given.status, given.reason, given.document_number
    document_day = given.document_date
    if not reason:
        errors["reason"] = _("This field is required.")
    at = _moment(given.changed_at)
    if to_status != "wanted":
        _closure_document(document_number, document_day, errors)
    _raise_if(errors)
    change = StatusChange(person=person, from_status=person.status, to_status=to_status,
                          reason=reason, document_number=document_number,
                          document_date=document_day, changed_at=at, changed_by=actor,
                          unit_id=person.unit_id)
    db.session.add(change)
    person.status, person.status_changed_at = to_status, at
    touch(person, at)
    try:
        db.session.flush()
    except StaleDataError as err:
        raise lost_race() from err
    matching.person_status_changed(person.id, wanted=to_status == "wanted")
    audit.record("person.reopen" if to_status == "wanted" else "person.status", actor=actor,
                 object_type="person", object_id=person.id,
                 details={"from": change.from_status, "to": to_status, "reason": reason,
                          "document_number": document_number,
                          "document_date": document_day.isoformat() if document_day else None})
    if to_status != "wanted":
        publication.withdraw_on_close(actor, person)
    return change


def _closure_document(number: str, day: date | None, errors: dict) -> None:
    """Require the closing document's number and date (not in the future)."""
    if not number and "document_number" not in errors:
        errors["document_number"] = _("Closing a case needs the number of its document.")
    if day is None and "document_date" not in errors:
        errors["document_date"] = _("Closing a case needs the date of its document.")
    elif day is not None and day > local_today():
        errors["document_date"] = _("Cannot be in the future.")


def ensure_can_close(actor: User, person: WantedPerson) -> None:
    """Raise Forbidden (audited) unless the actor supervises the owning unit or one above it."""
    if not auth.can_close_case(actor, person.unit_id):
        raise Forbidden(_("Only a supervisor of the owning unit or above may change the status."),
                        audit={"action": "person.status", "actor": actor, "object_type": "person",
                               "object_id": person.id})


def ensure_can_reassign(actor: User, person: WantedPerson) -> None:
    """Raise Forbidden (audited) unless the actor is a supervisor of the owning unit or above."""
    if actor.role != "supervisor" or not auth.can_work_on(actor, person.unit_id):
        raise Forbidden(_("Only a supervisor reassigns a person."),
                        audit={"action": "person.update", "actor": actor,
                               "object_type": "person", "object_id": person.id})


def transition_refusal(from_status: str, to_status: str) -> str:
    """Say why a status move is refused, naming the moves that are allowed."""
    allowed = TRANSITIONS.get(from_status, ())
    if not allowed:
        return _("A person whose status is %(from)s cannot change status any more.",
                 **{"from": from_status})
    return _("A person whose status is %(from)s can only move to: %(allowed)s.",
             allowed=", ".join(allowed), **{"from": from_status})


def last_change(person: WantedPerson) -> StatusChange | None:
    """Return the person's latest status change, if any."""
    return db.session.scalar(select(StatusChange).where(StatusChange.person_id == person.id)
                             .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
                             .limit(1))


def allowed_statuses(person: WantedPerson) -> tuple[str, ...]:
    """Return the statuses the person may move to next (reopening included)."""
    return TRANSITIONS.get(person.status, ())


def closing_statuses(person: WantedPerson) -> tuple[str, ...]:
    """Return the statuses that would close or further close the person's case."""
    return tuple(s for s in allowed_statuses(person) if s != "wanted")


@dataclass
class FollowUp:
    """A record whose follow-up date has come."""

    kind: str
    record: OutreachContact | ArrestAttempt | Tip
    person: WantedPerson
    due_on: date


def followups_due(actor: User, today: date) -> list[FollowUp]:
    """List the actor's open follow-ups due today or earlier, on persons still wanted."""
    found = []
    for kind, model in FOLLOW_UP_KINDS.items():
        owner = model.logged_by_id if model is Tip else model.officer_id
        rows = db.session.scalars(
            select(model).join(model.person)
            .where(owner == actor.id, model.follow_up_on <= today,
                   model.follow_up_done.is_(False), WantedPerson.status == "wanted")
            .options(selectinload(model.person)))
        found.extend(FollowUp(kind, row, row.person, row.follow_up_on) for row in rows)
    return sorted(found, key=lambda f: (f.due_on, f.person.full_name))


def complete_followup(actor: User, kind: str, record_id: int) -> None:
    """Mark a follow-up done."""
    model = FOLLOW_UP_KINDS.get(kind)
    record = db.session.get(model, record_id) if model else None
    if record is None or record.follow_up_on is None:
        raise NotFound(_("No such follow-up."))
    ensure_can_work_on(actor, record.person, "followup.done")
    record.follow_up_done = True
    db.session.flush()
    audit.record("followup.done", actor=actor, object_type="person", object_id=record.person_id,
                 details={"kind": kind, "record_id": record_id})


def timeline(person: WantedPerson, rows: list | None = None) -> list[dict]:
    """Return everything done on the person, newest first, each entry with kind, at and by.

    `rows` are the person's timeline rows if already read (`timeline_rows`); the registration
    and the kept photos come from the person (loaded with it on the person page).
    """
    rows = timeline_rows(person.id) if rows is None else rows
    entries = [*timeline_entries(rows), *matching.timeline_entries(person, rows),
               *registry.timeline_entries(person)]
    return sorted(entries, key=_happened, reverse=True)


def _happened(entry: dict) -> tuple:
    # Officers type times to the minute; within one minute, the moment each entry was logged
    # (stamped to the microsecond) is the order in which things really happened.
    at = entry["at"]
    return (minute_of(at), entry.get("logged_at", at), at, entry["kind"], entry["id"])


def minute_of(moment: datetime) -> datetime:
    """Return the minute a stored time falls in."""
    return moment.replace(second=0, microsecond=0)


def follow_up_state(on: date | None, done: bool, today: date,
                    closed: bool = False) -> str | None:
    """Say where a follow-up stands: done, moot (its case is closed), overdue, due today or
    later (None without one)."""
    if on is None:
        return None
    if done:
        return "done"
    if closed:
        return "moot"
    return "overdue" if on < today else "today" if on == today else "later"


def timeline_rows(person_id: int) -> list:
    """Read every kind of timeline entry of a person in one statement."""
    return list(db.session.execute(_timeline_statement(), {"timeline_person": person_id}))


@cache
def _timeline_statement():
    # Built once: a UNION of nine aliased selects costs more to build than to run.
    person_id = bindparam("timeline_person")
    return union_all(*_selects(person_id), *publication.timeline_selects(person_id),
                     *validation.timeline_selects(person_id),
                     *matching.timeline_selects(person_id))


def timeline_entries(rows: list) -> list[dict]:
    """Turn the rows of the pursuit, notices and validations into entries."""
    decoders = {**{kind: _decode for kind in KEYS}, "notice": publication.timeline_entry,
                "validation": validation.timeline_entry}
    return [decoders[row.kind](row) for row in rows if row.kind in decoders]


# Which slot of the shared timeline layout holds each field of a kind (see wanted/timeline.py).
KEYS = {
    "outreach": {"logged_at": "w1", "contact_name": "t1", "relation": "t2", "channel": "t3",
                 "outcome": "t4", "notes": "t5", "follow_up_on": "d1", "follow_up_done": "b1"},
    "attempt": {"logged_at": "w1", "location": "t1", "officers": "t2", "outcome": "t4",
                "notes": "t5", "tip_id": "n1", "follow_up_on": "d1", "follow_up_done": "b1"},
    "tip": {"logged_at": "w1", "source": "t1", "location": "t2", "text": "t5", "status": "t3",
            "handled_by": "t4", "follow_up_on": "d1", "follow_up_done": "b1"},
    "status": {"from_status": "t1", "to_status": "t2", "reason": "t5", "document_number": "t3",
               "document_date": "d1"},
    "review": {"decision": "t1", "note": "t5", "search_id": "n1", "distance": "f1",
               "band": "t2", "tip_id": "n2"},
}


def _decode(row) -> dict:
    entry = layout.decode(row, KEYS[row.kind])
    if row.kind == "review":
        entry["distance"] = round(entry["distance"], 3)
    return entry


def _fields(kind: str, model, **extra) -> dict:
    """Map a kind's slots to the model's columns of the same names (or the given ones)."""
    return {slot: extra[key] if key in extra else getattr(model, key)
            for key, slot in KEYS[kind].items()}


def _selects(person_id) -> list:
    outreach_by, attempt_by, tip_by, handler, status_by, reviewer = (
        layout.user_alias() for _ in range(6))
    return [
        layout.entry_select(
            "outreach", OutreachContact.id, OutreachContact.contacted_at, outreach_by,
            outerjoin(OutreachContact, outreach_by, OutreachContact.officer_id == outreach_by.id),
            _fields("outreach", OutreachContact, logged_at=OutreachContact.created_at),
            OutreachContact.person_id == person_id),
        layout.entry_select(
            "attempt", ArrestAttempt.id, ArrestAttempt.attempted_at, attempt_by,
            outerjoin(ArrestAttempt, attempt_by, ArrestAttempt.officer_id == attempt_by.id),
            _fields("attempt", ArrestAttempt, logged_at=ArrestAttempt.created_at),
            ArrestAttempt.person_id == person_id),
        layout.entry_select(
            "tip", Tip.id, Tip.received_at, tip_by,
            outerjoin(Tip, tip_by, Tip.logged_by_id == tip_by.id)
            .outerjoin(handler, Tip.handled_by_id == handler.id),
            _fields("tip", Tip, handled_by=handler.username, logged_at=Tip.created_at),
            Tip.person_id == person_id),
        layout.entry_select(
            "status", StatusChange.id, StatusChange.changed_at, status_by,
            outerjoin(StatusChange, status_by, StatusChange.changed_by_id == status_by.id),
            _fields("status", StatusChange), StatusChange.person_id == person_id),
        layout.entry_select(
            "review", MatchReview.id, MatchReview.reviewed_at, reviewer,
            join(MatchReview, MatchCandidate, MatchReview.candidate_id == MatchCandidate.id)
            .join(MatchFace, MatchCandidate.face_id == MatchFace.id)
            .outerjoin(reviewer, MatchReview.reviewer_id == reviewer.id),
            _fields("review", MatchReview, search_id=MatchFace.search_id,
                    distance=MatchCandidate.distance, band=MatchCandidate.band),
            MatchCandidate.person_id == person_id),
    ]


def record_match_tip(actor: User, person: WantedPerson, *, text: str,
                     received_at: datetime) -> Tip:
    """Put a face-match lead on a person's timeline as a hit for the owning unit to confirm.

    Any officer who reviewed the match may raise it, whatever their unit: the hit is news for
    the owning unit, which confirms or dismisses it.
    """
    tip = Tip(person=person, logged_by=actor, received_at=received_at, status="new",
              source="match", text=text[:5000])
    return _save(actor, person, tip, "tip.create", received_at)
