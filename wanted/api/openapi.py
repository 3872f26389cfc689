"""The OpenAPI document, generated from the registered API routes."""

import re

from flask import current_app

from wanted.api.core import OPERATIONS, api_route
from wanted.api.schemas import SCHEMAS

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def build_document() -> dict:
    """Describe every API operation in OpenAPI 3."""
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path = PARAM.sub(r"{\2}", op.rule)
        operation: dict = {"summary": op.summary, "tags": [op.tag],
                           "parameters": path_parameters(op.rule) + [
                               {"name": name, "in": "query", "required": False,
                                "description": text, "schema": {"type": "string"}}
                               for name, text in op.query.items()],
                           "responses": {str(status): response(spec)
                                         for status, spec in op.responses.items()}}
        if op.body is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {op.body_type: {"schema": op.body}}}
        if op.tag != "meta":
            operation["security"] = [{"bearer": []}]
        paths.setdefault("/api/v1" + path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": "wanted API", "version": "1",
                 "description": "Registry of wanted persons and the work of finding them."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def path_parameters(rule: str) -> list[dict]:
    """Describe the variables of a URL rule."""
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "integer" if converter == "int" else "string"}}
            for converter, name in PARAM.findall(rule)]


def response(spec: dict) -> dict:
    """Describe one response, with a JSON body when it has a schema."""
    body = {"description": spec.get("description", "")}
    if "schema" in spec:
        body["content"] = {"application/json": {"schema": spec["schema"]}}
    return body


@api_route("/openapi.json", "GET", "This document", tag="meta",
           responses={200: {"description": "OpenAPI 3 document"}})
def openapi():
    return current_app.json.response(build_document())
