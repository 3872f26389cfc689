"""Every process keeps the gallery in step: changes made through one are seen by another.

The changes are those of issue 10: add a photo, delete it, reindex, close the case, reopen it.
"""

import pytest
import requests

from tests.conftest import FACES
from tests.stack.processes import flask_command, gunicorn, stack_env

pytestmark = pytest.mark.skipif(not FACES.is_dir(), reason=f"sample faces absent at {FACES}")


def search(url: str, headers: dict) -> requests.Response:
    with (FACES / "obama/2.jpg").open("rb") as photo:
        return requests.post(f"{url}/api/v1/matches", headers=headers, timeout=60,
                             data={"purpose": "xác minh", "case_ref": "VV-1"},
                             files={"photo": ("field.jpg", photo, "image/jpeg")})


def candidates(url: str, headers: dict) -> list[int]:
    response = search(url, headers)
    assert response.status_code == 201, response.text[:2000]
    return [c["person_id"] for face in response.json()["faces"] for c in face["candidates"]]


def enrol(url: str, headers: dict, person_id: int) -> int:
    with (FACES / "obama/1.jpg").open("rb") as photo:
        response = requests.post(f"{url}/api/v1/persons/{person_id}/photos", headers=headers,
                                 files={"photo": ("p.jpg", photo, "image/jpeg")}, timeout=60)
    assert response.status_code == 201, response.text[:2000]
    return response.json()["id"]


def test_a_second_process_sees_every_gallery_change_of_the_first(
        app, database_url, province, make_person, token, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("processes are tested on PostgreSQL, the production database")
    env = stack_env(WANTED_ENV="test", WANTED_DATABASE_URL=database_url,
                    WANTED_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"),
                    WANTED_STORAGE_DIR=app.config["STORAGE_DIR"])
    officer, supervisor = token("off_a"), token("sup_a")
    person = make_person(full_name="Test Obama")
    with gunicorn(env, tmp_path / "a.log") as first, gunicorn(env, tmp_path / "b.log") as second:
        assert candidates(second, officer) == []  # the second process holds its gallery now

        photo_id = enrol(first, officer, person.id)
        assert candidates(second, officer) == [person.id]

        response = requests.delete(f"{first}/api/v1/persons/{person.id}/photos/{photo_id}",
                                   headers=officer, timeout=30)
        assert response.status_code == 204
        assert candidates(second, officer) == []

        enrol(first, officer, person.id)
        assert candidates(second, officer) == [person.id]
        reindexed = flask_command(env, "faces", "reindex")
        assert reindexed.returncode == 0, reindexed.stderr
        # The second process held face ids that the reindex replaced: it must not use them.
        assert candidates(second, officer) == [person.id]

        response = requests.post(f"{first}/api/v1/persons/{person.id}/status", headers=supervisor,
                                 json={"status": "arrested", "reason": "bắt được",
                                       "document_number": "BB-1", "document_date": "2025-01-02"},
                                 timeout=30)
        assert response.status_code == 200, response.text[:2000]
        assert candidates(second, officer) == []

        response = requests.post(f"{first}/api/v1/persons/{person.id}/status", headers=supervisor,
                                 json={"status": "wanted", "reason": "quyết định bị thu hồi"},
                                 timeout=30)
        assert response.status_code == 200, response.text[:2000]
        assert candidates(second, officer) == [person.id]


def test_a_removed_photo_leaves_the_page_and_only_its_unit_may_remove_it(
        app, client, login, province, make_person, token):
    from tests.matching.test_search_flow import enrol as enrol_here

    person = make_person(full_name="Test Obama")
    photo_id = enrol_here(client, token("off_a"), person.id, "obama/1.jpg").json["id"]
    response = client.delete(f"/api/v1/persons/{person.id}/photos/{photo_id}",
                             headers=token("off_b"))
    assert response.status_code == 403
    other = make_person(full_name="Someone Else")
    response = client.delete(f"/api/v1/persons/{other.id}/photos/{photo_id}",
                             headers=token("off_a"))
    assert response.status_code == 404

    login("off_a")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert f"/photos/{photo_id}" in page
    response = client.post(f"/persons/{person.id}/photos/{photo_id}/delete",
                           follow_redirects=True)
    assert response.status_code == 200
    assert f"/photos/{photo_id}" not in response.get_data(as_text=True)
