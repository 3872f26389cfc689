"""Rules of the public side: publishing notices, what a notice shows, and citizen tips."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, ScalarSelect, func, literal, select
from sqlalchemy.orm import outerjoin, selectinload

from wanted import timeline, timeutil
from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import Unit, User
from wanted.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.matching.models import MatchSearch, Photo
from wanted.public.models import CitizenTip, PublicNotice
from wanted.public.schemas import CitizenTipInput, CloseTipInput, PublicationInput
from wanted.registry.models import WantedPerson
from wanted.registry.services import Page
from wanted.text import fold
from wanted.validation import DIGITS, parse

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
RECEIPT_LENGTH = 12
MAX_ID = 2**31 - 1  # larger ids exist in no table; looking them up would overflow SQLite
TEXT_LIMIT = 5000


# --- publishing -------------------------------------------------------------------------------

def current_notice(person_id: int) -> PublicNotice | None:
    """Return the person's live notice, if published."""
    return db.session.scalar(select(PublicNotice).where(
        PublicNotice.person_id == person_id, PublicNotice.withdrawn_at.is_(None)))


def ensure_can_publish(actor: User, person: WantedPerson, action: str) -> None:
    """Raise Forbidden (audited) unless the actor supervises the owning unit or one above it."""
    if not auth.can_close_case(actor, person.unit_id):
        raise Forbidden(_("Only a supervisor of the owning unit may publish or withdraw a "
                          "public notice."),
                        audit={"action": action, "actor": actor, "object_type": "person",
                               "object_id": person.id})


def suggested_area(person: WantedPerson) -> str:
    """Guess the district-level part of the home address: its last two comma-separated parts."""
    address = person.registered_address or person.last_known_address or ""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    return ", ".join(parts[-2:])


def publish(actor: User, person: WantedPerson, data: dict) -> PublicNotice:
    """Publish (or re-publish with new details) the person's public notice."""
    ensure_can_publish(actor, person, "notice.publish")
    if person.status != "wanted":
        raise Conflict(_("Only a person still wanted can be published."), code="not_wanted")
    clean = parse(PublicationInput, {"published": True, **data})
    area = clean.area
    contact = clean.contact or unit_contact(person)
    errors: dict[str, str] = {}
    photo = _registry_photo(person, clean.photo_id, errors)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    live = current_notice(person.id)
    now = timeutil.utcnow()
    if live is not None:
        live.withdrawn_at, live.withdrawn_by, live.withdraw_reason = now, actor, "republished"
    notice = PublicNotice(person=person, photo=photo, area=area, area_search=f" {fold(area)} ",
                          contact=contact, published_at=now, published_by=actor)
    db.session.add(notice)
    db.session.flush()
    audit.record("notice.publish", actor=actor, object_type="person", object_id=person.id,
                 details={"notice": notice.id, "photo": photo.id if photo else None,
                          "area": area, "contact": contact})
    return notice


def unit_contact(person: WantedPerson) -> str:
    """Return the owning unit's name, address and phone, as a notice shows them by default."""
    unit = person.unit
    return " · ".join(part for part in (unit.name, unit.address, unit.phone) if part)[:300]


def _registry_photo(person: WantedPerson, photo_id: int | None, errors: dict) -> Photo | None:
    if photo_id is None:
        return None
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.person_id != person.id or photo.kind != "registry":
        errors["photo_id"] = _("Choose one of this person's registry photos.")
        return None
    return photo


def withdraw(actor: User | None, person: WantedPerson, reason: str = "") -> PublicNotice | None:
    """Take the person's notice off the public portal; None if nothing was published."""
    if actor is not None:
        ensure_can_publish(actor, person, "notice.withdraw")
    notice = current_notice(person.id)
    if notice is None:
        return None
    notice.withdrawn_at, notice.withdrawn_by = timeutil.utcnow(), actor
    notice.withdraw_reason = reason[:300]
    db.session.flush()
    audit.record("notice.withdraw", actor=actor, object_type="person", object_id=person.id,
                 details={"notice": notice.id, "reason": notice.withdraw_reason})
    return notice


def withdraw_on_close(actor: User, person: WantedPerson) -> None:
    """Withdraw the notice of a person whose case was just closed."""
    notice = current_notice(person.id)
    if notice is not None:
        notice.withdrawn_at, notice.withdrawn_by = timeutil.utcnow(), actor
        notice.withdraw_reason = f"status: {person.status}"
        db.session.flush()
        audit.record("notice.withdraw", actor=actor, object_type="person",
                     object_id=person.id, details={"notice": notice.id,
                                                   "reason": notice.withdraw_reason})


def set_publication(actor: User, person: WantedPerson, data: dict) -> PublicNotice | None:
    """Publish or withdraw as `published` says (the API's shape)."""
    clean = parse(PublicationInput, data)
    if clean.published:
        return publish(actor, person, data)
    return withdraw(actor, person, clean.reason)


def publication_json(person: WantedPerson) -> dict:
    """Say whether the person is published and what the notice shows."""
    notice = current_notice(person.id)
    return {"person_id": person.id, "published": notice is not None,
            "notice": public_card(notice) if notice else None}


def timeline_selects(person_id) -> list:
    """Select the person's publications and withdrawals in the shared timeline layout.

    A publication also carries what the person page's notice panel shows of a live notice
    (contact, photo, whether it is live), so that the page reads no notice apart.
    """
    published_by, withdrawn_by = timeline.user_alias(), timeline.user_alias()
    return [
        timeline.entry_select(
            "notice", PublicNotice.id, PublicNotice.published_at, published_by,
            outerjoin(PublicNotice, published_by, PublicNotice.published_by_id == published_by.id),
            {"t1": literal("published"), "t2": PublicNotice.area, "t3": PublicNotice.contact,
             "n1": PublicNotice.photo_id, "b1": PublicNotice.withdrawn_at.is_(None)},
            PublicNotice.person_id == person_id),
        timeline.entry_select(
            "notice", PublicNotice.id, PublicNotice.withdrawn_at, withdrawn_by,
            outerjoin(PublicNotice, withdrawn_by, PublicNotice.withdrawn_by_id == withdrawn_by.id),
            {"t1": literal("withdrawn"), "t5": PublicNotice.withdraw_reason},
            PublicNotice.person_id == person_id, PublicNotice.withdrawn_at.is_not(None),
            PublicNotice.withdraw_reason != "republished"),
    ]


def timeline_entry(row) -> dict:
    """Return a notice row as its timeline entry."""
    if row.t1 == "published":
        return timeline.decode(row, {"action": "t1", "area": "t2"})
    return timeline.decode(row, {"action": "t1", "reason": "t5"})


@dataclass
class LiveNotice:
    """The live notice as the person page shows it."""

    published_at: datetime
    by_name: str
    area: str
    contact: str
    photo_id: int | None


def live_notice(rows: list) -> LiveNotice | None:
    """Find the live notice among a person's timeline rows."""
    for row in rows:
        if row.kind == "notice" and row.t1 == "published" and row.b1:
            return LiveNotice(row.at, row.by_name or "", row.t2 or "", row.t3 or "", row.n1)
    return None


# --- what the public sees ---------------------------------------------------------------------

def _live():
    return (select(PublicNotice).join(PublicNotice.person)
            .where(PublicNotice.withdrawn_at.is_(None), WantedPerson.status == "wanted"))


def published_page(q: str = "", birth_year: int | None = None, area: str = "",
                   page: int = 1, per_page: int = 20) -> Page:
    """Find published notices by name or alias (no diacritics needed), birth year and area."""
    query = _live()
    for word in fold(q).split()[:8]:
        query = query.where(WantedPerson.search_text.like(f"% {word}%"))
    if birth_year:
        query = query.where(WantedPerson.birth_year == birth_year)
    for word in fold(area).split()[:8]:
        query = query.where(PublicNotice.area_search.like(f"% {word}%"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    notices = db.session.scalars(
        query.options(selectinload(PublicNotice.person).selectinload(WantedPerson.charges),
                      selectinload(PublicNotice.person).selectinload(WantedPerson.unit))
        .order_by(WantedPerson.search_text, PublicNotice.id)
        .offset((page - 1) * per_page).limit(per_page))
    return Page([public_card(n) for n in notices], total, page, per_page)


def published_notice(person_id: int) -> PublicNotice:
    """Return the live notice of a person still wanted, or raise NotFound."""
    notice = db.session.scalar(_live().where(PublicNotice.person_id == person_id)) \
        if 0 < person_id <= MAX_ID else None
    if notice is None:
        raise NotFound(_("No such public notice."))
    return notice


def public_card(notice: PublicNotice) -> dict:
    """Return the fields a public notice carries, and nothing else."""
    person = notice.person
    return {"person_id": person.id, "full_name": person.full_name,
            "aliases": list(person.aliases or []), "sex": person.sex,
            "birth_year": person.birth_year, "area": notice.area,
            "has_photo": notice.photo_id is not None,
            "charges": [charge.name for charge in person.charges],
            "contact": notice.contact, "published_at": timeutil.iso_utc(notice.published_at)}


def notice_photo(person_id: int) -> bytes:
    """Return the bytes of the photo chosen for a live notice, or raise NotFound."""
    from wanted.storage import photo_store

    notice = published_notice(person_id)
    if notice.photo is None:
        raise NotFound(_("No such photo."))
    return photo_store().get(notice.photo.sha256)


# --- citizen tips -----------------------------------------------------------------------------

def triage_unit() -> Unit:
    """Return the unit whose queue takes tips about no published person (the province)."""
    unit = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    if unit is None:
        raise NotFound(_("No unit receives tips yet."))
    return unit


def new_receipt_code() -> str:
    """Return a fresh random receipt code (60 bits)."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def format_receipt(code: str) -> str:
    """Group a receipt code in fours for reading aloud."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_receipt(value: str) -> str:
    """Read a receipt code as typed: any case, with or without dashes and spaces."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:32]


def check_tip(data: dict) -> CitizenTipInput:
    """Check a citizen's tip (empty form fields count as absent); raise 422 naming each field."""
    return parse(CitizenTipInput, {k: v for k, v in data.items() if v not in (None, "")})


def submit_tip(data: dict, photo: bytes | None = None) -> CitizenTip:
    """Take a citizen's tip into the queue of the person's unit, or the province's."""
    clean = check_tip(data)
    checked = matching.intake(photo) if photo else None
    notice = notice_for(clean.person_id)
    person = notice.person if notice else None
    now = timeutil.utcnow()
    hours = current_app.config["TIP_RESPONSE_HOURS"]
    tip = CitizenTip(receipt_code=new_receipt_code(), person=person,
                     unit=person.unit if person else triage_unit(), created_at=now,
                     due_at=now + timedelta(hours=hours), status="received", text=clean.text,
                     seen_place=clean.seen_place, contact=clean.contact,
                     seen_at=clean.seen_at.astimezone(UTC).replace(tzinfo=None)
                     if clean.seen_at else None)
    if checked is not None:
        tip.photo = matching.store_photo(checked, actor=None, kind="tip",
                                         source=_("citizen tip"))
    db.session.add(tip)
    db.session.flush()
    audit.record("tip.public.create", actor_name="public", object_type="citizen_tip",
                 object_id=tip.id, details={"person": tip.person_id, "unit": tip.unit.code,
                                            "photo": tip.photo_id is not None})
    return tip


def notice_for(person_id: str | None) -> PublicNotice | None:
    """Return the live notice a tip is about; anything but a published person's id is None."""
    if not isinstance(person_id, str) or not DIGITS.fullmatch(person_id.strip()):
        return None  # "²", "١" or 5,000 digits are no id: a tip for triage, never an error
    try:
        return published_notice(int(person_id.strip()))
    except NotFound:
        return None


def receipt_status(code: str) -> str | None:
    """Return only the status of the tip with this receipt code, or None."""
    code = normalise_receipt(code)
    if len(code) != RECEIPT_LENGTH:
        return None
    return db.session.scalar(select(CitizenTip.status).where(CitizenTip.receipt_code == code))


# --- the units' queues ------------------------------------------------------------------------

def tip_queue(actor: User, include_closed: bool = False) -> list[CitizenTip]:
    """Return the citizen tips of the actor's unit and those below it, oldest due first."""
    query = (select(CitizenTip).where(CitizenTip.unit_id.in_(auth.subtree_ids(actor.unit_id)))
             .options(selectinload(CitizenTip.person), selectinload(CitizenTip.unit),
                      selectinload(CitizenTip.taken_by)))
    if not include_closed:
        query = query.where(CitizenTip.status != "closed")
    order = (CitizenTip.closed_at.desc(),) if include_closed else ()
    return list(db.session.scalars(query.order_by(*order, CitizenTip.due_at, CitizenTip.id)
                                   .limit(500)))


def open_tip_count(actor: User) -> int:
    """Count the citizen tips not yet closed in the actor's unit and those below it."""
    return db.session.scalar(select(func.count(CitizenTip.id)).where(
        CitizenTip.unit_id.in_(auth.subtree_ids(actor.unit_id)),
        CitizenTip.status != "closed")) or 0


def get_citizen_tip(actor: User, tip_id: int) -> CitizenTip:
    """Return a tip of the actor's unit or below, or raise NotFound / Forbidden (audited)."""
    tip = db.session.get(CitizenTip, tip_id) if 0 < tip_id <= MAX_ID else None
    if tip is None:
        raise NotFound(_("No such tip."))
    if actor.role == "admin" or not auth.in_scope(actor, tip.unit_id):
        raise Forbidden(_("This tip is in the queue of another unit."),
                        audit={"action": "tip.public.view", "actor": actor,
                               "object_type": "citizen_tip", "object_id": tip.id})
    return tip


def view_citizen_tip(actor: User, tip_id: int) -> CitizenTip:
    """Return a tip and audit that the actor read it."""
    tip = get_citizen_tip(actor, tip_id)
    audit.record("tip.public.view", actor=actor, object_type="citizen_tip", object_id=tip.id)
    return tip


def take_tip(actor: User, tip: CitizenTip) -> CitizenTip:
    """Start handling a received tip: the first response, which stops its clock."""
    if tip.status != "received":
        raise Conflict(_("Someone already handles this tip."), code="tip_taken")
    tip.status, tip.taken_by, tip.taken_at = "handling", actor, timeutil.utcnow()
    db.session.flush()
    audit.record("tip.public.take", actor=actor, object_type="citizen_tip", object_id=tip.id)
    return tip


def ensure_open(tip: CitizenTip) -> None:
    """Refuse to act on a closed tip (another officer may have closed it meanwhile)."""
    if tip.status == "closed":
        raise Conflict(_("This tip is already closed."), code="tip_closed")


def close_tip(actor: User, tip: CitizenTip, outcome: str) -> CitizenTip:
    """Close a tip with what came of it (the citizen sees only that it is closed)."""
    ensure_open(tip)
    outcome = parse(CloseTipInput, {"outcome": outcome or ""}).outcome
    now = timeutil.utcnow()
    if tip.taken_at is None:
        tip.taken_by, tip.taken_at = actor, now
    tip.status, tip.closed_by, tip.closed_at, tip.outcome = "closed", actor, now, outcome
    db.session.flush()
    audit.record("tip.public.close", actor=actor, object_type="citizen_tip", object_id=tip.id,
                 details={"outcome": outcome})
    return tip


def search_from_tip(actor: User, tip: CitizenTip, purpose: str | None,
                    case_ref: str | None) -> MatchSearch:
    """Search faces in a tip's photo (now, or queued), with the officer's purpose and case ref."""
    from wanted.matching import tasks
    from wanted.storage import photo_store

    if tip.photo is None:
        raise NotFound(_("This tip has no photo."))
    search = tasks.submit(actor, photo_store().get(tip.photo.sha256), purpose, case_ref)
    audit.record("tip.public.search", actor=actor, object_type="citizen_tip", object_id=tip.id,
                 details={"search": search.id})
    return search


def _overdue(scope: set[int], now: datetime) -> list:
    return [CitizenTip.unit_id.in_(scope), CitizenTip.status == "received",
            CitizenTip.due_at < now]


def overdue_tips(scope: set[int], now: datetime, limit: int | None = None) -> list[Row]:
    """Return the received tips of these units past their due time, most overdue first.

    Each row holds the tip's id, person_id and due_at, the person's full_name (None when the
    tip names nobody), and the unit and unit_name: one statement, no whole records.
    """
    query = (select(CitizenTip.id, CitizenTip.person_id, CitizenTip.due_at,
                    WantedPerson.full_name, Unit.code.label("unit"),
                    Unit.name.label("unit_name"))
             .join(CitizenTip.unit).outerjoin(CitizenTip.person)
             .where(*_overdue(scope, now)).order_by(CitizenTip.due_at, CitizenTip.id))
    return list(db.session.execute(query.limit(limit) if limit else query))


def overdue_tip_count(scope: set[int], now: datetime) -> ScalarSelect[int]:
    """Count the received tips of these units past their due time.

    A scalar subquery: the caller reads it with its other figures in one statement.
    """
    return select(func.count(CitizenTip.id)).where(*_overdue(scope, now)).scalar_subquery()
