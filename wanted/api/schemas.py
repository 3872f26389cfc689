"""JSON schemas of the API's answers; the bodies it takes are the areas' input schemas."""

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
            "code": STRING, "message": STRING, "request_id": STRING,
            "fields": {"type": "object", "additionalProperties": STRING}}}},
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
                    "score": {"type": "number", "nullable": True,
                              "description": "What the band was read from: S-norm score, "
                                             "or mean distance in a small gallery"},
                    "band": {"type": "string", "enum": ["strong", "possible", "weak"]}}}}}}},
        },
    },
}


def error_responses(*statuses: int) -> dict:
    """Describe error statuses that answer with the Error body."""
    return {status: {"description": "Error", "schema": ref("Error")} for status in statuses}
