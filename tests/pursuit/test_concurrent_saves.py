"""Work on a person while another save of the same person commits: no 5xx, nothing lost.

`another_save_lands_first` makes the race deterministic: once the request holds the person, the
next flush with changes is preceded by another save of the person (its version moves), as when
two officers save at the same moment.
"""

import io
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from tests.conftest import FACES
from tests.public.conftest import jpeg_bytes
from wanted.extensions import db
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow
from wanted.validation import local_zone

OUTREACH = {"contact_name": "Lê Thị Hoa", "relation": "mẹ", "channel": "visit",
            "outcome": "will_persuade", "notes": "hứa khuyên con ra đầu thú"}
ATTEMPT = {"location": "chợ Tân Lập", "outcome": "not_found", "notes": "đã rời đi"}
TIP = {"source": "officer", "location": "bến xe Nam Hà", "text": "thấy ở bến xe"}
CLOSE = {"status": "arrested", "reason": "Bắt giữ tại nhà", "document_number": "12/BB-BG",
         "document_date": "2025-06-02"}


@pytest.fixture
def another_save_lands_first(app) -> Iterator[Callable[[int], None]]:
    """Arm the race for a person id: it fires once, in the next flush that has changes."""
    armed: dict[str, int] = {}

    def bump(session: Session, _context, _instances) -> None:
        person_id = armed.get("person")
        if person_id is None or (WantedPerson, (person_id,), None) not in session.identity_map:
            return
        del armed["person"]
        table = WantedPerson.__table__
        session.connection().execute(update(table).where(table.c.id == person_id)
                                     .values(version=table.c.version + 1))

    event.listen(Session, "before_flush", bump)
    yield lambda person_id: armed.update(person=person_id)
    event.remove(Session, "before_flush", bump)
    assert not armed, "the race was armed but never fired"


@pytest.fixture
def quiet_person(app, make_person) -> Callable[..., WantedPerson]:
    """Create a person whose last activity was two days ago, so that new work moves it."""

    def make(**overrides) -> WantedPerson:
        person = make_person(**overrides)
        with app.app_context():
            table = WantedPerson.__table__
            db.session.execute(update(table).where(table.c.id == person.id).values(
                last_activity_at=utcnow() - timedelta(days=2)))
            db.session.commit()
        return person

    return make


def timeline(client, token, person_id: int, kind: str) -> list[dict]:
    items = client.get(f"/api/v1/persons/{person_id}/timeline", headers=token("off_a")).json
    return [item for item in items["items"] if item["kind"] == kind]


def version_of(client, token, person_id: int) -> int:
    return client.get(f"/api/v1/persons/{person_id}", headers=token("off_a")).json["version"]


# --- logged work is kept: it is not an edit of the record ------------------------------------

LOGGED = [("outreach", OUTREACH, "outreach", "notes"), ("attempts", ATTEMPT, "attempt", "notes"),
          ("tips", TIP, "tip", "text")]


@pytest.mark.parametrize(("path", "body", "kind", "field"), LOGGED)
def test_api_work_logged_while_another_save_lands_is_kept(client, province, quiet_person, token,
                                                          another_save_lands_first, path, body,
                                                          kind, field):
    person = quiet_person()
    another_save_lands_first(person.id)
    response = client.post(f"/api/v1/persons/{person.id}/{path}", json=body,
                           headers=token("off_a"))
    assert response.status_code == 201, response.json
    assert [entry[field] for entry in timeline(client, token, person.id, kind)] == [body[field]]
    assert version_of(client, token, person.id) == 2  # the other save's, untouched


TIME_FIELD = {"outreach": "contacted_at", "attempt": "attempted_at", "tip": "received_at"}


def local_minute(app) -> str:
    with app.app_context():
        return datetime.now(local_zone()).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("path", "body", "kind", "field"), LOGGED)
def test_page_work_logged_while_another_save_lands_is_kept(client, app, province, quiet_person,
                                                           token, login, another_save_lands_first,
                                                           path, body, kind, field):
    person = quiet_person()
    login("off_a")
    another_save_lands_first(person.id)
    response = client.post(f"/persons/{person.id}/log/{kind}",
                           data={**body, TIME_FIELD[kind]: local_minute(app)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert [entry[field] for entry in timeline(client, token, person.id, kind)] == [body[field]]


def test_logging_work_leaves_the_version_an_editor_holds(client, province, quiet_person, token):
    person = quiet_person()
    seen = client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).headers["ETag"]
    logged = client.post(f"/api/v1/persons/{person.id}/outreach", json=OUTREACH,
                         headers=token("sup_a"))
    assert logged.status_code == 201, logged.json
    response = client.patch(f"/api/v1/persons/{person.id}", json={"marks": "sẹo ở cằm"},
                            headers={**token("off_a"), "If-Match": seen})
    assert response.status_code == 200, response.json


def test_logged_work_still_ends_the_quiet(client, province, quiet_person, token):
    older, newer = quiet_person(full_name="Ngô Văn Lặng"), quiet_person(full_name="Lý Văn Im")
    quietest = client.get("/api/v1/persons?sort=quiet", headers=token("off_a")).json["items"]
    assert [p["id"] for p in quietest] == [older.id, newer.id]
    client.post(f"/api/v1/persons/{older.id}/attempts", json=ATTEMPT, headers=token("off_a"))
    quietest = client.get("/api/v1/persons?sort=quiet", headers=token("off_a")).json["items"]
    assert [p["id"] for p in quietest] == [newer.id, older.id]


# --- settling a tip, raising a face-match hit ------------------------------------------------

def test_api_tip_settled_while_another_save_lands_is_kept(client, province, quiet_person, token,
                                                          another_save_lands_first):
    person = quiet_person()
    tip = client.post(f"/api/v1/persons/{person.id}/tips", json=TIP, headers=token("off_a")).json
    another_save_lands_first(person.id)
    response = client.patch(f"/api/v1/tips/{tip['id']}", json={"status": "verifying"},
                            headers=token("off_a"))
    assert response.status_code == 200, response.json
    assert timeline(client, token, person.id, "tip")[0]["status"] == "verifying"


def test_page_tip_settled_while_another_save_lands_is_kept(client, province, quiet_person, token,
                                                           login, another_save_lands_first):
    person = quiet_person()
    tip = client.post(f"/api/v1/persons/{person.id}/tips", json=TIP, headers=token("off_a")).json
    login("off_a")
    another_save_lands_first(person.id)
    response = client.post(f"/tips/{tip['id']}/settle", data={"status": "confirmed"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert timeline(client, token, person.id, "tip")[0]["status"] == "confirmed"


def post_photo(client, url: str, headers: dict, photo: bytes, **form):
    return client.post(url, headers=headers, content_type="multipart/form-data",
                       data={"photo": (io.BytesIO(photo), "face.jpg"), **form})


def test_a_hit_raised_while_another_save_lands_is_kept(client, province, quiet_person, token,
                                                       another_save_lands_first):
    person = quiet_person()
    headers = token("off_b")
    post_photo(client, f"/api/v1/persons/{person.id}/photos", token("off_a"),
               (FACES / "John_Salley" / "1.jpg").read_bytes())
    search = post_photo(client, "/api/v1/matches", headers,
                        (FACES / "John_Salley" / "2.jpg").read_bytes(),
                        purpose="tuần tra", case_ref="VV-1").json
    another_save_lands_first(person.id)
    review = client.post(f"/api/v1/matches/{search['id']}/reviews", headers=headers,
                         json={"face": 0, "person_id": person.id, "decision": "candidate"})
    assert review.status_code == 201, review.json
    assert [tip["id"] for tip in timeline(client, token, person.id, "tip")] == [
        review.json["tip_id"]]


# --- a status change that loses the race: refused, nothing lost -------------------------------

def test_api_status_change_that_loses_the_race_is_409(client, province, make_person, token,
                                                      another_save_lands_first):
    person = make_person(unit="A")
    another_save_lands_first(person.id)
    response = client.post(f"/api/v1/persons/{person.id}/status", json=CLOSE,
                           headers=token("sup_a"))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "stale_version"
    assert client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json[
        "status"] == "wanted"


def test_page_status_change_that_loses_the_race_shows_the_form_again(
        client, province, make_person, token, login, another_save_lands_first):
    person = make_person(unit="A")
    login("sup_a")  # in Vietnamese, the default language
    another_save_lands_first(person.id)
    response = client.post(f"/persons/{person.id}/status", data={**CLOSE, "confirmed": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Người khác vừa lưu hồ sơ đối tượng này trong lúc bạn thao tác" in page
    assert 'data-testid="status-form"' in page
    assert CLOSE["reason"] in page and CLOSE["document_number"] in page
    assert client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json[
        "status"] == "wanted"



@pytest.mark.parametrize("prefix", ["/api/v1/race", "/race"])
def test_any_other_save_overtaken_is_refused_not_a_failure(app, client, province, make_person,
                                                           login, token, another_save_lands_first,
                                                           prefix):
    person = make_person(marks="sẹo ở cằm")

    def edit_marks(person_id: int):
        # A write with no rule of its own for a race: the app-wide answer applies.
        db.session.get(WantedPerson, person_id).marks = "hình xăm rồng"
        db.session.commit()
        return "", 204

    app.add_url_rule(f"{prefix}/<int:person_id>", "race", edit_marks, methods=["POST"])
    login("off_a")
    client.get("/lang/en")
    another_save_lands_first(person.id)
    response = client.post(f"{prefix}/{person.id}", headers=token("off_a"))
    assert response.status_code == 409
    if prefix.startswith("/api/"):  # the API speaks Vietnamese
        assert response.json["error"]["code"] == "stale_version"
        assert response.json["error"]["message"].startswith("Người khác vừa lưu hồ sơ")
    else:
        assert "Someone else saved this person meanwhile, so nothing of yours was saved." in (
            response.get_data(as_text=True))
    assert client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json[
        "marks"] == "sẹo ở cằm"


# --- writes that never touch the person's row: checked, unaffected ----------------------------

def test_writes_beside_the_record_succeed_while_another_save_lands(
        client, province, make_person, token, another_save_lands_first):
    person = make_person(unit="A")
    url = f"/api/v1/persons/{person.id}"
    calls = [
        lambda: client.post(f"{url}/validation", json={"note": "đã rà"}, headers=token("off_a")),
        lambda: post_photo(client, f"{url}/photos", token("off_a"), jpeg_bytes()),
        lambda: client.post(f"{url}/publication", headers=token("sup_a"), json={
            "published": True, "area": "huyện Sơn Hà", "contact": "0203 111 222"}),
        lambda: client.post(f"{url}/publication", headers=token("sup_a"),
                            json={"published": False, "reason": "đã bắt"}),
    ]
    for call in calls:
        another_save_lands_first(person.id)
        response = call()
        assert response.status_code in (200, 201), response.json
    photo = client.get(f"{url}/timeline", headers=token("off_a")).json["items"]
    photo_id = next(item["id"] for item in photo if item["kind"] == "photo")
    another_save_lands_first(person.id)
    assert client.delete(f"{url}/photos/{photo_id}", headers=token("off_a")).status_code == 204


def test_page_reassignment_that_loses_the_race_is_refused(client, province, make_person, token,
                                                          login, another_save_lands_first):
    person = make_person(unit="A")
    login("sup_a")
    another_save_lands_first(person.id)
    response = client.post(f"/persons/{person.id}/assign", data={"officer": "sup_a"})
    assert response.status_code == 412
    assert "Người khác đã lưu hồ sơ này trước bạn" in response.get_data(as_text=True)
    assert client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json[
        "assigned_officer"] == "off_a"
