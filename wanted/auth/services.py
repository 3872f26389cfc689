"""Accounts, units, passwords, API tokens and who may do what."""

import functools
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, Text, bindparam, cast, delete, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import joinedload

from wanted.audit import services as audit
from wanted.auth import passwords
from wanted.auth.models import ROLES, ApiToken, LoginFailure, Unit, User
from wanted.auth.sessions import end_user_sessions
from wanted.errors import NotFound, ValidationFailed
from wanted.extensions import db
from wanted.timeutil import utcnow

hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
# A token's last-used time is written at most this often.
TOKEN_TOUCH_EVERY = timedelta(seconds=60)
# How an unknown username appears in the log: it may be a password typed in the wrong box.
UNKNOWN_ACTOR = "unknown"


@functools.cache
def dummy_hash() -> str:
    """Return the hash verified on an unknown username or a locked account, so it costs as long.

    Made on the first such sign-in rather than at import: an argon2 hash is deliberately slow,
    and most processes (the portal, search workers, commands) never need it.
    """
    return hasher.hash("not-a-password")


def unit_by_code(code: str) -> Unit:
    """Return the unit with this code or raise NotFound."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(_("No unit with code %(code)s.", code=code), {"unit": _("Unknown unit.")})
    return unit


def create_unit(code: str, name: str, parent_code: str | None = None, *, address: str = "",
                phone: str = "") -> Unit:
    """Add a unit under an optional parent, with the contact its notices print."""
    if db.session.scalar(select(Unit.id).where(Unit.code == code)):
        raise ValidationFailed(_("Unit code already exists."), {"code": _("Already taken.")})
    parent = unit_by_code(parent_code) if parent_code else None
    unit = Unit(code=code, name=name, parent=parent, address=address.strip(),
                phone=phone.strip())
    db.session.add(unit)
    db.session.flush()
    g.pop("unit_tree", None)
    g.pop("units_in_tree_order", None)
    return unit


def set_unit_contact(unit: Unit, address: str, phone: str) -> None:
    """Change the address and phone a unit's notices print."""
    unit.address, unit.phone = address.strip(), phone.strip()
    db.session.flush()


@dataclass(frozen=True, eq=False)
class UnitTree:
    """The whole unit tree as every page may need it: each unit's children, and every unit's
    id, code, name and depth, parents before children and siblings by code."""

    children: dict[int | None, list[int]]
    outline: tuple[tuple[int, str, str, int], ...]


def unit_tree() -> UnitTree:
    """Return the unit tree (read once per request or command).

    A signed-in request has it already: it came with the user (`load_user`).
    """
    if "unit_tree" not in g:
        dialect = db.session.get_bind().dialect.name
        g.unit_tree = _parse_tree(db.session.scalar(_unit_tree_statement(dialect)) or "[]",
                                  dialect)
    return g.unit_tree


def unit_children() -> dict[int | None, list[int]]:
    """Map each unit id to the ids of its direct children."""
    return unit_tree().children


def _unit_tree_text(dialect: str) -> ColumnElement[str]:
    # The whole tree as one JSON text, [[id, parent, code, name], …] (a few hundred units at
    # most): its text is its version, so the tree parsed from it is kept per process.
    unit = [Unit.id, Unit.parent_id, Unit.code, Unit.name]
    if dialect == "postgresql":
        units = aggregate_order_by(func.json_build_array(*unit), Unit.code)
        return select(cast(func.json_agg(units), Text)).scalar_subquery()
    ordered = select(*unit).order_by(Unit.code).subquery()  # sorted again when parsed
    return select(func.json_group_array(func.json_array(*ordered.c))).scalar_subquery()


@functools.cache
def _unit_tree_statement(dialect: str) -> Select:
    return select(_unit_tree_text(dialect))


@functools.lru_cache(maxsize=8)
def _parse_tree(text: str, dialect: str) -> UnitTree:
    units = json.loads(text)
    if dialect != "postgresql":  # SQLite's aggregate order is not promised; its order is bytes
        units.sort(key=lambda unit: unit[2])
    children: dict[int | None, list[int]] = {}
    by_parent: dict[int | None, list[tuple[int, str, str]]] = {}
    for unit_id, parent_id, code, name in units:
        children.setdefault(parent_id, []).append(unit_id)
        by_parent.setdefault(parent_id, []).append((unit_id, code, name))
    outline: list[tuple[int, str, str, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit_id, code, name in by_parent.get(parent_id, []):
            outline.append((unit_id, code, name, depth))
            walk(unit_id, depth + 1)

    walk(None, 0)
    return UnitTree(children, tuple(outline))


@functools.cache
def _load_user_statement(dialect: str) -> Select:
    # Built once per dialect: constructing it cost more than running it, on every request.
    return (select(User, _unit_tree_text(dialect)).where(User.id == bindparam("user_id"))
            .options(joinedload(User.unit)))


def load_user(user_id: int) -> User | None:
    """Return a user with their unit, and keep the unit tree read in the same statement.

    The tree rides along as one text column, so that scoping rules and unit lists on the page
    need no statement of their own and never see a stale tree.
    """
    dialect = db.session.get_bind().dialect.name
    row = db.session.execute(_load_user_statement(dialect), {"user_id": user_id}).first()
    if row is None:
        return None
    g.unit_tree = _parse_tree(row[1] or "[]", dialect)
    return row[0]


def subtree_ids(unit_id: int) -> set[int]:
    """Return the unit and every unit below it, at any depth."""
    children = unit_children()
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def units_in_tree_order() -> list[tuple[Unit, int]]:
    """Return every unit's record with its depth, in the order of the unit tree's outline
    (parents before children, siblings by code; read once per request)."""
    if "units_in_tree_order" not in g:
        units = {unit.id: unit for unit in db.session.scalars(select(Unit))}
        g.units_in_tree_order = [(units[unit_id], depth)
                                 for unit_id, _code, _name, depth in unit_tree().outline
                                 if unit_id in units]
    return g.units_in_tree_order


def unit_label(name: str, depth: int) -> str:
    """Return a unit's name indented by its depth, as unit lists show it."""
    return "— " * depth + name


def check_password_strength(password: str, username: str = "") -> None:
    """Refuse passwords too short, too common or too easy to guess, saying why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("Password too short."),
            {"password": _("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)})
    reason = passwords.weakness(password, username)
    if reason:
        raise ValidationFailed(_("Password refused."), {"password": reason})


def create_user(username: str, *, role: str, unit_code: str, password: str,
                full_name: str = "") -> User:
    """Add an account after checking role, unit, password and that the name is free."""
    if role not in ROLES:
        raise ValidationFailed(_("Unknown role."),
                               {"role": _("Choose officer, supervisor or admin.")})
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationFailed(_("Username already exists."), {"username": _("Already taken.")})
    check_password_strength(password, username)
    user = User(username=username, role=role, unit=unit_by_code(unit_code),
                password_hash=hasher.hash(password), full_name=full_name)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", object_type="user", object_id=user.id,
                 details={"username": username, "role": role, "unit": unit_code})
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password; end their sessions and API tokens."""
    check_password_strength(password, user.username)
    user.password_hash = hasher.hash(password)
    audit.record("user.password", object_type="user", object_id=user.id)
    revoke_tokens(user)
    end_sessions(user)


def end_sessions(user: User) -> int:
    """End every session of the user on the server; return how many."""
    count = end_user_sessions(user.id)
    audit.record("user.sessions_end", object_type="user", object_id=user.id,
                 details={"count": count})
    return count


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions and tokens."""
    user.active = active
    if not active:
        revoke_tokens(user)
        end_sessions(user)
    audit.record("user.active", object_type="user", object_id=user.id,
                 details={"active": active})


def unknown_username(username: str) -> dict:
    """Describe an unknown username for the log by a keyed hash, never verbatim."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, username.encode(errors="replace"), hashlib.sha256).hexdigest()
    return {"username_hash": digest[:16]}


def address_blocked(address: str, *, limit: int, minutes: int) -> bool:
    """Tell whether this address made `limit` failed sign-ins in the last `minutes`."""
    since = utcnow() - timedelta(minutes=minutes)
    count = db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.address == address, LoginFailure.at >= since))
    return count >= limit


def record_failure(user: User | None, address: str, *, lockout_after: int,
                   lockout_minutes: int) -> None:
    """Count a failed sign-in for the address and the account; lock the account at the limit."""
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))
    db.session.add(LoginFailure(at=now, user_id=user.id if user else None, address=address[:64]))
    db.session.flush()
    if user is None or user.locked_at is not None:
        return
    since = max(now - timedelta(minutes=lockout_minutes), user.failures_counted_from or now.min)
    count = db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.user_id == user.id, LoginFailure.at >= since))
    if count >= lockout_after:
        user.locked_at = now
        audit.record("user.lock", actor=user, object_type="user", object_id=user.id,
                     outcome="denied", details={"failures": count, "minutes": lockout_minutes})


def check_password(username: str, password: str, *, address: str, lockout_after: int,
                   lockout_minutes: int) -> User | None:
    """Return the user if the password is right and the account usable; audit either way."""
    user = db.session.scalar(select(User).where(User.username == username))
    limits = {"lockout_after": lockout_after, "lockout_minutes": lockout_minutes}
    if user is None:
        _verify(dummy_hash(), password)
        record_failure(None, address, **limits)
        audit.record("login", outcome="failed", actor_name=UNKNOWN_ACTOR,
                     details={"reason": "unknown_user", **unknown_username(username)})
        return None
    if user.locked_at is not None:
        _verify(dummy_hash(), password)
        audit.record("login", actor=user, outcome="denied", details={"reason": "locked"})
        return None
    if not _verify(user.password_hash, password) or not user.active:
        reason = "inactive" if user.active is False else "bad_password"
        audit.record("login", actor=user, outcome="failed", details={"reason": reason})
        record_failure(user, address, **limits)
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        audit.record("user.rehash", actor=user, object_type="user", object_id=user.id)
    return user


def complete_sign_in(user: User, *, factor: str = "password") -> None:
    """Record a full sign-in: failures so far stop counting towards a lock."""
    now = utcnow()
    user.failures_counted_from = now
    user.last_login_at = now
    audit.record("login", actor=user, details={"factor": factor})


def unlock(user: User) -> None:
    """Lift a lock; earlier failures no longer count."""
    user.locked_at = None
    user.failures_counted_from = utcnow()
    audit.record("user.unlock", object_type="user", object_id=user.id)


def disable_inactive(days: int) -> list[str]:
    """Deactivate active accounts not used for `days` days; return their usernames."""
    cutoff = utcnow() - timedelta(days=days)
    last_use = func.coalesce(User.last_login_at, User.created_at)
    users = db.session.scalars(select(User).where(User.active.is_(True), last_use < cutoff)
                               .order_by(User.username)).all()
    for user in users:
        set_active(user, False)
        audit.record("user.disable_inactive", object_type="user", object_id=user.id,
                     details={"days": days})
    return [user.username for user in users]


def verify_password(user: User, password: str) -> bool:
    """Tell whether the password is the user's (asked again before sensitive changes)."""
    return _verify(user.password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(user: User, days: int = 90) -> str:
    """Create an API token valid for `days` days and return it; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=days)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token), expires_at=expires_at))
    audit.record("token.issue", object_type="user", object_id=user.id,
                 details={"expires_at": expires_at.isoformat(timespec="seconds")})
    return token


def revoke_tokens(user: User) -> int:
    """Revoke every live token of the user; return how many."""
    tokens = db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for token in tokens:
        token.revoked_at = utcnow()
    audit.record("token.revoke", object_type="user", object_id=user.id,
                 details={"count": len(tokens)})
    return len(tokens)


def user_for_token(token: str) -> User | None:
    """Return the active user of a live, unexpired token, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token))
                            .options(joinedload(ApiToken.user).joinedload(User.unit)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now \
            or not row.user.active or row.user.locked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_EVERY:
        row.last_used_at = now  # minute precision: not a write on every call
    return row.user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_username(username: str) -> User:
    """Return the user with this username or raise NotFound."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("No user %(name)s.", name=username), {"username": _("Unknown user.")})
    return user


def in_scope(user: User, unit_id: int) -> bool:
    """Tell whether the unit is the user's own unit or one below it."""
    return unit_id in subtree_ids(user.unit_id)


def can_work_on(user: User, unit_id: int) -> bool:
    """Tell whether the user may edit or log work on a record of this unit."""
    return user.role in ("officer", "supervisor") and in_scope(user, unit_id)


def can_close_case(user: User, unit_id: int) -> bool:
    """Tell whether the user may move a person of this unit out of 'wanted'."""
    return user.role == "supervisor" and in_scope(user, unit_id)
