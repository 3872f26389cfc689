"""The API blueprint: bearer-token auth, per-call audit, and routes that document themselves."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Response, g, request
from flask_babel import gettext as _
from pydantic import BaseModel

from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.errors import error_response
from wanted.extensions import csrf, db
from wanted.validation import load_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@dataclass
class Operation:
    """What the OpenAPI document says of one route; bodies and queries are schema classes."""

    rule: str
    method: str
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_type: str = "application/json"
    files: tuple[str, ...] = ()
    responses: dict = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def api_route(rule: str, method: str, summary: str, *, tag: str,
              query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              body_type: str = "application/json", files: tuple[str, ...] = (),
              responses: dict | None = None) -> Callable:
    """Register a view on the API blueprint and describe it for the OpenAPI document.

    `query` and `body` are the schemas the view's service validates with; `files` names the
    multipart file fields that go with a multipart body.
    """

    def decorator(view: Callable) -> Callable:
        OPERATIONS.append(Operation(rule, method, summary, tag, query, body, body_type, files,
                                    responses or {}))
        bp.add_url_rule(rule, view_func=view, methods=[method],
                        endpoint=f"{view.__name__}")
        return view

    return decorator


PUBLIC = {"api.openapi"}


@bp.before_request
def authenticate():
    """Resolve the bearer token to a user, or answer 401."""
    if request.endpoint in PUBLIC:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    user = auth.user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        g.api_denied = True
        return error_response(401, "unauthorized", _("A valid bearer token is required."))
    g.actor = user
    return None


@bp.after_request
def audit_call(response: Response) -> Response:
    """Record every call, allowed or not, with its outcome, in a transaction of its own."""
    if request.endpoint in PUBLIC:
        return response
    outcome = "ok" if response.status_code < 400 else (
        "denied" if response.status_code in (401, 403) else
        "error" if response.status_code >= 500 else "failed")
    if response.status_code >= 400:
        db.session.rollback()  # a refused or failed call keeps nothing but its audit row
    audit.record("api.call", actor=g.get("actor"), outcome=outcome,
                 details={"method": request.method, "path": request.path,
                          "status": response.status_code})
    db.session.commit()
    return response


def json_body() -> dict:
    """Return the request's JSON object; 400 if the body is not one (or nests too deeply)."""
    return load_json(request.get_data(cache=True))
