"""With searches queued, web processes hold no gallery: a search worker answers duplicate checks.

Adding a registry photo checks whether its face is already in the registry under another person.
The web process encodes the photo; the look-up runs in the search worker, which keeps the
gallery warm, so that a web worker never loads the gallery's index or encodings.
"""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FACES
from tests.matching.test_search_flow import enrol, photo_file
from tests.stack.conftest import wait_for_worker
from tests.stack.processes import BIN, running
from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.matching.gallery import Gallery
from wanted.matching.models import Photo

pytestmark = pytest.mark.skipif(not FACES.is_dir(), reason=f"sample faces absent at {FACES}")


@pytest.fixture
def web_process_never_holds_the_gallery(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("a web process with queued searches built or loaded the gallery")

    monkeypatch.setattr(Gallery, "build", refused)
    monkeypatch.setattr(Gallery, "load", refused)


def test_a_duplicate_is_reported_by_the_worker_and_the_web_process_holds_no_gallery(
        app, client, login, token, province, make_person, queued, tmp_path,
        web_process_never_holds_the_gallery):
    headers = token("off_a")
    known = make_person(full_name="Test Obama")
    newcomer, third = make_person(full_name="Bản ghi mới"), make_person(full_name="Bản ghi ba")
    log = tmp_path / "worker.log"
    command = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]
    with running(command, queued, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        first = enrol(client, headers, known.id, "obama/1.jpg")
        assert first.status_code == 201 and first.json["possible_duplicates"] == []

        response = enrol(client, headers, newcomer.id, "obama/4.jpg")
        assert response.status_code == 201, response.get_data(as_text=True)[:2000]
        assert [d["person_id"] for d in response.json["possible_duplicates"]] == [known.id]

        login("off_a")
        page = client.post(f"/persons/{third.id}/photos/new", data={
            "photo": photo_file("obama/2.jpg")}, content_type="multipart/form-data")
        html = page.get_data(as_text=True)
        assert page.status_code == 200, html[:2000]
        assert 'data-testid="possible-duplicates"' in html
        assert f"/persons/{known.id}" in html and "Test Obama" in html
        upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
        added = client.post(f"/persons/{third.id}/photos/confirm", data={"upload": upload})
        assert added.status_code == 302
        assert worker.poll() is None, log.read_text()[-3000:]

    assert "face_gallery" not in app.extensions
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "photo.add", AuditEvent.object_id == str(third.id))).one()
        # The audit keeps the duplicates the officer was shown before confirming.
        assert {d["person_id"] for d in event.details["possible_duplicates"]} == {
            known.id, newcomer.id}


def test_without_a_worker_the_photo_is_refused_with_the_reason_and_nothing_is_stored(
        app, client, login, token, province, make_person, queued,
        web_process_never_holds_the_gallery):
    app.config["DUPLICATE_CHECK_WAIT"] = 1
    headers = token("off_a")
    known, newcomer = make_person(full_name="Test Obama"), make_person(full_name="Bản ghi mới")
    # The gallery is empty: there is nothing to be a duplicate of, and no worker is asked.
    assert enrol(client, headers, known.id, "obama/1.jpg").status_code == 201

    response = enrol(client, headers, newcomer.id, "obama/4.jpg")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "duplicate_check_unavailable"
    document = client.get("/api/v1/openapi.json").json
    assert "503" in document["paths"]["/api/v1/persons/{person_id}/photos"]["post"]["responses"]
    login("off_a")
    client.get("/lang/en")
    page = client.post(f"/persons/{newcomer.id}/photos/new", data={
        "photo": photo_file("obama/4.jpg")}, content_type="multipart/form-data")
    assert page.status_code == 503
    assert "no search worker answered in time" in page.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalars(select(Photo).where(Photo.person_id == newcomer.id)).all()
    assert "face_gallery" not in app.extensions


def test_the_worker_loads_the_face_models_when_it_starts_not_in_its_first_job(queued, tmp_path):
    # Web processes load face_recognition (and dlib's models) on their first face operation; a
    # search worker loads them before it listens, so no search waits for them.
    log = tmp_path / "worker.log"
    command = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]
    with running(command, queued, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        libraries = Path(f"/proc/{worker.pid}/maps").read_text()
        assert "_dlib_pybind11" in libraries, log.read_text()[-3000:]
        assert worker.poll() is None, log.read_text()[-3000:]
