"""Status changes: every allowed and forbidden move, who may make it, and what it leaves behind."""

from datetime import date

import pytest
from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.errors import Conflict, Forbidden, ValidationFailed
from wanted.extensions import db
from wanted.matching.services import gallery_version
from wanted.pursuit import services
from wanted.pursuit.models import StatusChange
from wanted.registry.models import STATUSES, WantedPerson

ALLOWED = {("wanted", "arrested"), ("wanted", "surrendered"), ("wanted", "deceased"),
           ("wanted", "withdrawn"), ("arrested", "cancelled"), ("surrendered", "cancelled"),
           ("deceased", "cancelled"), *((closed, "wanted") for closed in STATUSES
                                       if closed != "wanted")}
FORBIDDEN = sorted((a, b) for a in STATUSES for b in STATUSES if (a, b) not in ALLOWED)
# How to bring a fresh person to each status by allowed moves.
DOC_DATE = date(2025, 1, 2)
PATH = {"wanted": [], "arrested": ["arrested"], "surrendered": ["surrendered"],
        "deceased": ["deceased"], "withdrawn": ["withdrawn"],
        "cancelled": ["arrested", "cancelled"]}


def person_in(app, make_person, status: str) -> int:
    person_id = make_person("off_a", unit="A").id
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        for step in PATH[status]:
            services.change_status(auth.user_by_username("sup_a"), person, step, "setup", "QĐ-1",
                                   document_date=DOC_DATE)
        db.session.commit()
    return person_id


@pytest.mark.parametrize(("start", "end"), sorted(ALLOWED))
def test_allowed_transition_is_recorded(app, province, make_person, start, end):
    person_id = person_in(app, make_person, start)
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        version, gallery = person.version, gallery_version()
        change = services.change_status(auth.user_by_username("sup_a"), person, end,
                                        "Bắt theo lệnh", "12/QĐ-ĐN", document_date=DOC_DATE)
        db.session.commit()
        assert (change.from_status, change.to_status) == (start, end)
        assert change.unit_id == person.unit_id and change.changed_by.username == "sup_a"
        assert person.status == end and person.status_changed_at == change.changed_at
        assert person.version > version
        assert gallery_version() == gallery + 1


@pytest.mark.parametrize(("start", "end"), FORBIDDEN)
def test_forbidden_transition_is_a_conflict_with_the_reason(app, province, make_person,
                                                            start, end):
    person_id = person_in(app, make_person, start)
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        with pytest.raises(Conflict) as caught:
            services.change_status(auth.user_by_username("chief"), person, end, "x", "QĐ-2",
                                   document_date=DOC_DATE)
        assert start in caught.value.message
        db.session.rollback()
        assert db.session.get(WantedPerson, person_id).status == start


@pytest.mark.parametrize("username", ["off_a", "off_p", "sup_b", "admin"])
def test_only_a_supervisor_above_the_unit_closes_a_case(app, province, make_person, username):
    person_id = make_person("off_a", unit="A1").id
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        with pytest.raises(Forbidden) as caught:
            services.change_status(auth.user_by_username(username), person, "arrested", "x", "")
        assert caught.value.audit["action"] == "person.status"


@pytest.mark.parametrize("username", ["sup_a", "chief"])
def test_supervisors_of_the_unit_or_above_close_a_case(app, province, make_person, username):
    person_id = make_person("off_a", unit="A1").id
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        services.change_status(auth.user_by_username(username), person, "surrendered", "x",
                               "BB-1", document_date=DOC_DATE)
        db.session.commit()
        assert db.session.get(WantedPerson, person_id).status == "surrendered"


def test_cancelling_needs_the_decision_number(app, province, make_person):
    person_id = person_in(app, make_person, "arrested")
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        with pytest.raises(ValidationFailed) as caught:
            services.change_status(auth.user_by_username("sup_a"), person, "cancelled", "x", " ")
        assert "document_number" in caught.value.fields


def headers_and_person(app, make_person, token, username, unit="A"):
    person_id = make_person("off_a", unit=unit).id
    return token(username), person_id


def test_api_closes_a_case_and_the_person_says_so(client, app, province, make_person, token):
    headers, person_id = headers_and_person(app, make_person, token, "sup_a")
    response = client.post(f"/api/v1/persons/{person_id}/status", headers=headers,
                           json={"status": "arrested", "reason": "Bắt tại chợ",
                                 "document_number": "BB-7", "document_date": "2025-01-02"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "arrested"
    assert response.headers["ETag"] == f'"{response.json["version"]}"'
    listed = client.get("/api/v1/persons?status=arrested", headers=headers).json
    assert [p["id"] for p in listed["items"]] == [person_id]
    timeline = client.get(f"/api/v1/persons/{person_id}/timeline", headers=headers).json
    assert timeline["items"][0]["kind"] == "status"
    assert timeline["items"][0]["to_status"] == "arrested"
    assert timeline["items"][0]["by"] == "sup_a"


@pytest.mark.parametrize(("start", "end"), sorted(ALLOWED))
def test_api_allows_each_allowed_move(client, app, province, make_person, token, start, end):
    person_id = person_in(app, make_person, start)
    response = client.post(f"/api/v1/persons/{person_id}/status", headers=token("chief"),
                           json={"status": end, "reason": "r", "document_number": "9/QĐ",
                                 "document_date": "2025-01-02"})
    assert response.status_code == 200 and response.json["status"] == end


@pytest.mark.parametrize(("start", "end"), FORBIDDEN)
def test_api_refuses_each_forbidden_move(client, app, province, make_person, token, start, end):
    person_id = person_in(app, make_person, start)
    response = client.post(f"/api/v1/persons/{person_id}/status", headers=token("chief"),
                           json={"status": end, "reason": "r", "document_number": "9/QĐ",
                                 "document_date": "2025-01-02"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "transition_forbidden"
    assert start in response.json["error"]["message"]


@pytest.mark.parametrize("username", ["off_a", "sup_b", "off_b"])
def test_api_refuses_closing_to_others_and_audits_it(client, app, province, make_person, token,
                                                    username):
    headers, person_id = headers_and_person(app, make_person, token, username)
    response = client.post(f"/api/v1/persons/{person_id}/status", headers=headers,
                           json={"status": "arrested", "reason": "r"})
    assert response.status_code == 403
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "person.status", AuditEvent.outcome == "denied")).all()
        assert [(e.actor_name, e.object_id) for e in denied] == [(username, str(person_id))]
        assert db.session.get(WantedPerson, person_id).status == "wanted"
        assert not db.session.scalars(select(StatusChange)).all()


def test_api_cancel_without_document_is_422(client, app, province, make_person, token):
    person_id = person_in(app, make_person, "arrested")
    response = client.post(f"/api/v1/persons/{person_id}/status", headers=token("sup_a"),
                           json={"status": "cancelled", "reason": "đình nã"})
    assert response.status_code == 422
    assert "document_number" in response.json["error"]["fields"]


def test_api_unknown_status_is_422(client, app, province, make_person, token):
    headers, person_id = headers_and_person(app, make_person, token, "sup_a")
    response = client.post(f"/api/v1/persons/{person_id}/status", headers=headers,
                           json={"status": "escaped", "reason": "r"})
    assert response.status_code == 422 and "status" in response.json["error"]["fields"]


def test_status_page_closes_a_case_for_a_supervisor(client, app, province, make_person, login):
    person_id = make_person("off_a", unit="A").id
    login("off_a")
    page = client.get(f"/persons/{person_id}").get_data(as_text=True)
    assert 'data-testid="open-status"' not in page
    assert client.post(f"/persons/{person_id}/status", data={
        "status": "arrested", "reason": "r"}).status_code == 403
    client.post("/logout")
    login("sup_a")
    page = client.get(f"/persons/{person_id}").get_data(as_text=True)
    assert 'data-testid="open-status"' in page
    response = client.post(f"/persons/{person_id}/status", data={
        "status": "arrested", "reason": "Bắt giữ tại nhà", "document_number": "12/BB",
        "document_date": "2025-01-02", "confirmed": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-status="arrested"' in page and "Bắt giữ tại nhà" in page
    assert "12/BB" in page and "02/01/2025" in page


def test_status_page_explains_the_missing_document(client, app, province, make_person, login):
    person_id = person_in(app, make_person, "surrendered")
    login("sup_a")
    client.get("/lang/en")
    response = client.post(f"/persons/{person_id}/status", data={
        "status": "cancelled", "reason": "Đình nã", "confirmed": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Closing a case needs the number of its document." in page
    assert "Closing a case needs the date of its document." in page
    assert "Đình nã</textarea>" in page
