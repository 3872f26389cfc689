"""Session login and the deny-by-default rule for every page."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.extensions import db, login_manager

# Endpoints anyone may reach; the API authenticates with its own bearer tokens.
PUBLIC_ENDPOINTS = {"auth.login", "auth.login_mfa", "auth.set_language", "static", "favicon"}
# What a user without a second factor may reach while MFA_REQUIRED sends them to enrol.
ENROLMENT_ENDPOINTS = {"auth.enrol_mfa", "auth.logout"}


def init_login(app: Flask) -> None:
    """Configure Flask-Login and refuse every page to anonymous users."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = auth.load_user(int(user_id))
        return user if user is not None and user.active and user.locked_at is None else None

    app.register_error_handler(CSRFError, expired_form)

    @app.context_processor
    def signed_in_user() -> dict:
        # Templates read current_user dozens of times a page; give them the user itself rather
        # than Flask-Login's proxy, which looks the user up again on every attribute.
        return {"current_user": current_user._get_current_object()}

    @app.before_request
    def require_login():
        endpoint = request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or request.path.startswith("/api/"):
            return None
        if not current_user.is_authenticated:
            if getattr(session, "expired", False):
                flash(_l("Your session has ended. Please sign in again."), "warning")
            return redirect(url_for("auth.login", next=request.full_path))
        g.actor = current_user._get_current_object()
        if app.config["MFA_REQUIRED"] and not g.actor.mfa_enrolled \
                and endpoint not in ENROLMENT_ENDPOINTS:
            flash(_l("Set up your second factor before going on."), "warning")
            return redirect(url_for("auth.enrol_mfa"))
        return None


def expired_form(err: CSRFError):
    """Answer a form sent with an expired session or token: sign in again, nothing is lost.

    What the officer typed stays in the browser (static/js/app.js) until it is sent and saved;
    the form's page fills it back in.
    """
    back = form_page()
    if not current_user.is_authenticated:
        flash(_("Your session has ended. Sign in again: what you typed is kept on this device "
                "and filled back in."), "warning")
        return redirect(url_for("auth.login", next=back))
    return render_template("auth/expired_form.html", back=back), 400


def form_page() -> str:
    """Return the local page the expired form was sent from (else the page it posted to)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return request.path


def roles_required(*roles: str) -> Callable:
    """Allow a view only to the given roles; others get 403, which is audited."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                audit.record("access.denied", outcome="denied",
                             details={"endpoint": request.endpoint, "role": current_user.role})
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
