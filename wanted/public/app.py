"""The public portal's own application: published notices and citizen tips, nothing else."""

from flask import Flask, current_app, render_template, request
from flask.sessions import SessionInterface
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from wanted.errors import (
    ServiceError,
    audit_failure,
    check_text_inputs,
    http_message,
    request_id,
)
from wanted.security import HSTS_VALUE
from wanted.validation import BoundedIntConverter

# What the portal's pages may load: only its own files; no script at all.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'none'; object-src 'none'; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class NoSessions(SessionInterface):
    """The portal keeps no session and never reads one, an officer's least of all."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:
        return None


def create_public_app(config: type | dict | None = None) -> Flask:
    """Create the public portal: notices, the tip form and tip status, on a host of its own."""
    from wanted import ROOT
    from wanted.settings import configure

    app = Flask("wanted.public", instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                static_url_path="/assets")
    configure(app, config)
    app.url_map.converters["int"] = BoundedIntConverter  # a path id out of range is 404
    app.config["MAX_CONTENT_LENGTH"] = app.config["PUBLIC_MAX_CONTENT_LENGTH"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "wanted" / "translations")
    app.session_interface = NoSessions()
    register_extensions(app)
    from wanted.favicon import add_favicon
    from wanted.public.portal import bp
    from wanted.security import trust_proxies

    app.register_blueprint(bp)
    add_favicon(app)
    register_errorhandlers(app)
    app.before_request(check_text_inputs)
    app.after_request(security_headers)
    trust_proxies(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the database, translations and rate limits; no login, no CSRF session."""
    from wanted.extensions import babel, db
    from wanted.labels import SEX
    from wanted.public.portal import portal_locale
    from wanted.ratelimit import init_rate_limiter

    db.init_app(app)
    babel.init_app(app, locale_selector=portal_locale)
    init_rate_limiter(app)
    app.jinja_env.globals.update(get_locale=get_locale, SEX=SEX)


def register_errorhandlers(app: Flask) -> None:
    """Answer every error with the portal's own page."""

    def page(status: int, message: str):
        return render_template("public/error.html", status=status, message=message,
                               request_id=request_id()), status

    @app.errorhandler(ServiceError)
    def service_error(err: ServiceError):
        from wanted.extensions import db

        db.session.rollback()
        return page(err.status, " ".join([err.message, *err.fields.values()]))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return page(err.code or 500, http_message(err.code or 500, err.description or ""))

    @app.errorhandler(Exception)
    def unexpected_error(err: Exception):
        app.logger.exception("Unhandled error (request %s)", request_id())
        audit_failure(err)  # rolled back, then audited in a transaction of its own
        return page(500, _("Something went wrong on our side."))


def security_headers(response):
    """Forbid scripts, framing and sniffing on every answer of the portal."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers["X-Request-Id"] = request_id()
    if current_app.config["HSTS"]:
        response.headers["Strict-Transport-Security"] = HSTS_VALUE
    if request.path.startswith("/tip") or request.path.startswith("/status"):
        response.headers["Cache-Control"] = "no-store"
    return response
