"""Public notices and record validation in the API."""

from flask import g

from wanted.api.core import api_route, json_body
from wanted.api.schemas import SCHEMAS, STRING, error_responses, ref
from wanted.extensions import db
from wanted.public import services
from wanted.public.schemas import PublicationInput
from wanted.registry import services as registry
from wanted.registry import validation
from wanted.registry.schemas import ValidationInput
from wanted.validation import parse

SCHEMAS.update({
    "Publication": {"type": "object", "properties": {
        "person_id": {"type": "integer"}, "published": {"type": "boolean"},
        "notice": {"type": "object", "nullable": True, "additionalProperties": True}}},
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
           tag="public", body=PublicationInput,
           responses={200: {"description": "Publication", "schema": ref("Publication")},
                      **error_responses(401, 403, 404, 409, 422)})
def publish_person(person_id: int):
    person = registry.get_person(person_id)
    services.set_publication(g.actor, person, json_body())
    db.session.commit()
    return services.publication_json(person)


@api_route("/persons/<int:person_id>/validation", "POST",
           "Confirm that the wanted record is still right (its periodic validation)",
           tag="persons", body=ValidationInput,
           responses={201: {"description": "Validated", "schema": ref("Validation")},
                      **error_responses(401, 403, 404, 409, 422)})
def validate_person(person_id: int):
    person = registry.get_person(person_id)
    validation.validate_record(g.actor, person, parse(ValidationInput, json_body()).note)
    db.session.commit()
    return validation.validation_json(person), 201
