"""Sign in and out, language choice, and account administration."""

import functools
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from wanted.audit import services as audit
from wanted.auth import mfa, services
from wanted.auth.forms import (
    ChangePasswordForm,
    EnrolForm,
    LoginForm,
    MfaForm,
    PasswordForm,
    UnitContactForm,
    UnitForm,
    UserForm,
)
from wanted.auth.models import Unit, User
from wanted.auth.session import roles_required
from wanted.confirm import ask_confirmation, confirmed
from wanted.errors import ServiceError
from wanted.extensions import db
from wanted.ratelimit import rate_limiter

bp = Blueprint("auth", __name__)


MFA_PENDING_SECONDS = 300


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        if address_is_blocked():
            return login_refused(form)
        user = services.check_password(form.username.data.strip(), form.password.data,
                                       address=request.remote_addr or "", **lockout_limits())
        db.session.commit()
        if user is None:
            flash(_("Wrong username or password, or the account is locked."), "danger")
            return render_template("auth/login.html", form=form), 401
        next_url = safe_next(request.args.get("next"))
        if user.mfa_enrolled:
            fresh_session()
            session["mfa_user"] = user.id
            session["mfa_since"] = time.time()
            return redirect(url_for("auth.login_mfa", next=next_url))
        return sign_in(user, next_url, factor="password")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/login/mfa", methods=["GET", "POST"])
def login_mfa():
    user = pending_mfa_user()
    if user is None:
        flash(_("Please sign in."), "warning")
        return redirect(url_for("auth.login"))
    form = MfaForm()
    if form.validate_on_submit():
        limit, window = current_app.config["MFA_RATE_LIMIT"]
        if address_is_blocked() or not rate_limiter().hit(
                f"mfa:{request.remote_addr}", limit, window):
            return login_refused(form, template="auth/login_mfa.html")
        factor = mfa.verify(user, form.code.data)
        if factor is None:
            audit.record("login", actor=user, outcome="failed", details={"reason": "bad_code"})
            services.record_failure(user, request.remote_addr or "", **lockout_limits())
            db.session.commit()
            form.code.errors = [_("This code is wrong or was already used.")]
            return render_template("auth/login_mfa.html", form=form), 401
        return sign_in(user, safe_next(request.args.get("next")), factor=factor)
    return render_template("auth/login_mfa.html", form=form), 422 if form.errors else 200


def pending_mfa_user() -> User | None:
    """Return the user who gave the right password moments ago and still owes a code."""
    user_id, since = session.get("mfa_user"), session.get("mfa_since", 0)
    if not user_id or time.time() - since > MFA_PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    return user if user and user.active and user.locked_at is None else None


def sign_in(user: User, next_url: str, *, factor: str):
    """Finish a sign-in in a session with a new id."""
    services.complete_sign_in(user, factor=factor)
    db.session.commit()
    fresh_session()
    login_user(user)
    return redirect(next_url)


def fresh_session() -> None:
    """Empty the session under a new id, keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    session.regenerate()
    if lang:
        session["lang"] = lang


def lockout_limits() -> dict:
    """Return the lockout settings as keyword arguments."""
    return {"lockout_after": current_app.config["LOCKOUT_AFTER"],
            "lockout_minutes": current_app.config["LOCKOUT_MINUTES"]}


def address_is_blocked() -> bool:
    """Tell whether the client's address has failed too often lately."""
    return services.address_blocked(request.remote_addr or "",
                                    limit=current_app.config["LOCKOUT_ADDRESS_AFTER"],
                                    minutes=current_app.config["LOCKOUT_MINUTES"])


def login_refused(form, template: str = "auth/login.html"):
    """Answer 429 to an address that failed too often; the refusal is audited."""
    audit.record("login", outcome="rate_limited", actor_name=services.UNKNOWN_ACTOR,
                 details={"reason": "address_blocked"})
    db.session.commit()
    flash(_("Too many failed attempts from this address. Please wait and try again."), "danger")
    return render_template(template, form=form), 429


def safe_next(target: str | None) -> str:
    """Return a local redirect target; anything pointing off-site goes home."""
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("registry.index")


@bp.route("/logout", methods=["POST"])
def logout():
    audit.record("logout")
    db.session.commit()
    logout_user()
    fresh_session()
    return redirect(url_for("auth.login"))


@bp.route("/account")
def account():
    return render_template("auth/account.html")


@bp.route("/account/mfa", methods=["GET", "POST"])
def enrol_mfa():
    user = current_user._get_current_object()
    form = EnrolForm()
    if request.method == "GET" or "mfa_enrol_secret" not in session:
        session["mfa_enrol_secret"] = mfa.new_secret()
    secret = session["mfa_enrol_secret"]
    if form.validate_on_submit() and reauthenticated(user, form.password, form.current_code):
        codes = mfa.enrol(user, secret, form.code.data)
        if codes is None:
            form.code.errors = [_("This code does not match: check the app and try again.")]
        else:
            services.end_sessions(user)
            db.session.commit()
            fresh_session()
            login_user(user)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = mfa.provisioning_uri(user.username, secret)
    return render_template("auth/enrol_mfa.html", form=form, secret=secret,
                           qr=mfa.qr_svg(uri)), 422 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit() and reauthenticated(user, form.current_password, form.code):
        try:
            services.set_password(user, form.password.data)
        except ServiceError as err:
            attach_errors(form, err)
        else:
            db.session.commit()
            fresh_session()
            login_user(user)
            flash(_("Password changed. Your other sessions and API tokens have ended."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/account/token", methods=["POST"])
def issue_token():
    user = current_user._get_current_object()
    limit, window = current_app.config["TOKEN_RATE_LIMIT"]
    if not rate_limiter().hit(f"token:{user.id}", limit, window):
        audit.record("token.issue", outcome="rate_limited", object_type="user", object_id=user.id)
        db.session.commit()
        flash(_("Too many tokens issued. Please wait and try again."), "danger")
        return render_template("auth/account.html"), 429
    token = services.issue_token(user, current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    return render_template("auth/account.html", token=token)


def reauthenticated(user: User, password_field, code_field) -> bool:
    """Check the password (and code, if enrolled) typed again; a miss counts as a failure."""
    ok = services.verify_password(user, password_field.data)
    if not ok:
        password_field.errors = [_("Wrong password.")]
    elif user.mfa_enrolled and mfa.verify(user, code_field.data or "") is None:
        code_field.errors = [_("This code is wrong or was already used.")]
        ok = False
    if not ok:
        audit.record("reauth", outcome="failed", object_type="user", object_id=user.id)
        services.record_failure(user, request.remote_addr or "", **lockout_limits())
    db.session.commit()
    return ok


@bp.route("/lang/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.referrer and urlsplit(request.referrer).path))


@bp.route("/admin/users")
@roles_required("admin")
def users():
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    audit.record("user.list", details={"count": len(rows)})
    db.session.commit()
    return render_template("auth/users.html", users=rows)


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@roles_required("admin")
def unlock(user_id: int):
    user = db.get_or_404(User, user_id)
    services.unlock(user)
    db.session.commit()
    flash(_("Account %(name)s unlocked.", name=user.username), "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/mfa/reset", methods=["POST"])
@roles_required("admin")
def reset_mfa(user_id: int):
    user = db.get_or_404(User, user_id)
    mfa.reset(user)
    services.end_sessions(user)
    db.session.commit()
    flash(_("Second factor of %(name)s removed: they enrol again at next sign-in.",
            name=user.username), "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def create_user():
    form = UserForm()
    form.unit.choices = unit_choices()
    if form.validate_on_submit():
        try:
            services.create_user(form.username.data, role=form.role.data,
                                 unit_code=form.unit.data, password=form.password.data,
                                 full_name=form.full_name.data)
        except ServiceError as err:
            attach_errors(form, err)
        else:
            db.session.commit()
            flash(_("Account created."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form), 422 if form.errors else 200


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "danger")
        return redirect(url_for("auth.users"))
    if user.active and not confirmed():
        return ask_confirmation(
            _("Deactivate the account of %(name)s?", name=user.display_name),
            [_("%(name)s can no longer sign in; a session already open ends at the next page.",
               name=user.display_name),
             _("Every API token of the account is revoked at once."),
             _("The account's records and audit history stay; an admin can activate it again.")],
            _("Yes, deactivate"), url_for("auth.users"))
    services.set_active(user, not user.active)
    db.session.commit()
    flash(_("Account updated."), "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/sessions/end", methods=["POST"])
@roles_required("admin")
def end_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    count = services.end_sessions(user)
    db.session.commit()
    flash(_("%(n)d session(s) ended.", n=count), "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@roles_required("admin")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except ServiceError as err:
            attach_errors(form, err)
        else:
            db.session.commit()
            flash(_("Password changed."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/password_form.html", form=form, user=user), (
        422 if form.errors else 200)


@bp.route("/admin/units", methods=["GET", "POST"])
@roles_required("admin")
def units():
    form = UnitForm()
    form.parent.choices = [("", "—")] + unit_choices()
    if form.validate_on_submit():
        try:
            services.create_unit(form.code.data, form.name.data, form.parent.data or None,
                                 address=form.address.data or "", phone=form.phone.data or "")
        except ServiceError as err:
            attach_errors(form, err)
        else:
            audit.record("unit.create", object_type="unit", object_id=form.code.data)
            db.session.commit()
            flash(_("Unit created."), "success")
            return redirect(url_for("auth.units"))
    return render_template("auth/units.html", form=form, tree=services.units_in_tree_order())


@bp.route("/admin/units/<int:unit_id>/contact", methods=["POST"])
@roles_required("admin")
def unit_contact(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = UnitContactForm()
    if form.validate_on_submit():
        before = {"address": unit.address, "phone": unit.phone}
        services.set_unit_contact(unit, form.address.data or "", form.phone.data or "")
        audit.record("unit.contact", object_type="unit", object_id=unit.code,
                     details={"before": before, "after": {"address": unit.address,
                                                          "phone": unit.phone}})
        db.session.commit()
        flash(_("Contact of %(unit)s saved.", unit=unit.name), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("auth.units"))


def unit_choices() -> list[tuple[str, str]]:
    """List units as select choices, indented by depth."""
    return list(_choices(services.unit_tree()))


@functools.lru_cache(maxsize=8)
def _choices(tree: services.UnitTree) -> tuple[tuple[str, str], ...]:
    # Per tree read (the same object while the units are unchanged), not per request.
    return tuple((code, services.unit_label(name, depth))
                 for _id, code, name, depth in tree.outline)


def attach_errors(form, err: ServiceError) -> None:
    """Show a service's field messages on the matching form fields."""
    for name, message in err.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
    if not err.fields:
        flash(err.message, "danger")
