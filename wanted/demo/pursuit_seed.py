"""The demo's pursuit: outreach, attempts, tips, closed cases and a campaign under way.

Everything goes through the pursuit and oversight services, so the demo obeys the same rules
(who may log, who may close, which moves are allowed) as real use.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from wanted.auth import services as auth
from wanted.auth.models import Unit, User
from wanted.demo import names
from wanted.extensions import db
from wanted.oversight import services as oversight
from wanted.pursuit import services as pursuit
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow

CAMPAIGN_NAME = ("Đợt cao điểm tấn công trấn áp tội phạm, vận động đầu thú và truy bắt đối "
                 "tượng truy nã")
# Closed cases: what share of persons, and how they ended.
CLOSED_SHARE = 0.3
ENDINGS = {"arrested": 55, "surrendered": 35, "deceased": 4, "withdrawn": 6}
HISTORY_DAYS = 200


@dataclass(frozen=True)
class Subject:
    """What the note generators need to know of a registry person."""

    full_name: str
    sex: str
    ethnicity: str
    registered_address: str
    last_known_address: str
    home_commune: names.Commune


@dataclass
class Staff:
    """The officers and supervisors of each unit."""

    officers: dict[int, list[User]]
    supervisors: list[User]

    def officer_for(self, rng: random.Random, person: WantedPerson) -> User:
        """Return the assigned officer, else an officer of the person's unit."""
        return person.officer or rng.choice(self.officers[person.unit_id])

    def supervisor_for(self, person: WantedPerson) -> User:
        """Return the closest supervisor who may close the person's case."""
        able = [s for s in self.supervisors if auth.can_close_case(s, person.unit_id)]
        return max(able, key=lambda s: len(_ancestors(s.unit)))


def _ancestors(unit: Unit) -> list[Unit]:
    found = []
    while unit is not None:
        found.append(unit)
        unit = unit.parent
    return found


def seed_pursuit(rng: random.Random, persons: list[WantedPerson], today: date) -> None:
    """Add outreach, attempts, tips, status changes and a running campaign to the persons."""
    staff = load_staff()
    now = min(utcnow(), datetime.combine(today, time(10)))
    for person in persons:
        subject = subject_of(rng, person)
        start = max(datetime.combine(person.decision_date or today, time(9)),
                    now - timedelta(days=HISTORY_DAYS))
        closing = _closing_time(rng, start, now) if rng.random() < CLOSED_SHARE else None
        log_work(rng, staff, person, subject, start, closing or now, today)
        if closing:
            close_case(rng, staff, person, subject, closing)
    add_pending_hits(rng, staff, [p for p in persons if p.status == "wanted"], now)
    start_campaign(rng, staff, persons, today)
    db.session.flush()


def load_staff() -> Staff:
    """Find the officers and supervisors the seed acts as."""
    officers: dict[int, list[User]] = {}
    supervisors = []
    for user in db.session.scalars(select(User).where(User.active)):
        if user.role == "officer":
            officers.setdefault(user.unit_id, []).append(user)
        elif user.role == "supervisor":
            supervisors.append(user)
    return Staff(officers, supervisors)


def subject_of(rng: random.Random, person: WantedPerson) -> Subject:
    """Describe a person for the note generators, finding their home commune."""
    home = next((c for c in names.COMMUNES if c.unit_code == person.unit.code), None) or next(
        (c for c in names.COMMUNES if c.name in person.registered_address),
        rng.choice(names.COMMUNES))
    return Subject(person.full_name, person.sex, person.ethnicity or "Kinh",
                   person.registered_address, person.last_known_address, home)


def _closing_time(rng: random.Random, start: datetime, now: datetime) -> datetime | None:
    # Recent weeks get more closings, as a campaign under way would bring.
    days = (now - start).days
    if days < 2:
        return None
    back = min(days - 1, int(rng.triangular(0, HISTORY_DAYS, 0)))
    return now - timedelta(days=back, hours=rng.randrange(1, 12))


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(int((end - start).total_seconds()), 60)
    return start + timedelta(seconds=rng.randrange(span))


def log_work(rng: random.Random, staff: Staff, person: WantedPerson, subject: Subject,
             start: datetime, end: datetime, today: date) -> None:
    """Log a few outreach contacts, attempts and tips between `start` and `end`."""
    if rng.random() < 0.15:  # some files have had no work at all: the quiet cases
        return
    officer = staff.officer_for(rng, person)
    times = [_between(rng, start, end) for _ in range(rng.randrange(1, 6))]
    if rng.random() < 0.6:  # most files were worked on lately
        times.append(_between(rng, max(start, end - timedelta(days=25)), end))
    times.sort()
    for index, at in enumerate(times):
        last = index == len(times) - 1
        kind = rng.choices(("outreach", "attempt", "tip"), (55, 20, 25))[0]
        if kind == "outreach":
            note = names.outreach_note(rng, subject)
            follow_up = at.date() + timedelta(days=rng.randrange(5, 25)) if last and \
                rng.random() < 0.7 else None
            pursuit.log_outreach(officer, person, {
                "contacted_at": at, "contact_name": note.contact_name, "relation": note.relation,
                "channel": note.channel, "outcome": note.outcome, "notes": note.notes,
                "follow_up_on": follow_up})
        elif kind == "attempt":
            note = names.attempt_note(rng, subject, rng.choice(("not_found", "not_found",
                                                                "escaped", "wrong_person")))
            pursuit.log_attempt(officer, person, {
                "attempted_at": at, "location": note.location, "outcome": note.outcome,
                "notes": note.notes, "officers": officer.display_name})
        else:
            log_tip(rng, officer, person, subject, at, today)


def log_tip(rng: random.Random, officer: User, person: WantedPerson, subject: Subject,
            at: datetime, today: date) -> None:
    """Log a tip and, unless it is recent, settle it."""
    note = names.tip_note(rng, subject)
    tip = pursuit.create_tip(officer, person, {"received_at": at, "source": note.source,
                                               "location": note.location, "text": note.text})
    if (today - at.date()).days > 3:
        active = person.last_activity_at
        pursuit.settle_tip(officer, tip, "verifying")
        pursuit.settle_tip(officer, tip, rng.choice(("false", "false", "confirmed")))
        # Settled the day after, not today: keep the file's last activity honest.
        tip.handled_at = at + timedelta(days=1)
        person.last_activity_at = max(active, tip.handled_at)


def close_case(rng: random.Random, staff: Staff, person: WantedPerson, subject: Subject,
               at: datetime) -> None:
    """End the case as an arrest, a surrender, a death or a withdrawal, by the rules."""
    ending = rng.choices(tuple(ENDINGS), tuple(ENDINGS.values()))[0]
    supervisor = staff.supervisor_for(person)
    if ending == "arrested":
        note = names.attempt_note(rng, subject, "arrested")
        officer = staff.officer_for(rng, person)
        pursuit.log_attempt(officer, person, {"attempted_at": at - timedelta(hours=1),
                                              "location": note.location, "outcome": "arrested",
                                              "notes": note.notes,
                                              "officers": officer.display_name})
    reasons = {"arrested": "Bắt giữ theo quyết định truy nã.",
               "surrendered": "Đối tượng ra đầu thú tại cơ quan Công an.",
               "deceased": "Xác minh đối tượng đã chết, có giấy chứng tử.",
               "withdrawn": "Quyết định truy nã bị hủy bỏ."}
    documents = {"arrested": "BB-BG", "surrendered": "BB-ĐT", "deceased": "XN-CT",
                 "withdrawn": "QĐ-HBTN"}
    pursuit.change_status(supervisor, person, ending, reasons[ending],
                          f"{rng.randrange(1, 300)}/{documents[ending]}", at,
                          document_date=local_day(at))
    if ending != "withdrawn" and rng.random() < 0.15:
        later = min(at + timedelta(days=rng.randrange(5, 30)), utcnow())
        pursuit.change_status(supervisor, person, "cancelled", "Đình nã theo quyết định.",
                              f"{rng.randrange(1, 300)}/QĐ-ĐN", later,
                              document_date=local_day(later))


def local_day(moment: datetime) -> date:
    """Return the local calendar day of a stored UTC time."""
    return moment.replace(tzinfo=UTC).astimezone(pursuit.local_zone()).date()


def add_pending_hits(rng: random.Random, staff: Staff, wanted: list[WantedPerson],
                     now: datetime) -> None:
    """Leave two face-match hits waiting for their unit to confirm them."""
    for person, minutes in zip(rng.sample(wanted, k=min(2, len(wanted))), (25, 140),
                               strict=False):
        at = now - timedelta(minutes=minutes)
        tip = pursuit.record_match_tip(staff.officer_for(rng, person), person,
                                       text="Ảnh hiện trường khớp ứng viên (mạnh); cần xác minh.",
                                       received_at=at)
        tip.created_at = at


def start_campaign(rng: random.Random, staff: Staff, persons: list[WantedPerson],
                   today: date) -> None:
    """Open a campaign begun six weeks ago, with targets for each unit under the province."""
    chief = next(s for s in staff.supervisors if s.unit.parent_id is None)
    units = [u for u in db.session.scalars(select(Unit).where(Unit.parent_id == chief.unit_id))]
    load = {u.id: sum(p.unit_id == u.id for p in persons) for u in units}
    targets = [{"unit": u.code, "arrests": max(1, round(load[u.id] * rng.uniform(0.06, 0.12))),
                "surrenders": max(1, round(load[u.id] * rng.uniform(0.04, 0.08)))}
               for u in units if load[u.id]]
    oversight.create_campaign(chief, {
        "name": CAMPAIGN_NAME, "starts_on": (today - timedelta(weeks=6)).isoformat(),
        "ends_on": (today + timedelta(weeks=6)).isoformat(),
        "description": "Thực hiện kế hoạch của Công an tỉnh: đẩy mạnh công tác vận động, truy "
                       "bắt đối tượng truy nã; mỗi đơn vị có chỉ tiêu bắt và vận động đầu thú.",
        "targets": targets})
