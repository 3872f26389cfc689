"""The pursuit in the API: outreach, attempts, tips, status changes and the timeline."""

from datetime import date, datetime

from flask import g

from wanted.api.core import api_route, json_body
from wanted.api.persons import person_response
from wanted.api.schemas import DATETIME, SCHEMAS, STRING, error_responses, ref
from wanted.extensions import db
from wanted.pursuit import services
from wanted.pursuit.schemas import (
    AttemptInput,
    OutreachInput,
    StatusInput,
    TipInput,
    TipSettle,
)
from wanted.registry.services import get_person
from wanted.timeutil import iso_utc
from wanted.validation import parse

SCHEMAS.update({
    "Record": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["outreach", "attempt", "tip", "status", "review",
                                            "notice", "validation", "registered",
                                            "photo"]},
        # "by" is empty for what no account did: demo records, photos removed by retention.
        "id": {"type": "integer"}, "at": DATETIME, "by": {**STRING, "nullable": True}},
        "additionalProperties": True},
    "Timeline": {"type": "object", "properties": {"items": {"type": "array",
                                                            "items": ref("Record")}}},
})


def jsonable(entry: dict) -> dict:
    """Turn a timeline entry's times into ISO strings (UTC times end in Z)."""
    return {key: (iso_utc(value) if isinstance(value, datetime)
                  else value.isoformat() if isinstance(value, date) else value)
            for key, value in entry.items()}


def entry_of(kind: str, record) -> dict:
    """Return a record as its timeline entry, in JSON shape."""
    return jsonable(next(e for e in services.timeline(record.person)
                         if e["kind"] == kind and e["id"] == record.id))


def created(kind: str, record) -> tuple[dict, int]:
    """Commit, then answer 201 with the new record as its timeline entry."""
    db.session.commit()
    return entry_of(kind, record), 201


@api_route("/persons/<int:person_id>/outreach", "POST", "Log a persuasion contact",
           tag="pursuit", body=OutreachInput,
           responses={201: {"description": "Logged", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 422)})
def log_outreach(person_id: int):
    person = get_person(person_id)
    return created("outreach", services.log_outreach(g.actor, person, json_body()))


@api_route("/persons/<int:person_id>/attempts", "POST", "Log an arrest attempt", tag="pursuit",
           body=AttemptInput,
           responses={201: {"description": "Logged", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 422)})
def log_attempt(person_id: int):
    person = get_person(person_id)
    return created("attempt", services.log_attempt(g.actor, person, json_body()))


@api_route("/persons/<int:person_id>/tips", "POST", "Log a tip on where the person is",
           tag="pursuit", body=TipInput,
           responses={201: {"description": "Logged", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 422)})
def create_tip(person_id: int):
    person = get_person(person_id)
    return created("tip", services.create_tip(g.actor, person, json_body()))


@api_route("/tips/<int:tip_id>", "PATCH", "Settle a tip: verifying, confirmed or false",
           tag="pursuit", body=TipSettle,
           responses={200: {"description": "Settled", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 409, 422)})
def settle_tip(tip_id: int):
    tip = services.get_tip(tip_id)
    services.settle_tip(g.actor, tip, parse(TipSettle, json_body()).status)
    db.session.commit()
    return entry_of("tip", tip)


@api_route("/persons/<int:person_id>/status", "POST",
           "Change the status (supervisors; closures need document_number and document_date)",
           tag="pursuit", body=StatusInput,
           responses={200: {"description": "The person after the change", "schema": ref("Person")},
                      **error_responses(401, 403, 404, 409, 422)})
def change_status(person_id: int):
    person = get_person(person_id)
    given = parse(StatusInput, json_body())
    services.change_status(g.actor, person, given.status, given.reason, given.document_number,
                           given.changed_at, document_date=given.document_date)
    db.session.commit()
    return person_response(person)


@api_route("/persons/<int:person_id>/timeline", "GET",
           "Outreach, attempts, tips, status changes and match reviews, newest first",
           tag="pursuit", responses={200: {"description": "Timeline", "schema": ref("Timeline")},
                                     **error_responses(401, 404)})
def person_timeline(person_id: int):
    person = get_person(person_id)
    return {"items": [jsonable(entry) for entry in services.timeline(person)]}
