"""The portal faces the internet: no input reaches a 5xx, a failure is audited with a request id,
and its limits count each citizen's address, shared by every process through Redis."""

import io
import logging
import os
import re
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image
from redis import Redis
from sqlalchemy import select, text

from tests.public.conftest import solve
from wanted import create_public_app
from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.public.models import CitizenTip
from wanted.storage import photo_store

REDIS_URL = "redis://127.0.0.1:6379/0"
HUGE = "9" * 5000
EXAMPLES = int(os.environ.get("WANTED_FUZZ_EXAMPLES", "6")) * 10


def tip_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(CitizenTip.id)).all())


@pytest.mark.parametrize("url", [
    "/?year=²", "/?page=²", "/?year=٣", f"/?year={HUGE}", f"/?page={HUGE}", "/?page=0",
    "/tip?person=²", f"/tip?person={HUGE}", "/tip?person=-1", "/?q=%ED%A0%80",
    f"/status?code={HUGE}", "/?q=" + "a" * 5000,
])
def test_odd_numbers_and_text_in_portal_queries_never_give_a_5xx(published, public_client, url):
    published()
    response = public_client.get(url)
    assert response.status_code in (200, 404, 422), (url, response.status_code)
    assert "Nguyễn Văn Hùng" in public_client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("year", ["²", "١٩٩٠", HUGE, "1899"])
def test_a_year_that_is_no_plain_year_is_named_and_ignored(published, public_client, year):
    published()
    response = public_client.get(f"/?year={year}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-field="year"' in page and "Nguyễn Văn Hùng" in page


@pytest.mark.parametrize("person_id", ["²", HUGE[:40], "١"])
def test_a_tip_about_an_odd_person_id_goes_to_triage(app, published, send_tip, person_id):
    published()
    assert send_tip(person_id=person_id).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(CitizenTip.person_id)) is None


@pytest.mark.parametrize("answer", ["²", "١", "９", "99999"])
def test_an_answer_of_odd_digits_is_a_wrong_answer(app, published, send_tip, answer):
    person = published()
    response = send_tip(person_id=str(person.id), answer=answer)
    assert response.status_code == 422
    assert 'data-field="answer"' in response.get_data(as_text=True)
    assert tip_count(app) == 0


@st.composite
def hostile_text(draw) -> str:
    """Text a clumsy or hostile client sends: odd digits, huge numbers, controls, surrogates."""
    return draw(st.one_of(
        st.text(max_size=30),
        st.text(st.characters(codec=None), max_size=30),
        st.sampled_from(["²", "٣", "0", "-1", "1e9", HUGE, str(2**31), str(2**64), "\x00"]),
        st.integers().map(str)))


@pytest.mark.parametrize("route", ["/", "/tip", "/status"])
def test_any_query_to_the_portal_gets_no_5xx(published, public_client, route):
    published()

    @given(values=st.dictionaries(st.sampled_from(["q", "year", "page", "area", "person",
                                                   "person_id", "code", "next"]),
                                  hostile_text(), max_size=4))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    def call(values: dict) -> None:
        query = "&".join(f"{name}={quote(value.encode('utf-8', 'surrogatepass'))}"
                         for name, value in values.items())
        response = public_client.get(f"{route}?{query}")
        assert response.status_code < 500, (route, values, response.status_code)

    call()


def broken_listing(*args, **kwargs):
    """Fail as a database error would, leaving (on PostgreSQL) an aborted transaction."""
    db.session.execute(text("SELECT no_such_column FROM wanted_persons"))


def test_an_unexpected_error_on_the_portal_is_audited_with_a_request_id(
        app, public_app, public_client, province, monkeypatch, caplog):
    public_app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    monkeypatch.setattr("wanted.public.services.published_page", broken_listing)
    with caplog.at_level(logging.ERROR):
        response = public_client.get("/")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert request_id and request_id in page
    assert 'data-testid="request-id"' in page and "Internal Server Error" not in page
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)
    with app.app_context():
        failure = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "request.error"))
        assert failure.outcome == "error" and failure.details["request_id"] == request_id
    assert public_client.get("/tip").status_code == 200  # the next request is served


def test_production_portal_sends_hsts(portal_config):
    client = create_public_app({**portal_config, "HSTS": True}).test_client()
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_processes_share_the_limits_and_spent_questions_in_redis(app, portal_config, published,
                                                                 send_tip):
    person = published()
    prefix = f"wanted:test:{uuid.uuid4().hex}:"
    config = {**portal_config, "REDIS_URL": REDIS_URL, "RATE_LIMIT_PREFIX": prefix,
              "PUBLIC_TIP_RATE_LIMIT": [3, 3600]}
    first, second = (create_public_app(config).test_client() for _ in range(2))
    assert send_tip(first, person_id=str(person.id)).status_code == 201
    page = first.get("/tip").get_data(as_text=True)
    answered = {**solve(page), "text": "lần một"}
    assert first.post("/tip", data=answered).status_code == 201
    assert second.post("/tip", data=answered).status_code == 422  # spent in the other process
    assert send_tip(second, person_id=str(person.id)).status_code == 429  # 4th from the address
    assert tip_count(app) == 2
    keys = Redis.from_url(REDIS_URL).keys(f"{prefix}public:*")
    assert {key.decode().split(":")[4] for key in keys} >= {"tip", "challenge"}


def test_a_tip_photo_loses_its_metadata(app, published, send_tip):
    person = published()
    exif = Image.Exif()
    exif[0x8825] = {2: (21.0, 1.0, 0.0), 1: "N"}  # GPS position
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "#556677").save(out, "JPEG", exif=exif.tobytes())
    assert send_tip(person_id=str(person.id), photo=out.getvalue()).status_code == 201
    with app.app_context():
        photo = db.session.scalar(select(Photo).where(Photo.kind == "tip"))
        stored = photo_store().get(photo.sha256)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()
        assert "exif" not in image.info
    assert b"PhoneMaker" not in stored


def test_portal_pages_load_nothing_from_outside(published, public_client):
    person = published()
    for path in ("/", f"/notices/{person.id}", f"/tip?person={person.id}", "/status"):
        response = public_client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "<script" not in page
        for link in re.findall(r'(?:src|href|action)="([^"]*)"', page):
            assert link.startswith(("/", "?", "#")) and not link.startswith("//"), (path, link)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'none'" in policy
    css = public_client.get("/assets/css/public.css").get_data(as_text=True)
    assert "http" not in css and "@import" not in css
