"""Safe actions: confirmation pages, closure documents, reopening, two-person hit verification."""

import hashlib

import numpy as np
import pytest
from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.errors import Forbidden, ValidationFailed
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.matching.models import MatchCandidate, MatchFace, MatchReview, MatchSearch, Photo
from wanted.pursuit import services
from wanted.pursuit.models import StatusChange, Tip
from wanted.registry.models import WantedPerson

CLOSE = {"status": "arrested", "reason": "Bắt giữ tại nhà", "document_number": "12/BB-BG",
         "document_date": "2025-06-02"}


def close(app, person_id: int, status: str = "arrested") -> None:
    with app.app_context():
        services.change_status(auth.user_by_username("sup_a"),
                               db.session.get(WantedPerson, person_id), status, "r", "1/BB",
                               document_date="2025-06-02")
        db.session.commit()


def denied(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.outcome == "denied")).all()


# --- closing: a confirmation that spells out what will happen, and a document ---------------

def test_closing_asks_for_confirmation_and_changes_nothing_until_then(client, app, province,
                                                                      make_person, login):
    person = make_person("off_a", unit="A", full_name="Đặng Văn Tới")
    login("sup_a")
    client.get("/lang/en")
    asked = client.post(f"/persons/{person.id}/status", data=CLOSE)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'data-testid="confirmation"' in page
    assert "Đặng Văn Tới moves from Wanted to Arrested." in page
    assert "leaves the face-matching gallery at once" in page
    assert "12/BB-BG of 2 Jun 2025" in page
    assert 'name="confirmed" value="1"' in page and 'value="Bắt giữ tại nhà"' in page
    with app.app_context():
        assert db.session.get(WantedPerson, person.id).status == "wanted"
    done = client.post(f"/persons/{person.id}/status", data={**CLOSE, "confirmed": "1"})
    assert done.status_code == 302
    with app.app_context():
        change = db.session.scalars(select(StatusChange)).one()
        assert (change.to_status, change.document_number, change.document_date.isoformat()) == (
            "arrested", "12/BB-BG", "2025-06-02")


def test_withdrawal_confirmation_says_the_notice_becomes_a_withdrawal(client, province,
                                                                      make_person, login):
    person = make_person("off_a", unit="A")
    login("sup_a")
    client.get("/lang/en")
    page = client.post(f"/persons/{person.id}/status", data={
        **CLOSE, "status": "withdrawn"}).get_data(as_text=True)
    assert "the printed notice becomes a notice of withdrawal" in page


@pytest.mark.parametrize(("missing", "field"), [("document_number", "document_number"),
                                                ("document_date", "document_date")])
def test_every_closure_needs_its_document_through_the_api(client, province, make_person, token,
                                                          missing, field):
    person = make_person("off_a", unit="A")
    body = {k: v for k, v in CLOSE.items() if k != missing}
    response = client.post(f"/api/v1/persons/{person.id}/status", headers=token("sup_a"),
                           json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_a_closing_document_cannot_be_dated_in_the_future(client, province, make_person, token):
    person = make_person("off_a", unit="A")
    response = client.post(f"/api/v1/persons/{person.id}/status", headers=token("sup_a"),
                           json={**CLOSE, "document_date": "2099-01-01"})
    assert response.status_code == 422
    assert "document_date" in response.json["error"]["fields"]


# --- reopening ----------------------------------------------------------------------------------

def test_a_supervisor_reopens_with_a_reason_on_the_timeline_and_audited(client, app, province,
                                                                        make_person, login):
    person = make_person("off_a", unit="A", full_name="Lò Văn Mở")
    close(app, person.id, "withdrawn")
    login("sup_a")
    client.get("/lang/en")
    missing = client.post(f"/persons/{person.id}/status", data={
        "status": "wanted", "reason": "", "confirmed": "1"})
    assert missing.status_code == 422
    asked = client.post(f"/persons/{person.id}/status", data={
        "status": "wanted", "reason": "Quyết định hủy bỏ bị thu hồi"}).get_data(as_text=True)
    assert "Reopen the case of Lò Văn Mở?" in asked
    assert "returns to the face-matching gallery" in asked
    page = client.post(f"/persons/{person.id}/status", data={
        "status": "wanted", "reason": "Quyết định hủy bỏ bị thu hồi", "confirmed": "1"},
        follow_redirects=True).get_data(as_text=True)
    assert "Case reopened" in page and "Quyết định hủy bỏ bị thu hồi" in page
    with app.app_context():
        assert db.session.get(WantedPerson, person.id).status == "wanted"
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "person.reopen")).one()
        assert event.details["reason"] == "Quyết định hủy bỏ bị thu hồi"
        assert event.details["from"] == "withdrawn" and event.actor_name == "sup_a"


@pytest.mark.parametrize("username", ["off_a", "sup_b", "admin"])
def test_only_a_supervisor_of_the_owning_unit_reopens(app, province, make_person, username):
    person = make_person("off_a", unit="A")
    close(app, person.id)
    with app.app_context():
        with pytest.raises(Forbidden):
            services.change_status(auth.user_by_username(username),
                                   db.session.get(WantedPerson, person.id), "wanted", "x", "")


def test_reopening_needs_a_reason(app, province, make_person):
    person = make_person("off_a", unit="A")
    close(app, person.id)
    with app.app_context(), pytest.raises(ValidationFailed) as caught:
        services.change_status(auth.user_by_username("sup_a"),
                               db.session.get(WantedPerson, person.id), "wanted", " ", "")
    assert "reason" in caught.value.fields


def enrol_fake_face(app, person_id: int, seed: int) -> list[float]:
    """Give a person a face with a made-up encoding: the gallery only sees numbers."""
    encoding = np.random.default_rng(seed).normal(size=128)
    encoding = (encoding / np.linalg.norm(encoding) * 0.5).tolist()
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        photo = Photo(sha256=hashlib.sha256(str(seed).encode()).hexdigest(), person=person,
                      kind="registry", width=10, height=10)
        db.session.add(photo)
        db.session.flush()
        matching.add_faces(photo, [type("F", (), {"box": (0, 10, 10, 0), "model": "test",
                                                  "quality": {}, "encoding": encoding})()])
        db.session.commit()
    return encoding


def found(app, encoding: list[float]) -> list[int]:
    with app.app_context():
        return [hit.person_id for hit in matching.current_gallery().search(
            encoding, k=5, max_distance=0.3)]


def test_a_reopened_person_returns_to_a_running_gallery(app, province, make_person):
    person = make_person("off_a", unit="A")
    encoding = enrol_fake_face(app, person.id, seed=7)
    assert found(app, encoding) == [person.id]
    close(app, person.id)
    assert found(app, encoding) == []
    with app.app_context():
        services.change_status(auth.user_by_username("sup_a"),
                               db.session.get(WantedPerson, person.id), "wanted", "sai sót", "")
        db.session.commit()
    assert found(app, encoding) == [person.id]


# --- two-person verification of hits ----------------------------------------------------------

def make_search(app, person_id: int, uploader: str = "off_p") -> int:
    """A finished search by `uploader` with the person as candidate of face 0."""
    with app.app_context():
        search = MatchSearch(uploaded_by=auth.user_by_username(uploader), purpose="tuần tra",
                             case_ref="VV-9", status="done", thresholds={
                                 "strong": 0.4, "possible": 0.5, "weak": 0.6})
        face = MatchFace(search=search, index=0, top=0, right=10, bottom=10, left=0,
                         quality={"size": 80})
        MatchCandidate(face=face, person_id=person_id, rank=0, distance=0.38, band="strong")
        db.session.add(search)
        db.session.commit()
        return search.id


def raise_hit(client, search_id: int, person_id: int, confirmed: bool = True):
    data = {"face": "0", "person_id": str(person_id), "decision": "candidate", "note": "giống"}
    return client.post(f"/matches/{search_id}/reviews",
                       data={**data, "confirmed": "1"} if confirmed else data)


def test_review_form_starts_with_no_decision(client, app, province, make_person, login):
    person = make_person("off_a", unit="A")
    search_id = make_search(app, person.id)
    login("off_p")
    client.get("/lang/en")
    page = client.get(f"/matches/{search_id}").get_data(as_text=True)
    assert '<option value="" selected>— choose —</option>' in page
    response = client.post(f"/matches/{search_id}/reviews", data={
        "face": "0", "person_id": str(person.id), "decision": ""}, follow_redirects=True)
    assert "Choose your review." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(MatchReview)).all() == []


def test_raising_a_hit_asks_for_confirmation_first(client, app, province, make_person, login):
    person = make_person("off_a", unit="A", full_name="Trịnh Văn Khớp")
    search_id = make_search(app, person.id)
    login("off_p")
    client.get("/lang/en")
    asked = raise_hit(client, search_id, person.id, confirmed=False).get_data(as_text=True)
    assert "Raise a hit on Trịnh Văn Khớp?" in asked
    assert "Công an phường Đông Thành, the owning unit, is alerted at once" in asked
    assert "You cannot do so yourself." in asked
    with app.app_context():
        assert db.session.scalars(select(Tip)).all() == []
    assert raise_hit(client, search_id, person.id).status_code == 302
    with app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        assert (tip.source, tip.status, tip.logged_by.username) == ("match", "new", "off_p")


def test_the_raiser_cannot_settle_his_own_hit_and_is_audited(client, app, province,
                                                             make_person, login, token):
    person = make_person("off_a", unit="A")
    search_id = make_search(app, person.id, uploader="sup_a")
    login("sup_a")
    raise_hit(client, search_id, person.id)
    with app.app_context():
        tip_id = db.session.scalars(select(Tip.id)).one()
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="hit-own"' in page and 'data-testid="hit-confirm"' not in page
    assert client.post(f"/tips/{tip_id}/settle", data={
        "status": "verifying", "confirmed": "1"}).status_code == 403
    response = client.patch(f"/api/v1/tips/{tip_id}", headers=token("sup_a"),
                            json={"status": "confirmed"})
    assert response.status_code == 403 and response.json["error"]["code"] == "same_reviewer"
    assert [e.actor_name for e in denied(app, "tip.settle")] == ["sup_a", "sup_a"]
    response = client.patch(f"/api/v1/tips/{tip_id}", headers=token("off_a"),
                            json={"status": "dismissed"})
    assert response.status_code == 200 and response.json["status"] == "false"
    with app.app_context():
        assert db.session.get(Tip, tip_id).handled_by.username == "off_a"


def test_another_unit_cannot_settle_the_hit(client, app, province, make_person, token):
    person = make_person("off_a", unit="A")
    search_id = make_search(app, person.id)
    with app.app_context():
        search = db.session.get(MatchSearch, search_id)
        review = matching.review_candidate(auth.user_by_username("off_p"), search, 0, person.id,
                                           "candidate")
        db.session.commit()
        tip_id = review.tip_id
    response = client.patch(f"/api/v1/tips/{tip_id}", headers=token("off_b"),
                            json={"status": "confirmed"})
    assert response.status_code == 403


def test_the_same_reviewer_cannot_raise_the_same_hit_twice(client, app, province, make_person,
                                                           login, token):
    person = make_person("off_a", unit="A")
    search_id = make_search(app, person.id)
    login("off_p")
    assert raise_hit(client, search_id, person.id).status_code == 302
    again = raise_hit(client, search_id, person.id)
    assert again.status_code == 409
    api = client.post(f"/api/v1/matches/{search_id}/reviews", headers=token("off_p"),
                      json={"face": 0, "person_id": person.id, "decision": "candidate"})
    assert api.status_code == 409 and api.json["error"]["code"] == "hit_already_raised"
    assert len(denied(app, "match.review")) == 2
    with app.app_context():
        assert len(db.session.scalars(select(Tip)).all()) == 1


def test_hit_banner_leaves_when_the_case_closes(client, app, province, make_person, login):
    person = make_person("off_a", unit="A")
    search_id = make_search(app, person.id)
    login("off_p")
    raise_hit(client, search_id, person.id)
    login("off_a")
    assert 'data-testid="hit-banner"' in client.get("/").get_data(as_text=True)
    close(app, person.id)
    assert 'data-testid="hit-banner"' not in client.get("/").get_data(as_text=True)


def test_deactivating_an_account_is_confirmed_first(client, app, province, login):
    login("admin")
    client.get("/lang/en")
    user_id = province["off_b"].id
    page = client.post(f"/admin/users/{user_id}/active").get_data(as_text=True)
    assert "Every API token of the account is revoked at once." in page
    with app.app_context():
        assert auth.user_by_username("off_b").active
    client.post(f"/admin/users/{user_id}/active", data={"confirmed": "1"})
    with app.app_context():
        assert not auth.user_by_username("off_b").active
