"""Public notices and record validation in the API."""

from flask import g

from wanted.api.core import api_route, json_body
from wanted.api.schemas import SCHEMAS, STRING, error_responses, ref
from wanted.extensions import db
from wanted.public import services
from wanted.registry import services as registry
from wanted.registry import validation

SCHEMAS.update({
    "PublicationInput": {"type": "object", "required": ["published"], "properties": {
        "published": {"type": "boolean"},
        "photo_id": {"type": "integer", "nullable": True,
                     "description": "One of the person's registry photos, shown publicly"},
        "area": {**STRING, "description": "Home address at district level, as shown publicly"},
        "contact": {**STRING, "description": "The unit's contact shown publicly"},
        "reason": {**STRING, "description": "Why a notice is withdrawn"}}},
    "Publication": {"type": "object", "properties": {
        "person_id": {"type": "integer"}, "published": {"type": "boolean"},
        "notice": {"type": "object", "nullable": True, "additionalProperties": True}}},
    "ValidationInput": {"type": "object", "properties": {"note": STRING}},
    "Validation": {"type": "object", "properties": {
        "person_id": {"type": "integer"}, "validated_at": STRING, "by": STRING,
        "due_at": STRING, "overdue": {"type": "boolean"}}},
})


@api_route("/persons/<int:person_id>/publication", "GET",
           "Whether the person is published, and what the public notice shows", tag="public",
           responses={200: {"description": "Publication", "schema": ref("Publication")},
                      **error_responses(401, 404)})
def person_publication(person_id: int):
    return services.publication_json(registry.get_person(person_id))


@api_route("/persons/<int:person_id>/publication", "POST",
           "Publish or withdraw the person's public notice (supervisor of the owning unit)",
           tag="public", body=ref("PublicationInput"),
           responses={200: {"description": "Publication", "schema": ref("Publication")},
                      **error_responses(401, 403, 404, 409, 422)})
def publish_person(person_id: int):
    person = registry.get_person(person_id)
    services.set_publication(g.actor, person, json_body())
    db.session.commit()
    return services.publication_json(person)


@api_route("/persons/<int:person_id>/validation", "POST",
           "Confirm that the wanted record is still right (its periodic validation)",
           tag="persons", body=ref("ValidationInput"),
           responses={201: {"description": "Validated", "schema": ref("Validation")},
                      **error_responses(401, 403, 404, 409, 422)})
def validate_person(person_id: int):
    person = registry.get_person(person_id)
    validation.validate_record(g.actor, person, json_body().get("note") or "")
    db.session.commit()
    return validation.validation_json(person), 201
