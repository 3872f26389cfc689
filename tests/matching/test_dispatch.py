"""A match search never holds a web worker for long: a bounded inline slot, or the RQ queue."""

import time
import uuid
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from tests.matching.test_search_flow import ENROL, enrol, match
from wanted import create_app
from wanted.matching.services import encoding_slots

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_inline_searches_wait_for_a_slot_then_answer_503(app, client, token, province):
    app.config["MATCH_SLOT_WAIT"] = 0.2
    headers = token("off_a")
    with app.app_context():
        slots = encoding_slots()
    assert slots.acquire(timeout=1)  # another request is encoding right now
    try:
        started = time.monotonic()
        response = match(client, headers, "obama/2.jpg")
        waited = time.monotonic() - started
        # Pages stay responsive meanwhile: only encoding is bounded.
        assert client.get("/api/v1/persons", headers=headers).status_code == 200
    finally:
        slots.release()
    assert response.status_code == 503 and response.json["error"]["code"] == "busy"
    assert waited < 2
    assert client.get("/api/v1/audit?action=match.result",
                      headers=token("admin")).json["items"] == []
    assert match(client, headers, "obama/2.jpg").status_code == 201


@pytest.fixture
def queued_app(database_url, tmp_path):
    """An app that sends searches to a queue of its own on the machine's Redis."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                      "RQ_QUEUE": f"test-{uuid.uuid4().hex}",
                      "STORAGE_DIR": str(tmp_path / "photos")})
    yield app
    Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(REDIS_URL)).delete(
        delete_jobs=True)


def test_with_redis_the_search_is_queued_and_a_worker_finishes_it(
        queued_app, province, make_person, token):
    client = queued_app.test_client()
    with queued_app.app_context():
        from wanted.auth import services as auth
        from wanted.extensions import db

        value = auth.issue_token(auth.user_by_username("off_a"))
        db.session.commit()
    headers = {"Authorization": f"Bearer {value}"}
    person = make_person(full_name="Test obama")
    assert enrol(client, headers, person.id, ENROL["obama"]).status_code == 201

    started = time.monotonic()
    response = match(client, headers, "obama/2.jpg")
    assert time.monotonic() - started < 3  # answered at once: the worker does the encoding
    assert response.status_code == 201
    assert response.json["status"] == "pending" and response.json["faces"] == []
    queue = Queue(queued_app.config["RQ_QUEUE"], connection=Redis.from_url(REDIS_URL))
    assert queue.count == 1

    with queued_app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    done = client.get(f"/api/v1/matches/{response.json['id']}", headers=headers).json
    assert done["status"] == "done"
    assert done["faces"][0]["candidates"][0]["person_id"] == person.id


def test_pending_search_page_says_it_is_running(queued_app, province):
    client = queued_app.test_client()
    client.post("/login", data={"username": "off_a", "password": "correct-horse-42"})
    from tests.conftest import FACES

    response = client.post("/matches/new", data={
        "photo": ((FACES / "obama/2.jpg").open("rb"), "a.jpg"), "purpose": "xác minh",
        "case_ref": "VV-1"}, content_type="multipart/form-data", follow_redirects=True)
    assert 'data-testid="search-pending"' in response.get_data(as_text=True)


def queued_search(app, client) -> int:
    """Start a search through the page of a queued app; return its id."""
    from tests.conftest import FACES, PASSWORD

    client.post("/login", data={"username": "off_a", "password": PASSWORD})
    response = client.post("/matches/new", data={
        "photo": ((FACES / "obama/2.jpg").open("rb"), "a.jpg"), "purpose": "xác minh",
        "case_ref": "VV-1"}, content_type="multipart/form-data")
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def run_worker(app) -> None:
    queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(REDIS_URL))
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_a_search_the_worker_cannot_run_fails_with_its_reason_and_stops_refreshing(
        queued_app, province):
    client = queued_app.test_client()
    search_id = queued_search(queued_app, client)
    # The stored photo is gone before the worker gets to it (a lost volume, say).
    for path in Path(queued_app.config["STORAGE_DIR"]).rglob("*.jpg"):
        path.unlink()
    run_worker(queued_app)
    page = client.get(f"/matches/{search_id}").get_data(as_text=True)
    assert 'data-testid="search-failed"' in page
    # The worker has no request: the reason is stored in the installation's language.
    assert "Máy chủ tìm kiếm không xử lý được ảnh." in page
    assert 'http-equiv="refresh"' not in page


def test_a_search_no_worker_finishes_fails_after_the_timeout(queued_app, province):
    client = queued_app.test_client()
    search_id = queued_search(queued_app, client)
    page = client.get(f"/matches/{search_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page
    queued_app.config["MATCH_PENDING_TIMEOUT"] = 0
    page = client.get(f"/matches/{search_id}").get_data(as_text=True)
    assert 'data-testid="search-failed"' in page and 'http-equiv="refresh"' not in page


def test_the_refreshing_page_of_a_pending_search_is_audited_once(queued_app, province):
    from wanted.audit.models import AuditEvent
    from wanted.extensions import db

    client = queued_app.test_client()
    search_id = queued_search(queued_app, client)
    page = client.get(f"/matches/{search_id}").get_data(as_text=True)
    assert f"/matches/{search_id}?waiting=1" in page
    for _poll in range(3):
        assert client.get(f"/matches/{search_id}?waiting=1").status_code == 200
    run_worker(queued_app)
    assert client.get(f"/matches/{search_id}?waiting=1").status_code == 200
    with queued_app.app_context():
        views = db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action == "match.view")).all()
    assert len(views) == 2  # the first look, and the finished result


def test_installations_sharing_one_redis_never_share_a_job(queued_app, database_url, tmp_path):
    from wanted.matching.tasks import job_id

    other = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                        "RQ_QUEUE": f"test-{uuid.uuid4().hex}",
                        "STORAGE_DIR": str(tmp_path / "other")})
    with queued_app.app_context():
        ours = job_id(1)
        assert job_id(1) == ours and job_id(2) != ours
    with other.app_context():
        assert job_id(1) != ours
