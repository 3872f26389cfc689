"""Errors that services raise, and how pages and the API answer them."""

import uuid

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException


class ServiceError(Exception):
    """A rule refused the request; carries the status, a machine code and field messages."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None,
                 code: str | None = None, audit: dict | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        # An audit event to keep after the failed request's changes are rolled back.
        self.audit = audit
        if code:
            self.code = code


class BadRequest(ServiceError):
    status, code = 400, "bad_request"


class ValidationFailed(ServiceError):
    status, code = 422, "invalid"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class StaleVersion(ServiceError):
    status, code = 412, "stale_version"


class RateLimited(ServiceError):
    status, code = 429, "rate_limited"


def lost_race() -> Conflict:
    """Return the refusal of a save that another save of the same person overtook (409)."""
    return Conflict(_("Someone else saved this person meanwhile, so nothing of yours was "
                      "saved. Check the person and save again."), code="stale_version")


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """Build the JSON error body of API.md, with the request id to quote to an administrator."""
    body = {"error": {"code": code, "message": message, "fields": fields or {},
                      "request_id": request_id()}}
    return jsonify(body), status


def wants_json() -> bool:
    """Tell whether this request is an API call."""
    return request.path.startswith("/api/")


def request_id() -> str:
    """Return the id of the current request (shown on error pages and logged with errors)."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex[:16]
    return g.request_id


def error_page(status: int, message: str):
    """Render the app's error page; if even that fails (a broken database), a page without it."""
    try:
        return render_template("errors.html", status=status, message=message,
                               request_id=request_id()), status
    except Exception:
        current_app.logger.exception("Error page failed (request %s)", request_id())
        _rollback()
        return render_template("errors_plain.html", status=status, message=message,
                               request_id=request_id()), status


def init_errors(app: Flask) -> None:
    """Register handlers for HTTP errors, service errors and everything unexpected."""

    @app.before_request
    def refuse_control_characters():
        # A page form refuses them at its field (wanted.forms.PageForm), keeping the form.
        check_text_inputs((request.args, request.form) if wants_json() else (request.args,))

    @app.after_request
    def tag_response(response: Response) -> Response:
        response.headers["X-Request-Id"] = request_id()
        return response

    @app.errorhandler(ServiceError)
    def service_error(err: ServiceError):
        keep_denial(err)
        if wants_json():
            return error_response(err.status, err.code, err.message, err.fields)
        if err.fields:
            return error_page(err.status, " ".join([err.message, *(
                f"{name}: {text}" for name, text in err.fields.items())]))
        return error_page(err.status, err.message)

    @app.errorhandler(StaleDataError)
    def overtaken_save(err: StaleDataError):
        # A versioned UPDATE found the row's version moved: another save committed first.
        # Rules that expect it answer their own way; any other is refused, never a failure.
        app.logger.info("Save overtaken (request %s): %s", request_id(), err)
        return service_error(lost_race())

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        status = err.code or 500
        if status >= 500:
            _rollback()
        message = http_message(status, err.description or "")
        if wants_json():
            return error_response(status, http_error_code(err), str(message))
        return error_page(status, message)

    @app.errorhandler(Exception)
    def unexpected_error(err: Exception):
        app.logger.exception("Unhandled error (request %s)", request_id())
        audit_failure(err)
        message = _("Something went wrong on our side. Quote this request id to an "
                    "administrator: %(id)s", id=request_id())
        if wants_json():
            return error_response(500, "internal_error", message)
        return error_page(500, message)


def http_error_code(err: HTTPException) -> str:
    """Return the API's error code for an HTTP error: its name in snake case."""
    return (err.name or "error").lower().replace(" ", "_")


def check_text_inputs(sources: tuple | None = None) -> None:
    """Refuse query and form values holding NUL or other control characters (422 naming it)."""
    from wanted.validation import CONTROL_IN_LINES

    for source in sources or (request.args, request.form):
        for name, value in source.items(multi=True):
            if CONTROL_IN_LINES.search(value):
                raise ValidationFailed(
                    _("Some fields are not valid."),
                    {name: _("Contains characters that are not allowed (control characters).")})


def audit_failure(err: Exception) -> None:
    """Roll the failed request back, then record the failure in a transaction of its own."""
    from wanted.audit import services as audit
    from wanted.extensions import db

    _rollback()
    try:
        audit.record("request.error", outcome="error", details={
            "request_id": request_id(), "method": request.method, "path": request.path,
            "error": type(err).__name__})
        db.session.commit()
    except Exception:
        current_app.logger.exception("Could not audit the failure (request %s)", request_id())
        _rollback()


def _rollback() -> None:
    from wanted.extensions import db

    try:
        db.session.rollback()
    except Exception:
        current_app.logger.exception("Rollback failed (request %s)", request_id())


def keep_denial(err: ServiceError) -> None:
    """Roll back the failed request, then commit the audit event the refusal asked for."""
    from wanted.audit import services as audit
    from wanted.extensions import db

    db.session.rollback()
    if err.audit:
        audit.record(outcome="denied", **err.audit)
        db.session.commit()
def http_message(status: int, default: str) -> str:
    """Return the translated message shown for an HTTP status."""
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The upload is too large."),
        415: _("This type of file is not accepted."),
        428: _("This request must say which version it changes (If-Match)."),
        429: _("Too many attempts. Please wait and try again."),
    }
    return messages.get(status, default)
