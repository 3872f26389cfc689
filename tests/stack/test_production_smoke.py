"""The production stack end to end: gunicorn (2 workers), an RQ worker, PostgreSQL and Redis."""

import re
import socket
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from redis import Redis
from rq import Queue

from tests.conftest import FACES, PASSWORD
from tests.stack.processes import BIN, gunicorn, running, stack_env

REDIS_URL = "redis://127.0.0.1:6379/15"
pytestmark = pytest.mark.skipif(not FACES.is_dir(), reason=f"sample faces absent at {FACES}")


class FormReader(HTMLParser):
    """Collect the fields of the form posting to one action, with their default values."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "form":
            self.inside = attr.get("action") in (None, "", self.action)
        elif not self.inside:
            return
        elif tag == "input" and attr.get("type") not in ("checkbox", "file", "submit"):
            self.fields[attr["name"]] = attr.get("value") or ""
        elif tag == "select":
            self.select = attr["name"]
            self.options[self.select] = []
        elif tag == "option" and self.select:
            self.options[self.select].append(attr.get("value") or "")
            if "selected" in attr or self.select not in self.fields:
                self.fields[self.select] = attr.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def read_form(session: requests.Session, url: str, action: str) -> FormReader:
    response = session.get(url, timeout=30)
    assert response.status_code == 200, response.text[:1000]
    reader = FormReader(action)
    reader.feed(response.text)
    assert "csrf_token" in reader.fields, f"no form posting to {action}"
    return reader


def upload_photo(session: requests.Session, url: str, person_id: int,
                 name: str) -> requests.Response:
    """Send one of the suite's photos as a person's registry photo; return the check's page."""
    action = f"/persons/{person_id}/photos/new"
    form = read_form(session, url + action, action)
    with (FACES / name).open("rb") as photo:
        response = session.post(url + action, data=form.fields, timeout=60,
                                files={"photo": (Path(name).name, photo, "image/jpeg")})
    assert response.status_code == 200, response.text[:2000]
    return response


def port_is_free(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) != 0


def test_sign_in_add_a_person_with_a_photo_and_find_them_through_the_queue(
        app, database_url, province, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("the production stack runs on PostgreSQL")
    queue_name = f"smoke-{uuid.uuid4().hex}"
    env = stack_env(
        WANTED_ENV="production", WANTED_SECRET_KEY=f"k-{uuid.uuid4().hex}",
        # The suite's key: the fixtures that made the accounts appended to the chain with it.
        WANTED_AUDIT_KEY="test-audit-key", WANTED_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"),
        WANTED_DATABASE_URL=database_url, WANTED_REDIS_URL=REDIS_URL, WANTED_RQ_QUEUE=queue_name,
        WANTED_RATE_LIMIT_PREFIX=f"{queue_name}:", WANTED_STORAGE_DIR=str(tmp_path / "photos"),
        # Plain HTTP to gunicorn here; in production the proxy in front terminates TLS.
        WANTED_SESSION_COOKIE_SECURE="false", WANTED_MFA_REQUIRED="false")
    worker_command = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]
    try:
        with gunicorn(env, tmp_path / "web.log", workers=2) as url, \
                running(worker_command, env, tmp_path / "worker.log") as worker:
            found = walk_through(url)
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        assert worker.returncode is not None
        assert port_is_free(url)
    finally:
        Queue(queue_name, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)
    assert found


def walk_through(url: str) -> bool:
    """Do what an officer does over HTTP; return whether the search found the new person."""
    session = requests.Session()
    login = read_form(session, url + "/login", "/login")
    response = session.post(url + "/login", timeout=30, data={
        **login.fields, "username": "off_a", "password": PASSWORD})
    assert response.status_code == 200 and "/logout" in response.text, response.text[:1000]

    form = read_form(session, url + "/persons/new", "/persons/new")
    data = {**form.fields, "full_name": "Smoke Test Obama", "decision_number": "12/QĐ-TN",
            "decision_date": "2026-01-05", "decision_agency": "Cơ quan CSĐT",
            "charges": "173"}  # charges are checkboxes: Điều 173, theft
    response = session.post(url + "/persons/new", data=data, timeout=30)
    assert response.status_code == 200, response.text[:2000]
    person_id = int(re.search(r"/persons/(\d+)$", response.url).group(1))

    response = upload_photo(session, url, person_id, "obama/1.jpg")
    confirm = FormReader(f"/persons/{person_id}/photos/confirm")
    confirm.feed(response.text)
    response = session.post(url + confirm.action, data=confirm.fields, timeout=60)
    assert response.status_code == 200 and response.url.endswith(f"/persons/{person_id}")

    form = read_form(session, url + "/matches/new", "/matches/new")
    with (FACES / "obama/2.jpg").open("rb") as photo:
        response = session.post(url + "/matches/new", timeout=60, files={
            "photo": ("field.jpg", photo, "image/jpeg")}, data={
            **form.fields, "purpose": "xác minh", "case_ref": "VV-1"})
    assert response.status_code == 200, response.text[:2000]
    search_url = response.url
    deadline = time.monotonic() + 120
    while 'data-testid="search-pending"' in response.text and time.monotonic() < deadline:
        time.sleep(0.5)
        response = session.get(search_url, timeout=30)
    assert 'data-testid="candidate"' in response.text, response.text[:3000]
    found = "Smoke Test Obama" in response.text and f"/persons/{person_id}" in response.text

    # A second record with the same face: the web workers hold no gallery, the search worker
    # answers the duplicate check, and the officer sees the first record before saving.
    form = read_form(session, url + "/persons/new", "/persons/new")
    response = session.post(url + "/persons/new", timeout=30, data={
        **data, "csrf_token": form.fields["csrf_token"], "full_name": "Smoke Test Again"})
    assert response.status_code == 200, response.text[:2000]
    again = int(re.search(r"/persons/(\d+)$", response.url).group(1))
    response = upload_photo(session, url, again, "obama/4.jpg")
    assert 'data-testid="possible-duplicates"' in response.text, response.text[:3000]
    assert f"/persons/{person_id}" in response.text and "Smoke Test Obama" in response.text
    return found


def test_the_stack_helpers_clean_up_after_a_failed_start(tmp_path):
    log = tmp_path / "bad.log"
    with pytest.raises(AssertionError, match="stopped"), \
            gunicorn(stack_env(WANTED_ENV="production"), log):
        pass
    assert Path(log).read_text()
