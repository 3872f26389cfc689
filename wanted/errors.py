"""Errors that services raise, and how pages and the API answer them."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
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


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """Build the JSON error body of API.md."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def wants_json() -> bool:
    """Tell whether this request is an API call."""
    return request.path.startswith("/api/")


def init_errors(app: Flask) -> None:
    """Register handlers for HTTP errors and service errors."""

    @app.errorhandler(ServiceError)
    def service_error(err: ServiceError):
        keep_denial(err)
        if wants_json():
            return error_response(err.status, err.code, err.message, err.fields)
        return render_template("errors.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = (err.name or "error").lower().replace(" ", "_")
        message = http_message(err.code or 500, err.description or "")
        if wants_json():
            return error_response(err.code or 500, code, str(message))
        return render_template("errors.html", status=err.code, message=message), err.code

    @app.errorhandler(Exception)
    def unexpected_error(err: Exception):
        app.logger.exception("Unhandled error")
        if wants_json():
            return error_response(500, "internal_error", _("Something went wrong on our side."))
        return render_template("errors.html", status=500,
                               message=_("Something went wrong on our side.")), 500


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
