"""Rules of the registry: validate, create, edit, find and show wanted persons."""

import functools
import json
import math
import re
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Load, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import Unit, User
from wanted.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from wanted.extensions import db
from wanted.registry.models import (
    Charge,
    WantedPerson,
    person_charges,
)
from wanted.registry.schemas import PersonChanges, PersonInput, PersonQuery
from wanted.text import fold, search_text
from wanted.validation import parse, parse_query

TEXT_FIELDS = ("full_name", "birth_place", "ethnicity", "nationality", "registered_address",
               "last_known_address", "description", "marks")
SORTS = {
    "name": ("search_text", False), "-name": ("search_text", True),
    "newest": ("created_at", True), "oldest": ("created_at", False),
    "born": ("birth_year", False), "-born": ("birth_year", True),
    "updated": ("updated_at", True), "quiet": ("last_activity_at", False),
}
ID_NUMBER = re.compile(r"\d{9}|\d{12}")


@dataclass
class Page:
    """One page of a search: persons, audit events or public notices."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass
class SearchFilters:
    """What a registry search asks for; every field optional."""

    q: str = ""
    status: str = ""
    unit: str = ""
    charge_category: str = ""
    danger_class: str = ""
    born_from: int | None = None
    born_to: int | None = None
    sort: str = "name"
    page: int = 1
    per_page: int = 25


def parse_filters(args, default_per_page: int = 25) -> SearchFilters:
    """Read search filters from query arguments; a malformed value is a 422 naming its field."""
    query = parse_query(PersonQuery, args)
    return SearchFilters(
        q=query.q, status=query.status or "", unit=query.unit or "",
        charge_category=query.charge_category or "", danger_class=query.danger_class or "",
        born_from=query.born_from, born_to=query.born_to, sort=query.sort, page=query.page,
        per_page=query.per_page or default_per_page)


def search_person_snapshots(actor: User, filters: SearchFilters) -> Page:
    """Find persons by the filters, audit the search, and return one page of them in API shape.

    The persons are read as columns in one statement built once, charges, unit code and
    officer's username included: the API shows no more, and building the persons' records
    (with their unit, officer and charges) cost more than running the statement.
    """
    ids, total, filters = audited_search(actor, filters)
    rows = db.session.execute(snapshot_statement(_dialect()), {"ids": ids}) if ids else []
    found = {row.id: _snapshot(row, row.unit_code, row.officer_username,
                               articles_list(row.articles)) for row in rows}
    return Page([found[i] for i in ids], total, filters.page, filters.per_page)


@functools.cache
def snapshot_statement(dialect: str) -> Select:
    """Build the statement of a page's persons in API shape, whose ids are bound as `ids`:
    their own columns but the folded search text, unit code, officer's username and charge
    articles (see `articles_column`)."""
    person, unit, officer = WantedPerson.__table__, Unit.__table__, User.__table__
    return (select(*(column for column in person.c if column.key != "search_text"),
                   unit.c.code.label("unit_code"), officer.c.username.label("officer_username"),
                   articles_column(dialect).label("articles"))
            .select_from(person)
            .outerjoin(unit, unit.c.id == person.c.unit_id)
            .outerjoin(officer, officer.c.id == person.c.officer_id)
            .where(person.c.id.in_(bindparam("ids", expanding=True))))


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """What the registry list shows of a person: one row of a search page."""

    id: int
    full_name: str
    aliases: list[str]
    danger_class: str
    birth_date: date | None
    birth_year: int | None
    status: str
    unit_name: str
    articles: list[str]  # of the person's charges, in article order
    photo_id: int | None  # the thumbnail's photo, when the caller asked for it


def search_listing(actor: User, filters: SearchFilters,
                   photo_id: ColumnElement[int] | None = None) -> Page:
    """Find persons by the filters, audit the search, and return one page of list rows.

    The rows are read as columns in one statement, charges and unit names included: a list
    needs none of the persons' objects, whose loading cost more than the rest of the search.
    `photo_id` is the photo area's column of the photo to show, correlated to the person (the
    same object on every call: the statement is built once per column and database).
    """
    ids, total, filters = audited_search(actor, filters)
    rows = db.session.execute(listing_statement(_dialect(), photo_id), {"ids": ids}) if ids else []
    found = {row[0]: ListedPerson(*row[:8], articles_list(row[8]), row[9]) for row in rows}
    return Page([found[i] for i in ids], total, filters.page, filters.per_page)


@functools.cache
def listing_statement(dialect: str, photo_id: ColumnElement[int] | None) -> Select:
    """Build the statement of a page's rows, whose ids are bound as `ids`, once: building it
    cost as much as running it."""
    return (select(WantedPerson.id, WantedPerson.full_name, WantedPerson.aliases,
                   WantedPerson.danger_class, WantedPerson.birth_date, WantedPerson.birth_year,
                   WantedPerson.status, Unit.name, articles_column(dialect),
                   photo_id if photo_id is not None else null())
            .join_from(WantedPerson, Unit, WantedPerson.unit)
            .where(WantedPerson.id.in_(bindparam("ids", expanding=True))))


def articles_column(dialect: str) -> ColumnElement:
    """Select a person's charge articles in article order: an array on PostgreSQL, a JSON
    list on SQLite (ordered by `articles_list`, as SQLite's byte order would)."""
    articles = (select(Charge.article).join(person_charges)
                .where(person_charges.c.person_id == WantedPerson.id))
    if dialect == "sqlite":
        return articles.with_only_columns(func.json_group_array(Charge.article)).scalar_subquery()
    return func.array(articles.order_by(Charge.article).scalar_subquery())


def articles_list(value: list[str] | str) -> list[str]:
    """Return the articles `articles_column` read, in order."""
    return value if isinstance(value, list) else sorted(json.loads(value))


def audited_search(actor: User, filters: SearchFilters) -> tuple[list[int], int, SearchFilters]:
    """Return the ids of the page asked for (at most the last), the total and the filters of
    that page; audit the search."""
    ids, total = page_ids(filters)
    last = max(1, math.ceil(total / filters.per_page))
    if filters.page > last:
        filters = replace(filters, page=last)
        ids, total = page_ids(filters)
    audit.record("person.search", actor=actor, details={
        **{k: v for k, v in vars(filters).items() if v not in ("", None)}, "total": total})
    return ids, total, filters


def page_ids(filters: SearchFilters) -> tuple[list[int], int]:
    """Return the ids of one page in order, and how many persons match in all."""
    if filters.q and _dialect() == "postgresql":
        # The aggregate below must read the matches in their order: a parallel plan would
        # aggregate parts in several processes and join them in any order (PostgreSQL 16 and
        # later can do that with array_agg), so this statement runs in one process.
        settings = "SET LOCAL max_parallel_workers_per_gather = 0"
        if few_text_matches(filters.q):
            # The planner prices the trigram route's heap reads as disk reads and a pass over
            # the search index as nearly free, and walks the index for words a few percent of
            # the registry holds (3-4 times slower than the trigram route); the table is read
            # from memory, so take the trigram route whenever it reads a small part of it.
            settings += "; SET LOCAL enable_indexonlyscan = off"
        db.session.execute(text(settings))
        # Count in the same pass as the page: aggregate every match, in order, into the count and
        # the array of ids whose slice is the page (cheaper than a window over the matches, which
        # keeps them all as rows). The aggregate reads a sorted subquery with nothing between
        # them, which keeps its order, and reads it whole, so the planner costs reading all
        # matches: it then reads a rare word's few matches off the trigram index and sorts them,
        # or walks the search index in order for a common word.
        matches = (filtered_query(filters).with_only_columns(WantedPerson.id)
                   .order_by(*search_order(filters)).subquery())
        first = (filters.page - 1) * filters.per_page + 1
        total, ids = db.session.execute(select(
            func.count(), func.array_agg(matches.c.id)[first:first + filters.per_page - 1])).one()
        return ids or [], total
    total = db.session.scalar(select(func.count()).select_from(
        filtered_query(filters).with_only_columns(WantedPerson.id).subquery()))
    query = (filtered_query(filters).with_only_columns(WantedPerson.id)
             .order_by(*search_order(filters))
             .offset((filters.page - 1) * filters.per_page).limit(filters.per_page))
    return list(db.session.scalars(query)), total


# Share of the registry below which the matches of a text search are read through the trigram
# index rather than by a pass over the search index (measured at 100k persons, the two cost about
# the same at 10-15%; estimates of rare words run high).
TRIGRAM_ROUTE_SHARE = 0.1


def few_text_matches(q: str) -> bool:
    """Tell whether PostgreSQL expects the name words of `q` to match few enough persons to be
    read through the trigram index (its estimate from the trigrams' statistics)."""
    words = sorted(set(fold(q).split()))
    if not words or ID_NUMBER.fullmatch(q.strip()):
        return False
    # One round trip: the plan of the matches beside the plan of the whole table.
    likes = " AND ".join(f"search_text LIKE :w{i}" for i in range(len(words)))
    plan = db.session.execute(text(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM wanted_persons WHERE {likes} "
        "UNION ALL SELECT 1 FROM wanted_persons"),
        {f"w{i}": f"% {word}%" for i, word in enumerate(words)}).scalar_one()
    matches, everyone = (part["Plan Rows"] for part in plan[0]["Plan"]["Plans"])
    return matches < TRIGRAM_ROUTE_SHARE * everyone


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def search_order(filters: SearchFilters) -> tuple:
    """Return the ORDER BY of a search: the chosen sort, then the id (byte order on both DBs)."""
    column, descending = SORTS[filters.sort]
    order = getattr(WantedPerson, column)
    return order.desc() if descending else order.asc(), WantedPerson.id


def filtered_query(filters: SearchFilters) -> Select:
    """Build the query of persons matching the filters (unsorted, unpaged)."""
    query = select(WantedPerson).where(*filter_conditions(filters))
    if filters.q:
        query = query.where(text_condition(filters.q))
    return query


def filter_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Return the conditions of every filter but the text query."""
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(WantedPerson.status == filters.status)
    if filters.unit:
        unit = auth.unit_by_code(filters.unit)
        conditions.append(WantedPerson.unit_id.in_(auth.subtree_ids(unit.id)))
    if filters.charge_category:
        conditions.append(WantedPerson.id.in_(
            select(person_charges.c.person_id).join(Charge)
            .where(Charge.category == filters.charge_category)))
    if filters.danger_class:
        conditions.append(WantedPerson.danger_class == filters.danger_class)
    if filters.born_from:
        conditions.append(WantedPerson.birth_year >= filters.born_from)
    if filters.born_to:
        conditions.append(WantedPerson.birth_year <= filters.born_to)
    return conditions


def text_condition(q: str) -> ColumnElement[bool]:
    """Match every word of `q` at the start of a word of name or aliases, or the ID exactly."""
    if ID_NUMBER.fullmatch(q.strip()):  # a whole ID number is looked up as one
        return WantedPerson.id_number == q.strip()
    # The ID test is a subquery so that the name test stays within the search index; on
    # PostgreSQL an array of ids, which a bitmap scan of the trigram index can OR with too.
    # Words are folded to [a-z0-9]; a query without a digit cannot be anyone's ID number, and
    # leaving the test out spares it on every row a common word makes the search pass over.
    words = [WantedPerson.search_text.like(f"% {word}%")
             for word in sorted(set(fold(q).split()), key=lambda w: (-len(w), w))]
    if words and not any(ch.isdigit() for ch in q):
        return and_(*words)
    by_id_number = select(WantedPerson.id).where(WantedPerson.id_number == q.strip())
    by_id = (WantedPerson.id == func.any(func.array(by_id_number.scalar_subquery()))
             if _dialect() == "postgresql" else WantedPerson.id.in_(by_id_number))
    return or_(by_id, and_(*words)) if words else by_id


def get_person(person_id: int) -> WantedPerson:
    """Return the person or raise NotFound."""
    person = db.session.get(WantedPerson, person_id)
    if person is None:
        raise NotFound(_("No such person."))
    return person


@functools.cache
def _person_statement(dialect: str, loads: tuple[Load, ...]) -> Select:
    # Built once per dialect and set of loader options (each area's option is built once): the
    # options and the statement cost more to build than to run, on every person page. Charges
    # come in the same statement on PostgreSQL, in a second on SQLite, whose planner would build
    # the whole charge-link join (every person's charges) before picking the person out of it.
    charges = (selectinload if dialect == "sqlite" else joinedload)(WantedPerson.charges)
    return (select(WantedPerson).where(WantedPerson.id == bindparam("person_id"))
            .options(joinedload(WantedPerson.unit), joinedload(WantedPerson.officer),
                     joinedload(WantedPerson.created_by), charges, *loads))


def view_person(actor: User, person_id: int, *loads: Load) -> WantedPerson:
    """Return the person with what their page shows, and audit that the actor looked.

    The unit, the officer, the registering user and whatever other areas ask with `loads`
    (loader options, e.g. the photos) come in the same statement, and so do the charges on
    PostgreSQL.
    """
    statement = _person_statement(_dialect(), loads)
    person = db.session.execute(statement, {"person_id": person_id}).unique().scalar()
    if person is None:
        raise NotFound(_("No such person."))
    audit.record("person.view", actor=actor, object_type="person", object_id=person.id)
    return person


def validate_person(data: dict, *, partial: bool = False) -> dict:
    """Check person input in API shape; return clean values or raise 422 naming each field."""
    sent = parse(PersonChanges if partial else PersonInput, data).model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    clean: dict = {name: sent[name] or "" for name in TEXT_FIELDS if name in sent}
    if "full_name" in clean and not clean["full_name"]:
        errors["full_name"] = _("A full name is required.")
    for name in ("aliases", "caution_flags"):
        if name in sent:
            clean[name] = [item for item in sent[name] or [] if item]
    for name in ("sex", "danger_class"):
        if sent.get(name) is not None:
            clean[name] = sent[name]
    if "birth_date" in sent:
        clean["birth_date"] = sent["birth_date"]
        if sent["birth_date"]:
            clean["birth_year"] = sent["birth_date"].year
    if "birth_year" in sent and not clean.get("birth_date"):
        clean["birth_year"] = sent["birth_year"]
    if "id_number" in sent:
        clean["id_number"] = sent["id_number"] or None
    if sent.get("id_number_confirmed") is not None:
        clean["id_number_confirmed"] = sent["id_number_confirmed"]
    if "charges" in sent:
        clean["charges"] = _charges([a for a in sent["charges"] or [] if a], errors)
    if "decision" in sent:
        clean["decision"] = {key: value if key == "date" else value or ""
                             for key, value in (sent["decision"] or {}).items()}
    if sent.get("unit"):
        clean["unit"] = _lookup(auth.unit_by_code, sent["unit"], "unit", errors)
    if "assigned_officer" in sent:
        officer = sent["assigned_officer"]
        clean["assigned_officer"] = _lookup(
            auth.user_by_username, officer, "assigned_officer", errors) if officer else None
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    return clean


def _charges(articles: list[str], errors: dict) -> list[Charge]:
    found = db.session.scalars(select(Charge).where(Charge.article.in_(articles))).all()
    missing = set(articles) - {charge.article for charge in found}
    if missing:
        errors["charges"] = _("Unknown article: %(a)s.", a=", ".join(sorted(missing)))
    return list(found)


def _lookup(finder, key: str, name: str, errors: dict):
    try:
        return finder(key)
    except NotFound as err:
        errors[name] = err.fields.get(next(iter(err.fields), name), err.message)
        return None


def create_person(actor: User, data: dict, *, complete: bool = False) -> WantedPerson:
    """Validate and add a person to the registry, owned by the actor's unit unless told.

    With `complete`, the record must carry a charge and its wanted decision (the page's rule;
    the API may start a record with a name alone, as API.md says).
    """
    clean = validate_person(data)
    if complete:
        require_complete(clean)
    duplicates = check_id_number(clean, None)
    unit = clean.pop("unit", None) or actor.unit
    if not auth.can_work_on(actor, unit.id):
        raise Forbidden(_("You may only add persons to your own unit or those below it."))
    person = WantedPerson(unit=unit, created_by=actor, officer=actor if actor.role == "officer"
                          else None)
    apply_changes(person, clean)
    db.session.add(person)
    db.session.flush()
    audit.record("person.create", actor=actor, object_type="person", object_id=person.id,
                 details={"full_name": person.full_name})
    record_duplicate_id(actor, person, duplicates)
    return person


def require_complete(clean: dict) -> None:
    """Refuse a wanted record without a charge, or without its decision's number and date."""
    errors = {}
    if not clean.get("charges"):
        errors["charges"] = _("A wanted record needs at least one charge.")
    decision = clean.get("decision") or {}
    if not decision.get("number"):
        errors["decision.number"] = _("A wanted record needs the number of its decision.")
    if not decision.get("date"):
        errors["decision.date"] = _("A wanted record needs the date of its decision.")
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)


def check_id_number(clean: dict, person: WantedPerson | None) -> list[WantedPerson]:
    """Refuse an ID number another record holds unless the officer confirmed it is another one."""
    confirmed = clean.pop("id_number_confirmed", False)
    number = clean.get("id_number")
    if not number or (person is not None and person.id_number == number):
        return []
    others = list(db.session.scalars(select(WantedPerson).where(
        WantedPerson.id_number == number,
        WantedPerson.id != (person.id if person else -1)).order_by(WantedPerson.id)))
    if others and not confirmed:
        names = ", ".join(f"{p.full_name} (#{p.id})" for p in others)
        raise ValidationFailed(_("Some fields are not valid."), {"id_number": _(
            "This ID number is already on the record of %(names)s. If this is a different "
            "record, confirm it below.", names=names)}, code="duplicate_id_number")
    return others


def record_duplicate_id(actor: User, person: WantedPerson, others: list[WantedPerson]) -> None:
    """Audit that the officer kept an ID number another record holds."""
    if others:
        audit.record("person.duplicate_id", actor=actor, object_type="person",
                     object_id=person.id, details={"id_number": person.id_number,
                                                   "other_persons": [p.id for p in others]})


def update_person(actor: User, person: WantedPerson, data: dict, expected_version: int, *,
                  complete: bool = False) -> dict:
    """Apply edits if nobody saved since `expected_version`; return {field: [old, new]}."""
    ensure_can_work_on(actor, person, "person.update")
    if person.version != expected_version:
        raise stale_version()
    clean = validate_person(data, partial=True)
    if complete and person.status == "wanted":
        require_complete(clean)
    duplicates = check_id_number(clean, person)
    if "unit" in clean and clean["unit"] is not None and not auth.can_work_on(
            actor, clean["unit"].id):
        raise Forbidden(_("You may only move a person to a unit you work for."))
    if "assigned_officer" in clean and actor.role != "supervisor":
        current = person.officer.username if person.officer else None
        new = clean["assigned_officer"].username if clean["assigned_officer"] else None
        if current != new:
            raise Forbidden(_("Only a supervisor reassigns a person."))
    before = person_snapshot(person)
    apply_changes(person, clean)
    changes = {k: [before[k], v] for k, v in person_snapshot(person).items() if before[k] != v}
    try:
        db.session.flush()
    except StaleDataError as err:
        # Another save committed after the version check: the UPDATE found no row of that version.
        raise stale_version() from err
    audit.record("person.update", actor=actor, object_type="person", object_id=person.id,
                 details={"changes": changes})
    record_duplicate_id(actor, person, duplicates)
    return changes


def stale_version() -> StaleVersion:
    """Return the refusal of a save made over a version someone else saved since (412)."""
    return StaleVersion(_("Someone else saved this record first. Nothing was overwritten."))


def ensure_can_work_on(actor: User, person: WantedPerson, action: str) -> None:
    """Raise Forbidden (audited) unless the actor may edit or log work on the person."""
    if not auth.can_work_on(actor, person.unit_id):
        raise Forbidden(_("Only officers of the owning unit or above may change this person."),
                        audit={"action": action, "actor": actor, "object_type": "person",
                               "object_id": person.id})


def timeline_entries(person: WantedPerson) -> list[dict]:
    """Return the person's registration, and who made it, as a timeline entry."""
    by = person.created_by
    return [{"kind": "registered", "id": person.id, "at": person.created_at,
             "by": by.username if by else None, "by_name": by.display_name if by else ""}]


def apply_changes(person: WantedPerson, clean: dict) -> None:
    """Copy validated values onto the person and refresh the search text."""
    decision = clean.pop("decision", None)
    if decision is not None:
        for key in ("number", "date", "agency", "issued_by"):
            if key in decision or not decision:
                setattr(person, f"decision_{key}", decision.get(key) or
                        (None if key == "date" else ""))
    if "unit" in clean:
        unit = clean.pop("unit")
        if unit is not None:
            person.unit = unit
    if "assigned_officer" in clean:
        person.officer = clean.pop("assigned_officer")
    for key, value in clean.items():
        setattr(person, key, value)
    if "birth_date" in clean and clean["birth_date"] is None and "birth_year" not in clean:
        person.birth_year = None
    person.search_text = search_text(person.full_name, person.aliases or [])


def person_snapshot(person: WantedPerson) -> dict:
    """Return the person in API shape (JSON-ready values)."""
    return _snapshot(person, person.unit.code if person.unit else None,
                     person.officer.username if person.officer else None,
                     [charge.article for charge in person.charges])


def view_person_snapshot(actor: User, person_id: int) -> dict:
    """Return the person in API shape, read in one statement of plain columns (the search's,
    `snapshot_statement`: no records to build, the API shows no more), and audit that the
    actor looked, as `view_person` does."""
    row = db.session.execute(snapshot_statement(_dialect()), {"ids": [person_id]}).first()
    if row is None:
        raise NotFound(_("No such person."))
    audit.record("person.view", actor=actor, object_type="person", object_id=row.id)
    return _snapshot(row, row.unit_code, row.officer_username, articles_list(row.articles))


def _snapshot(person, unit: str | None, officer: str | None, charges: list[str]) -> dict:
    """Shape a person (a record, or a row of its columns) with its unit code, officer's
    username and charge articles for the API."""
    return {
        "id": person.id,
        "version": person.version,
        "full_name": person.full_name,
        "aliases": list(person.aliases or []),
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "birth_year": person.birth_year,
        "birth_place": person.birth_place,
        "ethnicity": person.ethnicity,
        "nationality": person.nationality,
        "id_number": person.id_number,
        "registered_address": person.registered_address,
        "last_known_address": person.last_known_address,
        "description": person.description,
        "marks": person.marks,
        "caution_flags": list(person.caution_flags or []),
        "danger_class": person.danger_class,
        "charges": charges,
        "decision": {
            "number": person.decision_number,
            "date": person.decision_date.isoformat() if person.decision_date else None,
            "agency": person.decision_agency,
            "issued_by": person.decision_issued_by,
        },
        "unit": unit,
        "assigned_officer": officer,
        "status": person.status,
    }


def charges_by_category() -> dict[str, list[Charge]]:
    """Return the charge list grouped by category."""
    grouped: dict[str, list[Charge]] = {}
    for charge in db.session.scalars(select(Charge).order_by(Charge.article)):
        grouped.setdefault(charge.category, []).append(charge)
    return grouped


def seed_charges(rows: list[tuple[str, str, str]]) -> int:
    """Insert the Penal Code articles that are missing; return how many were added."""
    existing = set(db.session.scalars(select(Charge.article)))
    new = [Charge(article=a, name=n, category=c) for a, n, c in rows if a not in existing]
    db.session.add_all(new)
    db.session.flush()
    return len(new)
