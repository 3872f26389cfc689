"""The pursuit in the API: outreach, attempts, tips, status changes and the timeline."""

from datetime import date, datetime

from flask import g

from wanted.api.core import api_route, json_body
from wanted.api.persons import person_response
from wanted.api.schemas import DATE, DATETIME, SCHEMAS, STRING, error_responses, ref
from wanted.extensions import db
from wanted.pursuit import services
from wanted.pursuit.models import (
    ATTEMPT_OUTCOMES,
    CHANNELS,
    OUTREACH_OUTCOMES,
    TIP_SOURCES,
    TIP_STATUSES,
)
from wanted.registry.models import STATUSES
from wanted.registry.services import get_person

TIME_NOTE = "ISO 8601; without an offset it is the installation's local time; default: now"
# API.md speaks of dismissing a hit; the stored status is "false".
TIP_STATUS_ALIASES = {"dismissed": "false"}
FOLLOW_UP = {**DATE, "nullable": True, "description": "Date to come back to this"}

SCHEMAS.update({
    "OutreachInput": {"type": "object", "required": ["channel", "outcome"], "properties": {
        "contacted_at": {**DATETIME, "description": TIME_NOTE}, "contact_name": STRING,
        "relation": STRING, "channel": {"type": "string", "enum": list(CHANNELS)},
        "outcome": {"type": "string", "enum": list(OUTREACH_OUTCOMES)}, "notes": STRING,
        "follow_up_on": FOLLOW_UP}},
    "AttemptInput": {"type": "object", "required": ["outcome"], "properties": {
        "attempted_at": {**DATETIME, "description": TIME_NOTE}, "location": STRING,
        "officers": STRING, "outcome": {"type": "string", "enum": list(ATTEMPT_OUTCOMES)},
        "notes": STRING, "tip_id": {"type": "integer", "nullable": True},
        "follow_up_on": FOLLOW_UP}},
    "TipInput": {"type": "object", "required": ["source", "text"], "properties": {
        "received_at": {**DATETIME, "description": TIME_NOTE},
        "source": {"type": "string", "enum": list(TIP_SOURCES)}, "location": STRING,
        "text": STRING, "follow_up_on": FOLLOW_UP}},
    "TipSettle": {"type": "object", "required": ["status"], "properties": {
        "status": {"type": "string",
                   "enum": [*(s for s in TIP_STATUSES if s != "new"), "dismissed"],
                   "description": "dismissed is false; a face-match hit is settled only by "
                                  "someone of the owning unit other than its reviewer"}}},
    "StatusInput": {"type": "object", "required": ["status"], "properties": {
        "status": {"type": "string", "enum": list(STATUSES)}, "reason": STRING,
        "document_number": {**STRING, "description": "Required for every closure"},
        "document_date": {**DATE, "description": "Date of the document; required for every "
                                                 "closure, never in the future"},
        "changed_at": {**DATETIME, "description": TIME_NOTE}}},
    "Record": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["outreach", "attempt", "tip", "status", "review",
                                            "notice", "validation"]},
        "id": {"type": "integer"}, "at": DATETIME, "by": STRING},
        "additionalProperties": True},
    "Timeline": {"type": "object", "properties": {"items": {"type": "array",
                                                            "items": ref("Record")}}},
})


def jsonable(entry: dict) -> dict:
    """Turn a timeline entry's times into ISO strings (UTC times end in Z)."""
    return {key: (value.isoformat() + "Z" if isinstance(value, datetime)
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
           tag="pursuit", body=ref("OutreachInput"),
           responses={201: {"description": "Logged", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 422)})
def log_outreach(person_id: int):
    person = get_person(person_id)
    return created("outreach", services.log_outreach(g.actor, person, json_body()))


@api_route("/persons/<int:person_id>/attempts", "POST", "Log an arrest attempt", tag="pursuit",
           body=ref("AttemptInput"),
           responses={201: {"description": "Logged", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 422)})
def log_attempt(person_id: int):
    person = get_person(person_id)
    return created("attempt", services.log_attempt(g.actor, person, json_body()))


@api_route("/persons/<int:person_id>/tips", "POST", "Log a tip on where the person is",
           tag="pursuit", body=ref("TipInput"),
           responses={201: {"description": "Logged", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 422)})
def create_tip(person_id: int):
    person = get_person(person_id)
    return created("tip", services.create_tip(g.actor, person, json_body()))


@api_route("/tips/<int:tip_id>", "PATCH", "Settle a tip: verifying, confirmed or false",
           tag="pursuit", body=ref("TipSettle"),
           responses={200: {"description": "Settled", "schema": ref("Record")},
                      **error_responses(401, 403, 404, 409, 422)})
def settle_tip(tip_id: int):
    tip = services.get_tip(tip_id)
    status = json_body().get("status")
    status = TIP_STATUS_ALIASES.get(status, status) if isinstance(status, str) else ""
    services.settle_tip(g.actor, tip, status)
    db.session.commit()
    return entry_of("tip", tip)


@api_route("/persons/<int:person_id>/status", "POST",
           "Change the status (supervisors; closures need document_number and document_date)",
           tag="pursuit",
           body=ref("StatusInput"),
           responses={200: {"description": "The person after the change", "schema": ref("Person")},
                      **error_responses(401, 403, 404, 409, 422)})
def change_status(person_id: int):
    person = get_person(person_id)
    data = json_body()
    services.change_status(g.actor, person, data.get("status"), data.get("reason") or "",
                           data.get("document_number") or "", data.get("changed_at"),
                           document_date=data.get("document_date"))
    db.session.commit()
    return person_response(person)


@api_route("/persons/<int:person_id>/timeline", "GET",
           "Outreach, attempts, tips, status changes and match reviews, newest first",
           tag="pursuit", responses={200: {"description": "Timeline", "schema": ref("Timeline")},
                                     **error_responses(401, 404)})
def person_timeline(person_id: int):
    person = get_person(person_id)
    return {"items": [jsonable(entry) for entry in services.timeline(person)]}
