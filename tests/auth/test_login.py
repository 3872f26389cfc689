"""Sign-in: good and bad attempts audited, lockout, rate limits (memory and real Redis)."""

import uuid

import pytest
import redis
from sqlalchemy import select

from tests.conftest import PASSWORD
from wanted.audit.models import AuditEvent
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
    assert outcomes(app) == [("off_a", "failed"), ("ghost", "failed"), ("off_a", "ok")]


def test_account_locks_after_repeated_failures(app, client, province):
    for _ in range(app.config["LOCKOUT_AFTER"]):
        client.post("/login", data={"username": "off_b", "password": "wrong"})
    response = client.post("/login", data={"username": "off_b", "password": PASSWORD})
    assert response.status_code == 401
    assert outcomes(app)[-1] == ("off_b", "denied")


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


def test_login_rate_limit_answers_429(app, client, province):
    app.config["LOGIN_RATE_LIMIT"] = (3, WINDOW)
    codes = [client.post("/login", data={"username": "off_a", "password": "x"}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]


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
                      "LOGIN_RATE_LIMIT": (2, WINDOW), "STORAGE_DIR": str(tmp_path),
                      "RATE_LIMIT_PREFIX": f"test:{uuid.uuid4().hex}:"})
    assert isinstance(app.extensions["rate_limiter"], RedisRateLimiter)
    app.extensions["rate_limiter"].reset("login:127.0.0.1")
    client = app.test_client()
    codes = [client.post("/login", data={"username": "off_a", "password": "x"}).status_code
             for _ in range(3)]
    app.extensions["rate_limiter"].reset("login:127.0.0.1")
    assert codes == [401, 401, 429]
