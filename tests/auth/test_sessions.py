"""Server-side sessions: a copied cookie stops working when the server ends the session."""

import re
import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from wanted import create_app
from wanted.auth import sessions
from wanted.auth.models import UserSession
from wanted.extensions import db
from wanted.pursuit.models import Tip
from wanted.timeutil import utcnow

REDIS_URL = "redis://127.0.0.1:6379/15"
COOKIE = "session"
TIP = {"received_at": "2025-03-03T20:00", "source": "public", "location": "bến xe",
       "text": "Thấy đối tượng ở bến xe"}


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """A second browser that only has the copied cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def tips_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Tip.id)))


@pytest.fixture(params=["database", "redis"])
def store_app(request, app, database_url, tmp_path):
    """The test app with sessions in the database, or in the real Redis as production has it."""
    if request.param == "database":
        yield app
        return
    redis.Redis.from_url(REDIS_URL).ping()
    prefix = f"test:{uuid.uuid4().hex}:"
    redis_app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                            "SESSION_REDIS_PREFIX": prefix, "RATE_LIMIT_PREFIX": prefix,
                            "STORAGE_DIR": str(tmp_path / "photos")})
    assert isinstance(redis_app.session_interface.store, sessions.RedisSessionStore)
    yield redis_app
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def sign_in(client, username="off_a"):
    client.get("/lang/en")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return cookie_of(client)


def test_cookie_is_an_opaque_id_and_changes_at_every_sign_in(store_app, province):
    client = store_app.test_client()
    client.get("/lang/en")  # an anonymous session, as a login form's CSRF token makes one
    before = cookie_of(client)
    first = sign_in(client)
    assert first != before and len(first) >= 40 and "off_a" not in first
    # The id before sign-in (a fixation attempt) opens nothing.
    assert replay(store_app, before).get("/").status_code == 302
    client.post("/logout")
    second = sign_in(client)
    assert second != first


def test_replayed_cookie_after_sign_out_opens_nothing_and_writes_nothing(
        store_app, province, make_person):
    person = make_person("off_a")
    client = store_app.test_client()
    cookie = sign_in(client)
    assert replay(store_app, cookie).get(f"/persons/{person.id}").status_code == 200
    client.post("/logout")
    thief = replay(store_app, cookie)
    response = thief.get(f"/persons/{person.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = thief.post(f"/persons/{person.id}/log/tip", data=TIP)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert tips_count(store_app) == 0
    # The API never takes a session cookie: 401.
    assert thief.get(f"/api/v1/persons/{person.id}").status_code == 401


def test_admin_password_reset_ends_sessions_and_api_tokens(store_app, province, token):
    headers = token("off_a")
    client = store_app.test_client()
    cookie = sign_in(client)
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    admin = store_app.test_client()
    sign_in(admin, "admin")
    response = admin.post(f"/admin/users/{province['off_a'].id}/password",
                          data={"password": "a-brand-new-passphrase-7"})
    assert response.status_code == 302
    assert replay(store_app, cookie).get("/").status_code == 302
    assert client.get("/api/v1/persons", headers=headers).status_code == 401


def test_deactivation_ends_sessions(store_app, province):
    cookie = sign_in(store_app.test_client())
    admin = store_app.test_client()
    sign_in(admin, "admin")
    admin.post(f"/admin/users/{province['off_a'].id}/active", data={"confirmed": "1"})
    response = replay(store_app, cookie).get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_admin_ends_all_sessions_of_a_user(store_app, province):
    phone, desk = sign_in(store_app.test_client()), sign_in(store_app.test_client())
    admin = store_app.test_client()
    sign_in(admin, "admin")
    response = admin.post(f"/admin/users/{province['off_a'].id}/sessions/end",
                          follow_redirects=True)
    assert "2 session(s) ended." in response.get_data(as_text=True)
    assert replay(store_app, phone).get("/").status_code == 302
    assert replay(store_app, desk).get("/").status_code == 302
    assert admin.get("/").status_code == 200


def test_own_password_change_keeps_this_session_only(store_app, province):
    other = sign_in(store_app.test_client())
    client = store_app.test_client()
    before = sign_in(client)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a-brand-new-passphrase-7"})
    assert response.status_code == 302
    assert cookie_of(client) != before
    assert client.get("/").status_code == 200
    assert replay(store_app, other).get("/").status_code == 302
    assert replay(store_app, before).get("/").status_code == 302


def test_password_change_asks_the_current_password_again(client, province, login):
    login("off_a")
    response = client.post("/account/password", data={
        "current_password": "not-my-password", "password": "a-brand-new-passphrase-7"})
    assert response.status_code == 422
    assert "Wrong password." in response.get_data(as_text=True)


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock for the session store, moved by hand."""
    now = [utcnow()]
    monkeypatch.setattr(sessions, "utcnow", lambda: now[0])

    def advance(**delta):
        now[0] += timedelta(**delta)

    return advance


def test_idle_session_ends_after_the_idle_timeout(store_app, province, clock):
    client = store_app.test_client()
    sign_in(client)
    clock(minutes=29)
    assert client.get("/").status_code == 200  # use moves the idle clock
    clock(minutes=29)
    assert client.get("/").status_code == 200
    clock(minutes=31)
    response = client.get("/", follow_redirects=True)
    # The language chosen went with the session: the sign-in page is in Vietnamese again.
    assert "Phiên làm việc đã kết thúc." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_idle_timeout_is_settable(store_app, province, clock):
    store_app.config["SESSION_IDLE_MINUTES"] = 5
    client = store_app.test_client()
    sign_in(client)
    clock(minutes=6)
    assert client.get("/").status_code == 302


def test_session_ends_after_the_absolute_lifetime_even_when_busy(store_app, province, clock):
    client = store_app.test_client()
    sign_in(client)
    for _ in range(28):  # a request every 25 minutes for 11 h 40 min
        clock(minutes=25)
        assert client.get("/").status_code == 200
    clock(minutes=25)  # 12 h 5 min after sign-in, never idle
    assert client.get("/").status_code == 302


def test_absolute_lifetime_is_settable(store_app, province, clock):
    store_app.config["SESSION_MAX_HOURS"] = 1
    client = store_app.test_client()
    sign_in(client)
    for _ in range(2):
        clock(minutes=25)
        assert client.get("/").status_code == 200
    clock(minutes=15)  # 65 minutes after sign-in, never idle
    assert client.get("/").status_code == 302


def test_signed_out_sessions_leave_the_database(app, client, province):
    signed_in = select(func.count(UserSession.id)).where(UserSession.user_id.is_not(None))
    sign_in(client)
    with app.app_context():
        assert db.session.scalar(signed_in) == 1
    client.post("/logout")
    with app.app_context():
        assert db.session.scalar(signed_in) == 0


def remember_cookie_name(client) -> str:
    return client.application.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def test_cookie_is_http_only_and_not_persistent(client, province):
    client.post("/login", data={"username": "off_a", "password": PASSWORD})
    cookie = client.get_cookie(COOKIE)
    assert cookie.http_only and cookie.expires is None and cookie.same_site == "Lax"
    # No "remember me": no cookie that could sign the browser in again.
    assert client.get_cookie(remember_cookie_name(client)) is None


# What a browser sends with what it fetches by itself (an <img>, the icon, a prefetch).
IMAGE_FETCH = {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
PAGE_OPENED = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


def sets_cookie(response) -> bool:
    """Tell whether the answer sets or deletes the session cookie."""
    return any(header.startswith(f"{COOKIE}=")
               for header in response.headers.getlist("Set-Cookie"))


def test_late_requests_with_the_cookie_a_sign_in_replaced_leave_the_new_one_alone(
        store_app, province, make_person):
    # Sent before the sign-in's answer arrived, answered after it: had such an answer set or
    # deleted the cookie, the browser would drop the new sign-in's cookie for it.
    person = make_person("off_a")
    client = store_app.test_client()
    client.get("/lang/en")  # an anonymous session, as the sign-in form's CSRF token makes one
    before = cookie_of(client)
    sign_in(client)
    late = replay(store_app, before)
    page = late.get(f"/persons/{person.id}", headers=PAGE_OPENED)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    image = late.get(f"/persons/{person.id}", headers=IMAGE_FETCH)
    form = late.post(f"/persons/{person.id}/log/tip", data=TIP)
    plain = late.get("/no-such-page")
    for answer in (page, image, form, plain):
        assert answer.status_code == 302 and not sets_cookie(answer), answer.headers
    assert tips_count(store_app) == 0  # the old id still opens and writes nothing
    assert client.get("/").status_code == 200


def test_a_late_request_after_sign_out_does_not_end_the_next_sign_in(store_app, province):
    client = store_app.test_client()
    signed_in = sign_in(client)
    client.post("/logout")
    sign_in(client, "off_b")
    late = replay(store_app, signed_in).get("/", headers=PAGE_OPENED)
    assert late.status_code == 302 and not sets_cookie(late)
    assert client.get("/").status_code == 200


def test_after_a_timeout_late_requests_with_the_ended_cookie_leave_a_new_sign_in_alone(
        store_app, province, clock):
    client = store_app.test_client()
    ended = sign_in(client)
    clock(minutes=31)
    page = client.get("/", headers=PAGE_OPENED, follow_redirects=True)
    assert "Phiên làm việc đã kết thúc." in page.get_data(as_text=True)  # it says why
    sign_in(client)
    late = replay(store_app, ended)
    for answer in (late.get("/", headers=PAGE_OPENED), late.get("/", headers=IMAGE_FETCH)):
        assert answer.status_code == 302 and not sets_cookie(answer)
    assert client.get("/").status_code == 200


def test_a_fetch_the_browser_makes_by_itself_never_starts_a_session(store_app, province,
                                                                    clock):
    client = store_app.test_client()
    ended = sign_in(client)
    client.post("/logout")
    clock(minutes=20)  # long after: no longer an id replaced moments ago
    image = replay(store_app, ended).get("/", headers=IMAGE_FETCH)
    assert image.status_code == 302 and not sets_cookie(image)
    # A page the user opens still leads to the sign-in page, saying why.
    page = replay(store_app, ended).get("/", headers=PAGE_OPENED)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert sets_cookie(page)  # a new anonymous session carries the message


def test_a_browser_left_with_a_replaced_cookie_can_still_sign_in(store_app, province):
    # The answer to a sign-in can be lost on the way: that browser still sends the old id.
    store_app.config["WTF_CSRF_ENABLED"] = True
    client = store_app.test_client()
    client.get("/lang/en")
    before = cookie_of(client)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "off_a", "password": PASSWORD,
                                "csrf_token": token})
    lost = replay(store_app, before)
    page = lost.get("/login")
    assert page.status_code == 200 and sets_cookie(page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True)).group(1)
    response = lost.post("/login", data={"username": "off_a", "password": PASSWORD,
                                         "csrf_token": token})
    assert response.status_code == 302 and lost.get("/").status_code == 200
