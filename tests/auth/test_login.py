"""Sign-in: good and bad attempts audited, lockout, rate limits (memory and real Redis)."""

import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from tests.conftest import PASSWORD
from wanted.audit.models import AuditEvent
from wanted.auth.models import LoginFailure, User
from wanted.extensions import db
from wanted.ratelimit import MemoryRateLimiter, RedisRateLimiter

REDIS_URL = "redis://127.0.0.1:6379/15"
# Limits count in fixed windows; an hour-long one keeps a test's few hits inside one window.
WINDOW = 3600


def outcomes(app, action="login"):
    with app.app_context():
        return db.session.execute(select(AuditEvent.actor_name, AuditEvent.outcome)
                                  .where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


def test_good_and_bad_logins_are_audited(app, client, province):
    assert client.post("/login", data={"username": "off_a", "password": "wrong"}).status_code == 401
    assert client.post("/login", data={"username": "ghost", "password": "x"}).status_code == 401
    response = client.post("/login", data={"username": "off_a", "password": PASSWORD})
    assert response.status_code == 302
    assert outcomes(app) == [("off_a", "failed"), ("unknown", "failed"), ("off_a", "ok")]


def test_unknown_username_is_logged_as_a_hash_never_verbatim(app, client, province):
    typed = "my-Secret-passw0rd"  # a password typed into the username box
    client.post("/login", data={"username": typed, "password": "x"})
    client.post("/login", data={"username": typed, "password": "y"})
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
        assert [e.actor_name for e in events] == ["unknown", "unknown"]
        hashes = {e.details["username_hash"] for e in events}
        assert len(hashes) == 1 and typed not in next(iter(hashes))
        assert all(typed not in str(e.details) for e in events)


def test_control_characters_are_escaped_in_the_log(app, client, province):
    with app.app_context():
        from wanted.audit import services as audit

        audit.record("test.event", actor_name="a\nFAKE", details={"note": "x\r\n2026 login ok"})
        db.session.commit()
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.event"))
        assert event.actor_name == "a\\x0aFAKE"
        assert event.details == {"note": "x\\x0d\\x0a2026 login ok"}


def lock_off_b(client, app):
    for _ in range(app.config["LOCKOUT_AFTER"]):
        assert client.post("/login", data={"username": "off_b",
                                           "password": "wrong"}).status_code == 401


def test_account_locks_after_five_failures_until_an_admin_unlocks(app, client, province, login):
    lock_off_b(client, app)
    response = client.post("/login", data={"username": "off_b", "password": PASSWORD})
    assert response.status_code == 401
    assert outcomes(app)[-1] == ("off_b", "denied")
    assert outcomes(app, "user.lock") == [("off_b", "denied")]
    # Still locked long after the 15 minutes: only an admin lifts it.
    with app.app_context():
        user = db.session.get(User, province["off_b"].id)
        user.locked_at -= timedelta(days=2)
        db.session.commit()
    assert client.post("/login", data={"username": "off_b",
                                       "password": PASSWORD}).status_code == 401
    login("admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'data-testid="locked"' in page
    response = client.post(f"/admin/users/{province['off_b'].id}/unlock", follow_redirects=True)
    assert "Account off_b unlocked." in response.get_data(as_text=True)
    assert outcomes(app, "user.unlock") == [("admin", "ok")]
    client.post("/logout")
    login("off_b")


def test_failures_older_than_the_window_do_not_lock(app, client, province):
    for _ in range(app.config["LOCKOUT_AFTER"] - 1):
        client.post("/login", data={"username": "off_b", "password": "wrong"})
    with app.app_context():
        for failure in db.session.scalars(select(LoginFailure)):
            failure.at -= timedelta(minutes=16)
        db.session.commit()
    client.post("/login", data={"username": "off_b", "password": "wrong"})
    assert client.post("/login", data={"username": "off_b",
                                       "password": PASSWORD}).status_code == 302


def test_a_success_clears_the_account_count(app, client, province):
    for _ in range(app.config["LOCKOUT_AFTER"] - 1):
        client.post("/login", data={"username": "off_b", "password": "wrong"})
    assert client.post("/login", data={"username": "off_b",
                                       "password": PASSWORD}).status_code == 302
    client.post("/logout")
    client.post("/login", data={"username": "off_b", "password": "wrong"})
    assert client.post("/login", data={"username": "off_b",
                                       "password": PASSWORD}).status_code == 302


def test_cli_unlocks_an_account(app, client, runner, province):
    lock_off_b(client, app)
    result = runner.invoke(args=["users", "unlock", "off_b"])
    assert result.exit_code == 0 and "User off_b unlocked." in result.output
    assert outcomes(app, "user.unlock") == [("", "ok")]  # by the command line
    assert client.post("/login", data={"username": "off_b",
                                       "password": PASSWORD}).status_code == 302


def test_address_is_refused_after_five_failures_but_successes_do_not_count(app, client,
                                                                           province):
    app.config["LOCKOUT_ADDRESS_AFTER"] = 5
    for _ in range(10):  # successful sign-ins from the address use up nothing
        assert client.post("/login", data={"username": "off_a",
                                           "password": PASSWORD}).status_code == 302
        client.post("/logout")
    for name in ("off_b", "sup_a", "sup_b", "ghost", "chief"):  # one failure per account
        assert client.post("/login", data={"username": name, "password": "x"}).status_code == 401
    response = client.post("/login", data={"username": "off_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts from this address" in response.get_data(as_text=True)
    # Another address is not affected.
    other = app.test_client()
    response = other.post("/login", data={"username": "off_a", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302


def test_inactive_account_cannot_sign_in(client, login, province):
    login("admin")
    asked = client.post(f"/admin/users/{province['off_a'].id}/active")
    assert 'data-testid="confirmation"' in asked.get_data(as_text=True)
    assert client.post("/logout") and login("off_a")  # not deactivated before confirming
    login("admin")
    client.post(f"/admin/users/{province['off_a'].id}/active", data={"confirmed": "1"})
    client.post("/logout")
    response = client.post("/login", data={"username": "off_a", "password": PASSWORD})
    assert response.status_code == 401


def test_logout_needs_post_and_ends_the_session(client, login, province):
    login("off_a")
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_next_parameter_cannot_send_users_off_site(client, province):
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "off_a", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_memory_limiter_counts_per_key():
    limiter = MemoryRateLimiter()
    assert [limiter.hit("k", 2, WINDOW) for _ in range(3)] == [True, True, False]
    assert limiter.hit("other", 2, WINDOW)
    limiter.reset("k")
    assert limiter.hit("k", 2, WINDOW)


@pytest.fixture
def redis_limiter():
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    prefix = f"test:{uuid.uuid4().hex}:"
    limiter = RedisRateLimiter(REDIS_URL, prefix=prefix)
    yield limiter
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_redis_limiter_is_shared_between_processes(redis_limiter):
    other_process = RedisRateLimiter(REDIS_URL, prefix=redis_limiter._prefix)
    assert redis_limiter.hit("login:1.2.3.4", 2, WINDOW)
    assert other_process.hit("login:1.2.3.4", 2, WINDOW)
    assert not redis_limiter.hit("login:1.2.3.4", 2, WINDOW)
    redis_limiter.reset("login:1.2.3.4")
    assert other_process.hit("login:1.2.3.4", 2, WINDOW)


def test_app_uses_redis_limits_when_configured(database_url, tmp_path, province):
    from wanted import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                      "STORAGE_DIR": str(tmp_path),
                      "RATE_LIMIT_PREFIX": f"test:{uuid.uuid4().hex}:"})
    assert isinstance(app.extensions["rate_limiter"], RedisRateLimiter)


def test_token_and_code_limits_and_sessions_are_shared_through_redis(database_url, tmp_path,
                                                                     province):
    # Two web processes of a production set-up: what one counts, the other sees.
    from wanted import create_app

    prefix = f"test:{uuid.uuid4().hex}:"
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                "RATE_LIMIT_PREFIX": prefix, "SESSION_REDIS_PREFIX": prefix,
                "STORAGE_DIR": str(tmp_path), "TOKEN_RATE_LIMIT": (1, WINDOW),
                "MFA_RATE_LIMIT": (1, WINDOW)}
    web1, web2 = create_app(settings), create_app(settings)
    try:
        first = web1.test_client()
        assert first.post("/login", data={"username": "off_a",
                                          "password": PASSWORD}).status_code == 302
        assert first.post("/account/token").status_code == 200
        second = web2.test_client()
        second.set_cookie("session", first.get_cookie("session").value)
        assert second.get("/account").status_code == 200  # the session, from Redis
        assert second.post("/account/token").status_code == 429

        web1.test_cli_runner().invoke(args=["users", "mfa-enrol", "off_b"])
        first = web1.test_client()
        first.post("/login", data={"username": "off_b", "password": PASSWORD})
        assert first.post("/login/mfa", data={"code": "000000"}).status_code == 401
        second = web2.test_client()
        second.set_cookie("session", first.get_cookie("session").value)
        assert second.post("/login/mfa", data={"code": "000000"}).status_code == 429
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
