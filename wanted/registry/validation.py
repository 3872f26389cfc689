"""Periodic validation: each wanted record is confirmed by its unit every N months."""

import calendar
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, ScalarSelect, Select, bindparam, func, select
from sqlalchemy.orm import outerjoin, selectinload

from wanted import timeline, timeutil
from wanted.audit import services as audit
from wanted.auth.models import Unit, User
from wanted.errors import Conflict
from wanted.extensions import db
from wanted.registry.models import RecordValidation, WantedPerson
from wanted.registry.schemas import ValidationInput
from wanted.registry.services import ensure_can_work_on
from wanted.validation import parse


def add_months(moment: datetime, months: int) -> datetime:
    """Move a moment by whole months, keeping the day where the month has it."""
    month_index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months() -> int:
    """Return how often a record must be validated, in months."""
    return int(current_app.config["VALIDATION_MONTHS"])


def last_validation(person_id: int) -> RecordValidation | None:
    """Return the person's latest validation, if any."""
    return db.session.scalar(select(RecordValidation).where(
        RecordValidation.person_id == person_id)
        .order_by(RecordValidation.validated_at.desc(), RecordValidation.id.desc()).limit(1))


def validation_due(person: WantedPerson) -> datetime:
    """Return when the record must next be validated (from its last validation or creation)."""
    last = last_validation(person.id)
    return due_after(person, last.validated_at if last else None)


def due_after(person: WantedPerson, validated_at: datetime | None) -> datetime:
    """Return when the record is due again after its last validation (or its creation)."""
    return add_months(validated_at or person.created_at, months())


def ensure_can_validate(actor: User, person: WantedPerson) -> None:
    """Raise Forbidden (audited) unless the actor works on the person, Conflict unless the
    record is still wanted."""
    ensure_can_work_on(actor, person, "person.validate")
    if person.status != "wanted":
        raise Conflict(_("Only a record still wanted is validated."), code="not_wanted")


def validate_record(actor: User, person: WantedPerson, note: str = "") -> RecordValidation:
    """Record that the actor checked the decision, charges and photos are still right."""
    ensure_can_validate(actor, person)
    note = parse(ValidationInput, {"note": note}).note
    validation = RecordValidation(person=person, validated_by=actor, note=note,
                                  validated_at=timeutil.utcnow())
    db.session.add(validation)
    db.session.flush()
    audit.record("person.validate", actor=actor, object_type="person", object_id=person.id,
                 details={"validation": validation.id, "note": validation.note})
    return validation


def validation_json(person: WantedPerson) -> dict:
    """Say when the record was last validated, by whom, and when it is due again."""
    last = last_validation(person.id)
    due = validation_due(person)
    return {"person_id": person.id,
            "validated_at": timeutil.iso_utc(last.validated_at) if last else None,
            "by": last.validated_by.username if last else None,
            "due_at": timeutil.iso_utc(due), "overdue": due < timeutil.utcnow()}


def _overdue_query(scope: set[int], now: datetime, *columns) -> Select:
    """Select `columns` of the overdue records; "since" (their last validation or creation)
    is given as a column when `columns` names it."""
    return _overdue_select(scope, add_months(now, -months()), *columns)


def _overdue_select(scope, cutoff, *columns) -> Select:
    """Select `columns` of the wanted records of the `scope` units not validated since `cutoff`
    (values or bound parameters), as `_overdue_query` does."""
    latest = (select(RecordValidation.person_id,
                     func.max(RecordValidation.validated_at).label("at"))
              .group_by(RecordValidation.person_id).subquery())
    since = func.coalesce(latest.c.at, WantedPerson.created_at)
    return (select(*(since.label("since") if isinstance(column, str) else column
                     for column in columns))
            .select_from(WantedPerson).outerjoin(latest, latest.c.person_id == WantedPerson.id)
            .where(WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
                   since < cutoff))


def overdue_validations(scope: set[int], now: datetime, officer_id: int | None = None,
                        limit: int = 50) -> list[tuple[WantedPerson, datetime]]:
    """List wanted records of these units past their validation, with when each fell due."""
    query = _overdue_query(scope, now, WantedPerson, "since")
    if officer_id is not None:
        query = query.where(WantedPerson.officer_id == officer_id)
    rows = db.session.execute(query.options(selectinload(WantedPerson.unit))
                              .order_by("since", WantedPerson.id).limit(limit))
    return [(person, add_months(since, months())) for person, since in rows]


def overdue_validation_rows(scope: set[int], now: datetime,
                            limit: int = 50) -> list[tuple[Row, datetime]]:
    """List the records `overdue_validations` lists, as rows read in one statement (the
    person's id, full_name, unit and unit_name, not whole records), with when each fell due."""
    rows = db.session.execute(
        _overdue_query(scope, now, WantedPerson.id, WantedPerson.full_name,
                       Unit.code.label("unit"), Unit.name.label("unit_name"), "since")
        .join(WantedPerson.unit).order_by("since", WantedPerson.id).limit(limit))
    return [(row, add_months(row.since, months())) for row in rows]


@dataclass(frozen=True, slots=True)
class OverdueRecord:
    """A record in the home page's list of overdue validations."""

    id: int
    full_name: str
    unit_name: str
    due: datetime


def overdue_list(scope: set[int], now: datetime, officer_id: int | None = None,
                 limit: int = 50) -> list[OverdueRecord]:
    """List what the home page shows of the overdue records `overdue_validations` lists, read
    as columns in one statement built once."""
    every = months()
    rows = db.session.execute(_overdue_list_statement(officer_id is not None, limit), {
        "scope": list(scope), "cutoff": add_months(now, -every), "officer": officer_id})
    return [OverdueRecord(person_id, name, unit, add_months(since, every))
            for person_id, name, unit, since in rows]


@cache
def _overdue_list_statement(by_officer: bool, limit: int) -> Select:
    # Built once: every search page runs it, and building it cost as much as running it.
    query = _overdue_select(bindparam("scope", expanding=True), bindparam("cutoff"),
                            WantedPerson.id, WantedPerson.full_name, Unit.name, "since"
                            ).join(WantedPerson.unit)
    if by_officer:
        query = query.where(WantedPerson.officer_id == bindparam("officer"))
    return query.order_by("since", WantedPerson.id).limit(limit)


def overdue_validation_count(scope: set[int], now: datetime) -> ScalarSelect[int]:
    """Count wanted records of these units past their validation.

    A scalar subquery: the caller reads it with its other figures in one statement.
    """
    return _overdue_query(scope, now, func.count(WantedPerson.id)).scalar_subquery()


def timeline_selects(person_id) -> list:
    """Select the person's validations in the shared timeline layout."""
    by = timeline.user_alias()
    return [timeline.entry_select(
        "validation", RecordValidation.id, RecordValidation.validated_at, by,
        outerjoin(RecordValidation, by, RecordValidation.validated_by_id == by.id),
        {"t5": RecordValidation.note}, RecordValidation.person_id == person_id)]


def timeline_entry(row) -> dict:
    """Return a validation row as its timeline entry."""
    return timeline.decode(row, {"note": "t5"})


def last_of(entries: list[dict]) -> dict | None:
    """Return the newest validation among a person's timeline entries."""
    found = [e for e in entries if e["kind"] == "validation"]
    return max(found, key=lambda e: (e["at"], e["id"])) if found else None
