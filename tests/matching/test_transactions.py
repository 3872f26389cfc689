"""Slow work outside transactions; a photo's file only when its row commits; one-use confirms."""

import re
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import FACES
from tests.matching.test_search_flow import match
from wanted.extensions import db
from wanted.matching import engine
from wanted.matching.models import Photo
from wanted.storage import photo_store, put_on_commit

pytestmark = pytest.mark.skipif(not FACES.is_dir(), reason=f"sample faces absent at {FACES}")


def stored_files(app) -> list[Path]:
    return sorted(Path(app.config["STORAGE_DIR"]).glob("??/??/*.jpg"))


def staged_files(app) -> list[Path]:
    return sorted(Path(app.config["STORAGE_DIR"]).glob("staging/*.jpg"))


def upload_for_confirmation(client, person_id: int) -> str:
    response = client.post(f"/persons/{person_id}/photos/new", data={
        "photo": ((FACES / "obama/1.jpg").open("rb"), "p.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    return re.search(r'name="upload" type="hidden" value="([^"]+)"',
                     response.get_data(as_text=True)).group(1)


def test_a_confirmation_adds_the_photo_once_and_a_replay_is_refused(
        app, client, login, province, make_person):
    person = make_person(full_name="Test Obama")
    login("off_a")
    upload = upload_for_confirmation(client, person.id)
    assert stored_files(app) == [] and len(staged_files(app)) == 1  # nothing stored unconfirmed

    first = client.post(f"/persons/{person.id}/photos/confirm", data={"upload": upload},
                        follow_redirects=True)
    assert first.status_code == 200
    assert len(stored_files(app)) == 1 and staged_files(app) == []
    with client.session_transaction() as session:
        session["lang"] = "en"
    replay = client.post(f"/persons/{person.id}/photos/confirm", data={"upload": upload},
                         follow_redirects=True)
    assert replay.status_code == 200
    assert "This photo was already added" in replay.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Photo).filter_by(person_id=person.id).count() == 1


def test_an_unconfirmed_upload_is_swept_and_a_rolled_back_photo_leaves_no_file(
        app, client, login, province, make_person, runner):
    person = make_person(full_name="Test Obama")
    login("off_a")
    upload_for_confirmation(client, person.id)
    result = runner.invoke(args=["faces", "sweep", "--older-than", "0"])
    assert "Removed 1 staged and 0 unreferenced file(s)." in result.output
    assert staged_files(app) == [] and stored_files(app) == []

    digest = "ab" * 32
    with app.app_context():
        put_on_commit(db.session, b"bytes of a photo", digest)
        db.session.add(Photo(sha256=digest, kind="field"))
        db.session.flush()
        db.session.rollback()
        assert stored_files(app) == [] and staged_files(app) == []
        put_on_commit(db.session, b"bytes of a photo", digest)
        db.session.commit()
        assert photo_store().get(digest) == b"bytes of a photo"
    # A file no photo row names (its row was never committed) is a leftover too.
    result = runner.invoke(args=["faces", "sweep", "--older-than", "0"])
    assert "Removed 0 staged and 1 unreferenced file(s)." in result.output


def test_other_requests_write_while_a_face_search_encodes(
        app, client, token, province, monkeypatch):
    encoding, release = threading.Event(), threading.Event()
    real = engine.find_faces

    def slow_find_faces(image, **options):
        encoding.set()
        release.wait(20)
        return real(image, **options)

    monkeypatch.setattr(engine, "find_faces", slow_find_faces)
    headers = token("off_a")
    answers = {}
    searching = threading.Thread(target=lambda: answers.setdefault(
        "search", match(app.test_client(), headers, "obama/2.jpg")))
    searching.start()
    try:
        assert encoding.wait(20)
        started = time.monotonic()
        # Every API call writes an audit event: it needs the write lock the encode must not hold.
        response = app.test_client().get("/api/v1/persons?q=nguyen", headers=token("off_b"))
        waited = time.monotonic() - started
    finally:
        release.set()
        searching.join(60)
    assert response.status_code == 200
    assert waited < 3, f"a registry search waited {waited:.1f} s behind an encode"
    assert answers["search"].status_code == 201
