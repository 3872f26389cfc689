"""Persons in the API: search, create, read, edit with If-Match."""

from flask import abort, current_app, g, request
from flask_babel import gettext as _

from wanted.api.core import api_route, json_body
from wanted.api.schemas import error_responses, ref
from wanted.errors import ValidationFailed
from wanted.extensions import db
from wanted.registry import services
from wanted.registry.schemas import PersonChanges, PersonInput, PersonQuery
from wanted.validation import DIGITS, MAX_ID


def person_response(person, status: int = 200):
    """Answer with the person in API shape and its version as ETag."""
    return snapshot_response(services.person_snapshot(person), status)


def snapshot_response(snapshot: dict, status: int = 200):
    """Answer with a person already in API shape, and its version as ETag."""
    response = current_app.make_response((snapshot, status))
    response.set_etag(str(snapshot["version"]), weak=False)
    return response


@api_route("/persons", "GET", "Search the registry", tag="persons", query=PersonQuery,
           responses={200: {"description": "A page of persons", "schema": ref("PersonPage")},
                      **error_responses(401, 422)})
def list_persons():
    filters = services.parse_filters(request.args)
    page = services.search_person_snapshots(g.actor, filters)
    db.session.commit()
    return {"items": page.items, "total": page.total,
            "page": page.page, "per_page": page.per_page}


@api_route("/persons", "POST", "Add a person (only full_name is required)", tag="persons",
           body=PersonInput,
           responses={201: {"description": "Created", "schema": ref("Person")},
                      **error_responses(401, 403, 422)})
def create_person():
    person = services.create_person(g.actor, json_body())
    db.session.commit()
    return person_response(person, 201)


@api_route("/persons/<int:person_id>", "GET", "Read a person; the ETag is its version",
           tag="persons", responses={200: {"description": "The person", "schema": ref("Person")},
                                     **error_responses(401, 404)})
def get_person(person_id: int):
    # The view's audit event commits with the call's own (`audit_call`): one append.
    return snapshot_response(services.view_person_snapshot(g.actor, person_id))


@api_route("/persons/<int:person_id>", "PATCH",
           "Edit a person; send If-Match with the version you read", tag="persons",
           body=PersonChanges,
           responses={200: {"description": "Saved", "schema": ref("Person")},
                      **error_responses(401, 403, 404, 412, 422, 428)})
def patch_person(person_id: int):
    expected = if_match_version()
    person = services.get_person(person_id)
    data = json_body()
    services.update_person(g.actor, person, data, expected)
    db.session.commit()
    return person_response(person)


def if_match_version() -> int:
    """Read the version from If-Match; 428 without one, 422 if it is not a version."""
    raw = request.headers.get("If-Match")
    if not raw:
        abort(428)
    value = raw.strip().removeprefix("W/").strip('"')
    if not DIGITS.fullmatch(value) or not 1 <= int(value) <= MAX_ID:
        raise ValidationFailed(_("If-Match must carry the version number."),
                               {"If-Match": _("Not a version.")})
    return int(value)
