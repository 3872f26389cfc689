"""The wanted-person registry: the intranet app factory, and the public portal's."""

from pathlib import Path

from flask import Flask

from wanted import database  # noqa: F401 - registers the SQLite engine settings
from wanted.public.app import create_public_app
from wanted.settings import configure

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["ROOT", "create_app", "create_public_app"]


def create_app(config: type | dict | None = None) -> Flask:
    """Create the application; `config` is a config class or a dict of overrides."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    mount_public_portal(app)
    return app


def mount_public_portal(app: Flask) -> None:
    """In development, also serve the public portal at /public (production runs it apart)."""
    if not app.config.get("PUBLIC_MOUNT"):
        return
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    portal = create_public_app(dict(app.config))
    app.extensions["public_portal"] = portal
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/public": portal.wsgi_app})


def register_extensions(app: Flask) -> None:
    """Bind the extensions to the app."""
    from wanted.auth.session import init_login
    from wanted.auth.sessions import init_sessions
    from wanted.dates import init_dates
    from wanted.extensions import babel, csrf, db
    from wanted.i18n import init_i18n
    from wanted.labels import init_labels
    from wanted.navigation import init_navigation
    from wanted.ratelimit import init_rate_limiter
    from wanted.security import init_security

    db.init_app(app)
    init_security(app)
    init_sessions(app)
    csrf.init_app(app)
    init_login(app)
    init_i18n(app, babel)
    init_rate_limiter(app)
    init_labels(app)
    init_dates(app)
    init_navigation(app)


def register_blueprints(app: Flask) -> None:
    """Register the blueprint of every area."""
    from wanted.api.views import bp as api_bp
    from wanted.audit.views import bp as audit_bp
    from wanted.auth.views import bp as auth_bp
    from wanted.favicon import add_favicon
    from wanted.matching.views import bp as matching_bp
    from wanted.oversight.views import bp as oversight_bp
    from wanted.public.views import bp as publication_bp
    from wanted.pursuit.views import bp as pursuit_bp
    from wanted.registry.views import bp as registry_bp
    from wanted.validation import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # a path id out of range is 404
    for bp in (auth_bp, registry_bp, pursuit_bp, matching_bp, oversight_bp, audit_bp, api_bp,
               publication_bp):
        app.register_blueprint(bp)
    add_favicon(app)


def register_errorhandlers(app: Flask) -> None:
    """Answer errors with a page, or with JSON under /api."""
    from wanted.errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    """Add the `db`, `units`, `users`, `demo` and `faces` command groups."""
    from wanted.commands import command_groups

    for group in command_groups():
        app.cli.add_command(group)
