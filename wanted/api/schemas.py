"""JSON schemas of the API's bodies, used by the OpenAPI document."""

from wanted.registry.models import CAUTION_FLAGS, DANGER_CLASSES, SEXES, STATUSES


def ref(name: str) -> dict:
    """Point to a schema of components/schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "properties": {"error": {"type": "object", "properties": {
            "code": STRING, "message": STRING,
            "fields": {"type": "object", "additionalProperties": STRING}}}},
    },
    "Decision": {
        "type": "object",
        "properties": {"number": STRING, "date": {**DATE, "nullable": True}, "agency": STRING,
                       "issued_by": STRING},
    },
    "PersonInput": {
        "type": "object",
        "required": ["full_name"],
        "properties": {
            "full_name": STRING,
            "aliases": {"type": "array", "items": STRING},
            "sex": {"type": "string", "enum": list(SEXES)},
            "birth_date": {**DATE, "nullable": True},
            "birth_year": {"type": "integer", "nullable": True},
            "birth_place": STRING, "ethnicity": STRING, "nationality": STRING,
            "id_number": {"type": "string", "nullable": True, "pattern": "^[0-9]{9}([0-9]{3})?$"},
            "registered_address": STRING, "last_known_address": STRING,
            "description": STRING, "marks": STRING,
            "caution_flags": {"type": "array", "items": {"type": "string",
                                                         "enum": list(CAUTION_FLAGS)}},
            "danger_class": {"type": "string", "enum": list(DANGER_CLASSES)},
            "charges": {"type": "array", "items": STRING,
                        "description": "Penal Code article numbers, e.g. \"173\""},
            "decision": ref("Decision"),
            "unit": {"type": "string", "description": "Unit code; default: the caller's unit"},
            "assigned_officer": {"type": "string", "nullable": True},
        },
    },
    "Person": {
        "allOf": [ref("PersonInput"), {"type": "object", "properties": {
            "id": {"type": "integer"}, "version": {"type": "integer"},
            "status": {"type": "string", "enum": list(STATUSES)}}}],
    },
    "PersonPage": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": ref("Person")},
                       "total": {"type": "integer"}, "page": {"type": "integer"},
                       "per_page": {"type": "integer"}},
    },
    "MatchSearch": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": ["pending", "done", "failed"]},
            "gallery_size": {"type": "integer", "nullable": True,
                             "description": "Faces in the gallery when the search ran"},
            "message": {"type": "string", "nullable": True,
                        "description": "Why the search cannot find anyone, if it cannot"},
            "faces": {"type": "array", "items": {"type": "object", "properties": {
                "box": {"type": "array", "items": {"type": "integer"},
                        "description": "top, right, bottom, left"},
                "candidates": {"type": "array", "items": {"type": "object", "properties": {
                    "person_id": {"type": "integer"}, "distance": {"type": "number"},
                    "band": {"type": "string", "enum": ["strong", "possible", "weak"]}}}}}}},
        },
    },
}


def error_responses(*statuses: int) -> dict:
    """Describe error statuses that answer with the Error body."""
    return {status: {"description": "Error", "schema": ref("Error")} for status in statuses}
