"""Sign in and out, language choice, and account administration."""

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
from wanted.auth import services
from wanted.auth.forms import LoginForm, PasswordForm, UnitForm, UserForm
from wanted.auth.models import User
from wanted.auth.session import roles_required
from wanted.confirm import ask_confirmation, confirmed
from wanted.errors import ServiceError
from wanted.extensions import db
from wanted.ratelimit import rate_limiter

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        limit, window = current_app.config["LOGIN_RATE_LIMIT"]
        if not rate_limiter().hit(f"login:{request.remote_addr}", limit, window):
            audit.record("login", outcome="rate_limited", actor_name=form.username.data[:64])
            db.session.commit()
            flash(_("Too many attempts. Please wait and try again."), "danger")
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(
            form.username.data.strip(), form.password.data,
            lockout_after=current_app.config["LOCKOUT_AFTER"],
            lockout_minutes=current_app.config["LOCKOUT_MINUTES"])
        db.session.commit()
        if user is None:
            flash(_("Wrong username or password, or the account is locked."), "danger")
            return render_template("auth/login.html", form=form), 401
        session.clear()
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


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
    session.clear()
    return redirect(url_for("auth.login"))


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
    return render_template("auth/users.html", users=rows)


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
    user.active = not user.active
    if not user.active:
        services.revoke_tokens(user)
    audit.record("user.active", object_type="user", object_id=user.id,
                 details={"active": user.active})
    db.session.commit()
    flash(_("Account updated."), "success")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@roles_required("admin")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Password changed."), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/password_form.html", form=form, user=user)


@bp.route("/admin/units", methods=["GET", "POST"])
@roles_required("admin")
def units():
    form = UnitForm()
    form.parent.choices = [("", "—")] + unit_choices()
    if form.validate_on_submit():
        try:
            services.create_unit(form.code.data, form.name.data, form.parent.data or None)
        except ServiceError as err:
            attach_errors(form, err)
        else:
            audit.record("unit.create", object_type="unit", object_id=form.code.data)
            db.session.commit()
            flash(_("Unit created."), "success")
            return redirect(url_for("auth.units"))
    return render_template("auth/units.html", form=form, tree=services.units_in_tree_order())


def unit_choices() -> list[tuple[str, str]]:
    """List units as select choices, indented by depth."""
    return [(unit.code, "— " * depth + unit.name)
            for unit, depth in services.units_in_tree_order()]


def attach_errors(form, err: ServiceError) -> None:
    """Show a service's field messages on the matching form fields."""
    for name, message in err.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
    if not err.fields:
        flash(err.message, "danger")
