"""The OpenAPI document, generated from the registered routes and the schemas they validate with."""

import copy
import re

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from wanted.api.core import OPERATIONS, Operation, api_route
from wanted.api.schemas import SCHEMAS, error_responses
from wanted.registry.models import STATUSES
from wanted.registry.schemas import PersonChanges
from wanted.validation import MAX_ID

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REF = "#/components/schemas/{model}"


def build_document() -> dict:
    """Describe every API operation in OpenAPI 3.1."""
    schemas = input_schemas()
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path = PARAM.sub(r"{\2}", op.rule)
        operation: dict = {"summary": op.summary, "tags": [op.tag],
                           "operationId": f"{op.method.lower()}{op.rule}",
                           "parameters": path_parameters(op.rule) + query_parameters(op.query),
                           "responses": {str(status): response(spec)
                                         for status, spec in sorted(responses(op).items())}}
        if op.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                op.body_type: {"schema": body_schema(op, schemas)}}}
        if op.tag != "meta":
            operation["security"] = [{"bearer": []}]
        paths.setdefault("/api/v1" + path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "wanted API", "version": "1",
                 "description": "Registry of wanted persons and the work of finding them."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": {**schemas, **SCHEMAS, "Person": person_schema(schemas)},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def responses(op: Operation) -> dict:
    """Return the operation's responses; a JSON body adds 400 (malformed JSON, `invalid_json`)."""
    if op.body is not None and op.body_type == "application/json":
        return {**error_responses(400), **op.responses}
    return op.responses


def input_schemas() -> dict[str, dict]:
    """Return the JSON schema of every body the API takes, and of what they refer to."""
    # PersonChanges is not a body of its own, but the Person response is built from it.
    models = {op.body for op in OPERATIONS if op.body is not None} | {PersonChanges}
    _refs, document = models_json_schema(
        [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF)
    return document.get("$defs", {})


def body_schema(op: Operation, schemas: dict) -> dict:
    """Point to the body's schema; a multipart body adds its file fields."""
    if not op.files:
        return {"$ref": REF.format(model=op.body.__name__)}
    schema = copy.deepcopy(schemas[op.body.__name__])
    schema["properties"].update({name: {"type": "string", "format": "binary"}
                                 for name in op.files})
    schema["required"] = [*schema.get("required", []), *op.files]
    return schema


def person_schema(schemas: dict) -> dict:
    """Describe a person as the API answers it: the editable fields, its id, version, status."""
    fields = schemas["PersonChanges"]
    return {"type": "object", "description": "A wanted person", "properties": {
        **fields["properties"], "id": {"type": "integer"}, "version": {"type": "integer"},
        "status": {"type": "string", "enum": list(STATUSES)}}}


def path_parameters(rule: str) -> list[dict]:
    """Describe the variables of a URL rule; an int is an id, 404 out of range."""
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
             if converter == "int" else {"type": "string"}}
            for converter, name in PARAM.findall(rule)]


def query_parameters(query: type[BaseModel] | None) -> list[dict]:
    """Describe each field of a query schema as a query parameter."""
    if query is None:
        return []
    schema = query.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    parameters = []
    for name, spec in schema["properties"].items():
        spec = dict(spec)
        description = spec.pop("description", None)
        spec.pop("title", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": spec}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def response(spec: dict) -> dict:
    """Describe one response, with a JSON body when it has a schema."""
    body = {"description": spec.get("description", "")}
    if "schema" in spec:
        body["content"] = {"application/json": {"schema": spec["schema"]}}
    return body


@api_route("/openapi.json", "GET", "This document", tag="meta",
           responses={200: {"description": "OpenAPI 3.1 document"}})
def openapi():
    return current_app.json.response(build_document())
