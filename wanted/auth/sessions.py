"""Server-side sessions: the cookie holds an opaque random id, the session lives in a store.

The embedded default keeps sessions in the database; with `REDIS_URL` set (production) they
live in Redis so that every web process sees the same ones. Only a SHA-256 of the id is
stored, so a copy of the store gives no usable cookie. A session ends on the server at sign-out,
after `SESSION_IDLE_MINUTES` without a request, `SESSION_MAX_HOURS` after it began, and when
`end_user_sessions` is called (password change or reset, deactivation, "end all sessions").

A browser may still send an old id after an answer gave it a new one: a request it sent (an
image, the site icon, a prefetch, a second click) before that answer arrived. Had the answer to
such a request set or deleted the cookie, the browser would drop the new one and the officer
would be signed out. So the store never clobbers a cookie it did not just mint for a page:
- an id is remembered as *replaced* for `REPLACED_GRACE` once an answer has given the browser
  a new one; a request carrying it is served as signed out and its answer sets no cookie (only
  the sign-in page may start a session then, so a browser that lost the new cookie can sign in);
- a request the browser makes by itself (Fetch Metadata says it is not a page being opened)
  never starts a session;
- an unknown or timed-out id is never answered with a cookie deletion: the server has
  forgotten it already, and a page opened with it still leads to the sign-in page.
"""

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SessionInterface, SessionMixin, session_json_serializer
from sqlalchemy import delete, select
from werkzeug.datastructures import CallbackDict

from wanted.auth.models import UserSession
from wanted.extensions import db
from wanted.timeutil import utcnow

# A session's last-seen time is written at most this often: fewer writes, minute precision.
TOUCH_EVERY = timedelta(seconds=60)
# How long an id that an answer replaced is known as such (a late request is seconds late).
REPLACED_GRACE = timedelta(minutes=5)
# What the store keeps under a replaced id instead of a session.
REPLACED_MARK = "_replaced"
# The page on which a session may start even for a browser that sends a replaced id.
SIGN_IN_PAGE = "auth.login"


class ServerSession(CallbackDict, SessionMixin):
    """A session whose content lives in the store under `sid`."""

    def __init__(self, initial: dict | None = None, sid: str | None = None,
                 created_at: datetime | None = None, seen_at: datetime | None = None,
                 expired: bool = False, came_with: str | None = None,
                 replaced: bool = False) -> None:
        def on_update(_self) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.created_at = created_at
        self.seen_at = seen_at
        self.expired = expired  # the cookie named a session that timed out or was ended
        self.came_with = came_with  # the id the request's cookie carried, live or not
        self.replaced = replaced  # that id was replaced moments ago: the browser has a newer
        self.modified = False
        self.rotate = False

    def regenerate(self) -> None:
        """Give the session a new id when it is saved (at every sign-in)."""
        self.rotate = True
        self.modified = True


def session_key(sid: str) -> str:
    """Return what the store keeps instead of the id itself."""
    return hashlib.sha256(sid.encode()).hexdigest()


class DatabaseSessionStore:
    """Sessions in the `user_sessions` table (the embedded default)."""

    def load(self, key: str) -> tuple[dict, datetime, datetime] | None:
        """Return a session's data, start and last-seen time, or None."""
        row = db.session.get(UserSession, key)
        if row is None:
            return None
        return session_json_serializer.loads(row.data), row.created_at, row.seen_at

    def save(self, key: str, data: dict, user_id: int | None, created_at: datetime,
             seen_at: datetime) -> None:
        """Write a session whole."""
        db.session.merge(UserSession(id=key, user_id=user_id, created_at=created_at,
                                     seen_at=seen_at, data=session_json_serializer.dumps(data)))

    def mark_replaced(self, key: str, at: datetime) -> None:
        """Keep, instead of a session, the mark that an answer replaced this id `at`."""
        self.save(key, {REPLACED_MARK: True}, None, at, at)

    def touch(self, key: str, seen_at: datetime) -> None:
        """Move a session's last-seen time."""
        row = db.session.get(UserSession, key)
        if row is not None:
            row.seen_at = seen_at

    def delete(self, key: str) -> None:
        """Remove one session."""
        db.session.execute(delete(UserSession).where(UserSession.id == key))

    def delete_user(self, user_id: int) -> int:
        """Remove every session of a user; return how many."""
        keys = db.session.scalars(select(UserSession.id).where(UserSession.user_id == user_id))
        count = len(keys.all())
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        return count

    def purge(self, older_than: datetime) -> None:
        """Drop sessions not seen since `older_than`."""
        db.session.execute(delete(UserSession).where(UserSession.seen_at < older_than))

    def begin(self) -> None:
        """Start from a clean transaction: whatever the view left uncommitted is dropped."""
        db.session.rollback()

    def commit(self) -> None:
        """Make the session's change durable."""
        db.session.commit()


class RedisSessionStore:
    """Sessions in Redis (production), shared by every web process."""

    def __init__(self, url: str, prefix: str, ttl: timedelta, user_ttl: timedelta) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix
        self._ttl = ttl
        self._user_ttl = user_ttl

    def _name(self, key: str) -> str:
        return f"{self._prefix}session:{key}"

    def _user_set(self, user_id: int) -> str:
        return f"{self._prefix}user-sessions:{user_id}"

    def load(self, key: str) -> tuple[dict, datetime, datetime] | None:
        """Return a session's data, start and last-seen time, or None."""
        raw = self._redis.get(self._name(key))
        if raw is None:
            return None
        record = json.loads(raw)
        return (session_json_serializer.loads(record["data"]),
                datetime.fromisoformat(record["created_at"]),
                datetime.fromisoformat(record["seen_at"]))

    def save(self, key: str, data: dict, user_id: int | None, created_at: datetime,
             seen_at: datetime) -> None:
        """Write a session whole, with an expiry that lets Redis drop it when idle."""
        record = {"data": session_json_serializer.dumps(data), "user_id": user_id,
                  "created_at": created_at.isoformat(), "seen_at": seen_at.isoformat()}
        pipe = self._redis.pipeline()
        pipe.set(self._name(key), json.dumps(record), ex=self._ttl)
        if user_id is not None:
            pipe.sadd(self._user_set(user_id), key)
            pipe.expire(self._user_set(user_id), self._user_ttl)
        pipe.execute()

    def mark_replaced(self, key: str, at: datetime) -> None:
        """Keep, instead of a session, the mark that an answer replaced this id `at`."""
        record = {"data": session_json_serializer.dumps({REPLACED_MARK: True}), "user_id": None,
                  "created_at": at.isoformat(), "seen_at": at.isoformat()}
        self._redis.set(self._name(key), json.dumps(record), ex=REPLACED_GRACE)

    def touch(self, key: str, seen_at: datetime) -> None:
        """Move a session's last-seen time."""
        raw = self._redis.get(self._name(key))
        if raw is not None:
            record = json.loads(raw)
            record["seen_at"] = seen_at.isoformat()
            self._redis.set(self._name(key), json.dumps(record), ex=self._ttl, xx=True)

    def delete(self, key: str) -> None:
        """Remove one session."""
        self._redis.delete(self._name(key))

    def delete_user(self, user_id: int) -> int:
        """Remove every session of a user; return how many."""
        keys = [k.decode() for k in self._redis.smembers(self._user_set(user_id))]
        count = self._redis.delete(*[self._name(k) for k in keys]) if keys else 0
        self._redis.delete(self._user_set(user_id))
        return int(count)

    def purge(self, older_than: datetime) -> None:
        """Nothing to do: Redis expires idle sessions itself."""

    def begin(self) -> None:
        """Nothing to do: Redis writes are immediate."""

    def commit(self) -> None:
        """Nothing to do: Redis writes are immediate."""


class ServerSessionInterface(SessionInterface):
    """Open and save `ServerSession`s through a store, enforcing the idle and absolute limits."""

    def __init__(self, store: DatabaseSessionStore | RedisSessionStore) -> None:
        self.store = store

    def limits(self, app: Flask) -> tuple[timedelta, timedelta]:
        """Return the idle timeout and the absolute lifetime."""
        return (timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]),
                timedelta(hours=app.config["SESSION_MAX_HOURS"]))

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        # Static files and the site icon need no session, and the API authenticates by bearer
        # token only.
        if not sid or request.path == "/favicon.ico" or request.path.startswith(
                ((app.static_url_path or "/static") + "/", "/api/")):
            return ServerSession()
        found = self.store.load(session_key(sid))
        if found is None:
            return ServerSession(expired=True, came_with=sid)
        data, created_at, seen_at = found
        idle, lifetime = self.limits(app)
        now = utcnow()
        if data.get(REPLACED_MARK):
            recent = now - seen_at <= REPLACED_GRACE
            return ServerSession(expired=not recent, replaced=recent, came_with=sid)
        if now - seen_at > idle or now - created_at > lifetime:
            self.store.begin()
            self.store.delete(session_key(sid))
            self.store.commit()
            return ServerSession(expired=True, came_with=sid)
        return ServerSession(data, sid=sid, created_at=created_at, seen_at=seen_at,
                             came_with=sid)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session.sid is None and not may_start_session(session):
            return
        name, domain, path = (self.get_cookie_name(app), self.get_cookie_domain(app),
                              self.get_cookie_path(app))
        if not session:
            if session.sid:  # a live session emptied here (sign-out): end it
                self._write(lambda: self.store.mark_replaced(session_key(session.sid),
                                                             utcnow()))
                response.delete_cookie(name, domain=domain, path=path)
            return
        now = utcnow()
        if session.sid is None or session.rotate or session.modified:
            self._save_whole(app, session, now)
            response.set_cookie(name, session.sid, httponly=self.get_cookie_httponly(app),
                                secure=self.get_cookie_secure(app), domain=domain, path=path,
                                samesite=self.get_cookie_samesite(app))
        elif now - session.seen_at >= TOUCH_EVERY:
            self._write(lambda: self.store.touch(session_key(session.sid), now))
        response.vary.add("Cookie")

    def _save_whole(self, app: Flask, session: ServerSession, now: datetime) -> None:
        old_sid = session.came_with
        if session.sid is None or session.rotate:
            session.sid, session.created_at = secrets.token_urlsafe(32), now
        user_id = session.get("_user_id")
        idle, _lifetime = self.limits(app)

        def write() -> None:
            if old_sid and old_sid != session.sid:
                self.store.mark_replaced(session_key(old_sid), now)
            self.store.save(session_key(session.sid), dict(session),
                            int(user_id) if user_id else None, session.created_at, now)
            if session.rotate:
                self.store.purge(now - idle)

        self._write(write)

    def _write(self, change) -> None:
        self.store.begin()
        change()
        self.store.commit()


def may_start_session(session: ServerSession) -> bool:
    """Tell whether this request may be answered with a new session id.

    Not when the id it carries was replaced moments ago (the browser holds a newer one), except
    on the sign-in page; and never for what a browser fetches by itself (Fetch Metadata: not a
    page being opened, or a prefetch). A client that sends no Fetch Metadata opens pages.
    """
    if session.replaced:
        return request.method == "GET" and request.endpoint == SIGN_IN_PAGE
    mode = request.headers.get("Sec-Fetch-Mode", "navigate")
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return mode == "navigate" and "prefetch" not in purpose


def init_sessions(app: Flask) -> None:
    """Keep sessions in Redis when REDIS_URL is set, in the database otherwise."""
    url = app.config.get("REDIS_URL")
    ttl = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=60)
    user_ttl = timedelta(hours=app.config["SESSION_MAX_HOURS"] + 1)
    store = (RedisSessionStore(url, app.config["SESSION_REDIS_PREFIX"], ttl, user_ttl) if url
             else DatabaseSessionStore())
    app.session_interface = ServerSessionInterface(store)


def end_user_sessions(user_id: int) -> int:
    """End every session of a user on the server; the database store joins the caller's commit."""
    return current_app.session_interface.store.delete_user(user_id)
