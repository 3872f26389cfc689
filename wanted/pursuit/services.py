"""Rules of the pursuit: outreach, arrest attempts, tips, follow-ups, status changes, timeline."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.errors import Conflict, Forbidden, NotFound, ValidationFailed
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
    """Move the person's last activity forward to `at` (never back)."""
    if person.last_activity_at is None or at > person.last_activity_at:
        person.last_activity_at = at


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


def pending_hits(actor: User, limit: int = 5) -> tuple[list[Tip], int]:
    """Return the oldest unconfirmed face-match tips the actor must see, and how many there are."""
    if actor.role not in ("officer", "supervisor"):
        return [], 0
    condition = (Tip.source == "match", Tip.status == "new", WantedPerson.status == "wanted",
                 WantedPerson.unit_id.in_(auth.subtree_ids(actor.unit_id)))
    query = select(Tip).join(Tip.person).where(*condition)
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery()))
    if not total:
        return [], 0
    tips = db.session.scalars(query.options(selectinload(Tip.person))
                              .order_by(Tip.received_at).limit(limit))
    return list(tips), total


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
        raise Conflict(_("Someone else changed this person first. Reload and try again."),
                       code="stale_version") from err
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


def timeline(person: WantedPerson) -> list[dict]:
    """Return everything done on the person, newest first, each entry with kind, at and by."""
    entries = [*_outreach_entries(person), *_attempt_entries(person), *_tip_entries(person),
               *_status_entries(person), *_review_entries(person),
               *publication.timeline_entries(person), *validation.timeline_entries(person),
               *matching.timeline_entries(person), *registry.timeline_entries(person)]
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


def _by(user: User | None) -> dict:
    return {"by": user.username if user else None, "by_name": user.display_name if user else ""}


def _rows(model, person: WantedPerson, *loads):
    # Each load is the one user who logged the row: joined, so a kind of entry is one query.
    return db.session.scalars(select(model).where(model.person_id == person.id)
                              .options(*(joinedload(rel) for rel in loads)))


def _outreach_entries(person: WantedPerson) -> list[dict]:
    return [{"kind": "outreach", "id": c.id, "at": c.contacted_at,
             "logged_at": c.created_at, **_by(c.officer),
             "contact_name": c.contact_name, "relation": c.relation, "channel": c.channel,
             "outcome": c.outcome, "notes": c.notes, "follow_up_on": c.follow_up_on,
             "follow_up_done": c.follow_up_done}
            for c in _rows(OutreachContact, person, OutreachContact.officer)]


def _attempt_entries(person: WantedPerson) -> list[dict]:
    return [{"kind": "attempt", "id": a.id, "at": a.attempted_at,
             "logged_at": a.created_at, **_by(a.officer),
             "location": a.location, "officers": a.officers, "outcome": a.outcome,
             "notes": a.notes, "tip_id": a.tip_id, "follow_up_on": a.follow_up_on,
             "follow_up_done": a.follow_up_done}
            for a in _rows(ArrestAttempt, person, ArrestAttempt.officer)]


def _tip_entries(person: WantedPerson) -> list[dict]:
    return [{"kind": "tip", "id": t.id, "at": t.received_at,
             "logged_at": t.created_at, **_by(t.logged_by),
             "source": t.source, "location": t.location, "text": t.text, "status": t.status,
             "handled_by": t.handled_by.username if t.handled_by else None,
             "follow_up_on": t.follow_up_on, "follow_up_done": t.follow_up_done}
            for t in _rows(Tip, person, Tip.logged_by, Tip.handled_by)]


def _status_entries(person: WantedPerson) -> list[dict]:
    return [{"kind": "status", "id": s.id, "at": s.changed_at, **_by(s.changed_by),
             "from_status": s.from_status, "to_status": s.to_status, "reason": s.reason,
             "document_number": s.document_number, "document_date": s.document_date}
            for s in _rows(StatusChange, person, StatusChange.changed_by)]


def _review_entries(person: WantedPerson) -> list[dict]:
    rows = db.session.execute(
        select(MatchReview, MatchCandidate, MatchFace.search_id)
        .join(MatchReview.candidate).join(MatchCandidate.face)
        .where(MatchCandidate.person_id == person.id)
        .options(selectinload(MatchReview.reviewer)))
    return [{"kind": "review", "id": review.id, "at": review.reviewed_at, **_by(review.reviewer),
             "decision": review.decision, "note": review.note, "search_id": search_id,
             "distance": round(candidate.distance, 3), "band": candidate.band,
             "tip_id": review.tip_id}
            for review, candidate, search_id in rows]


def record_match_tip(actor: User, person: WantedPerson, *, text: str,
                     received_at: datetime) -> Tip:
    """Put a face-match lead on a person's timeline as a hit for the owning unit to confirm.

    Any officer who reviewed the match may raise it, whatever their unit: the hit is news for
    the owning unit, which confirms or dismisses it.
    """
    tip = Tip(person=person, logged_by=actor, received_at=received_at, status="new",
              source="match", text=text[:5000])
    return _save(actor, person, tip, "tip.create", received_at)
