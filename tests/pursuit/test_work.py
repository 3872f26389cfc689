"""Outreach, attempts and tips: logging them, unit scope, the timeline, follow-ups and hits."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.matching.models import MatchCandidate, MatchFace, MatchReview, MatchSearch
from wanted.pursuit import services
from wanted.pursuit.models import Tip
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow

OUTREACH = {"contacted_at": "2025-03-01T09:30", "contact_name": "Lê Thị Hoa",
            "relation": "mẹ đẻ", "channel": "visit", "outcome": "will_persuade",
            "notes": "Hứa khuyên con ra đầu thú", "follow_up_on": "2025-03-15"}
ATTEMPT = {"attempted_at": "2025-03-02T05:00", "location": "chợ Tân Lập", "outcome": "escaped",
           "notes": "Bỏ chạy về hướng đồi"}
TIP = {"received_at": "2025-03-03T20:00", "source": "public", "location": "bến xe",
       "text": "Thấy đối tượng ở bến xe"}


@pytest.mark.parametrize(("path", "body"), [("outreach", OUTREACH), ("attempts", ATTEMPT),
                                            ("tips", TIP)])
def test_officer_of_the_unit_logs_work_and_activity_moves(client, app, province, make_person,
                                                         token, path, body):
    person = make_person("off_a", unit="A1")
    response = client.post(f"/api/v1/persons/{person.id}/{path}", headers=token("off_a"),
                           json=body)
    assert response.status_code == 201, response.json
    assert response.json["by"] == "off_a"
    # Local time 2025-03-0xTHH:MM in Asia/Ho_Chi_Minh is seven hours ahead of UTC.
    local = datetime.fromisoformat(next(v for k, v in body.items() if k.endswith("_at")))
    assert response.json["at"] == (local - timedelta(hours=7)).isoformat() + "Z"
    with app.app_context():
        # The person was created just now, so an older event leaves the last activity as is.
        assert db.session.get(WantedPerson, person.id).last_activity_at > local


@pytest.mark.parametrize(("username", "path"), [
    (user, path) for user in ("off_b", "sup_b", "admin") for path in ("outreach", "attempts")
] + [("admin", "tips")])
def test_others_may_not_log_work_and_are_audited(client, app, province, make_person, token,
                                                 username, path):
    person = make_person("off_a", unit="A")
    body = {"outreach": OUTREACH, "attempts": ATTEMPT, "tips": TIP}[path]
    response = client.post(f"/api/v1/persons/{person.id}/{path}", headers=token(username),
                           json=body)
    assert response.status_code == 403
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent).where(
            AuditEvent.outcome == "denied", AuditEvent.object_id == str(person.id))).all()
        assert [e.actor_name for e in denied] == [username]
        assert [e["kind"] for e in services.timeline(
            db.session.get(WantedPerson, person.id))] == ["registered"]


def test_parent_unit_officer_may_log_work(client, province, make_person, token):
    person = make_person("off_a", unit="A1")
    response = client.post(f"/api/v1/persons/{person.id}/attempts", headers=token("off_p"),
                           json=ATTEMPT)
    assert response.status_code == 201


def test_bad_input_names_each_field(client, province, make_person, token):
    person = make_person("off_a")
    response = client.post(f"/api/v1/persons/{person.id}/outreach", headers=token("off_a"),
                           json={"contacted_at": "yesterday", "channel": "pigeon",
                                 "follow_up_on": "15/03/2025", "colour": "red"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"contacted_at", "channel", "outcome",
                                                     "follow_up_on", "colour"}
    future = (utcnow() + timedelta(days=2)).isoformat() + "Z"
    response = client.post(f"/api/v1/persons/{person.id}/tips", headers=token("off_a"),
                           json={"received_at": future, "source": "public", "text": ""})
    assert set(response.json["error"]["fields"]) == {"received_at", "text"}


def add_review(app, person_id: int, reviewed_at: datetime) -> None:
    with app.app_context():
        officer = auth.user_by_username("off_a")
        search = MatchSearch(uploaded_by=officer, purpose="tuần tra", case_ref="VV-1")
        face = MatchFace(search=search, index=0, top=0, right=10, bottom=10, left=0)
        candidate = MatchCandidate(face=face, person_id=person_id, rank=0, distance=0.41,
                                   band="strong")
        db.session.add(MatchReview(candidate=candidate, decision="candidate", note="giống",
                                   reviewer=officer, reviewed_at=reviewed_at))
        db.session.commit()


def test_timeline_holds_every_kind_newest_first(client, app, province, make_person, token):
    person = make_person("off_a")
    headers = token("off_a")
    client.post(f"/api/v1/persons/{person.id}/outreach", headers=headers, json=OUTREACH)
    client.post(f"/api/v1/persons/{person.id}/attempts", headers=headers, json=ATTEMPT)
    client.post(f"/api/v1/persons/{person.id}/tips", headers=headers, json=TIP)
    add_review(app, person.id, datetime(2025, 3, 4, 1, 0))
    client.post(f"/api/v1/persons/{person.id}/status", headers=token("sup_a"),
                json={"status": "surrendered", "reason": "ra đầu thú",
                      "document_number": "BB-1", "document_date": "2025-03-05"})
    items = client.get(f"/api/v1/persons/{person.id}/timeline", headers=headers).json["items"]
    assert [i["kind"] for i in items] == ["status", "registered", "review", "tip", "attempt",
                                          "outreach"]
    assert [i["by"] for i in items] == ["sup_a", "off_a", "off_a", "off_a", "off_a", "off_a"]
    assert items[2]["decision"] == "candidate" and items[2]["distance"] == 0.41
    assert items[5]["follow_up_on"] == "2025-03-15"


def test_person_page_shows_forms_and_timeline_to_the_unit(client, province, make_person, login):
    person = make_person("off_a")
    login("off_a")
    response = client.post(f"/persons/{person.id}/log/attempt", data={
        "attempted_at": "2025-03-02T05:00", "location": "chợ Tân Lập", "officers": "Tổ 3",
        "outcome": "not_found", "notes": "Đối tượng đã rời đi"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="open-outreach"' in page
    assert "Đối tượng đã rời đi" in page and 'data-kind="attempt"' in page
    client.post("/logout")
    login("off_b")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "Đối tượng đã rời đi" in page
    assert 'data-testid="open-outreach"' not in page
    assert client.post(f"/persons/{person.id}/log/attempt", data={
        "attempted_at": "2025-03-02T05:00", "outcome": "not_found"}).status_code == 403


def test_log_form_shows_errors_by_field(client, province, make_person, login):
    person = make_person("off_a")
    login("off_a")
    response = client.post(f"/persons/{person.id}/log/tip", data={
        "received_at": "2025-03-03T20:00", "source": "public", "text": ""})
    assert response.status_code == 422
    assert 'data-field="text"' in response.get_data(as_text=True)


def test_followups_list_due_and_overdue_and_mark_done(client, app, province, make_person,
                                                      login, token):
    person = make_person("off_a", full_name="Trần Văn Tý")
    closed = make_person("off_a", full_name="Phạm Văn Đóng")
    with app.app_context():
        today = services.local_today()
    for target, follow_up, note in ((person, today - timedelta(days=3), "quá hạn"),
                                    (person, today + timedelta(days=5), "chưa đến"),
                                    (closed, today - timedelta(days=1), "đã đóng")):
        client.post(f"/api/v1/persons/{target.id}/outreach", headers=token("off_a"), json={
            **OUTREACH, "contacted_at": (today - timedelta(days=10)).isoformat() + "T08:00",
            "follow_up_on": follow_up.isoformat(), "notes": note})
    client.post(f"/api/v1/persons/{closed.id}/status", headers=token("sup_a"),
                json={"status": "arrested", "reason": "r", "document_number": "BB-2",
                      "document_date": today.isoformat()})
    login("off_a")
    client.get("/lang/en")
    page = client.get("/followups").get_data(as_text=True)
    assert page.count('data-testid="followup"') == 1
    assert "quá hạn" in page and "3 days overdue" in page
    assert "chưa đến" not in page and "đã đóng" not in page
    login("off_b")
    assert 'data-testid="no-followups"' in client.get("/followups").get_data(as_text=True)
    with app.app_context():
        user = auth.user_by_username("off_a")
        item = services.followups_due(user, today)[0]
    assert client.post(f"/followups/outreach/{item.record.id}/done").status_code == 403
    login("off_a")
    client.post(f"/followups/outreach/{item.record.id}/done")
    assert 'data-testid="no-followups"' in client.get("/followups").get_data(as_text=True)


def make_hit(app, person_id: int) -> int:
    with app.app_context():
        person = db.session.get(WantedPerson, person_id)
        tip = services.record_match_tip(auth.user_by_username("off_p"), person,
                                        text="Ứng viên khớp ảnh hiện trường",
                                        received_at=utcnow() - timedelta(minutes=20))
        tip.created_at = utcnow() - timedelta(minutes=20)
        db.session.commit()
        return tip.id


@pytest.mark.parametrize(("button", "status"), [("verifying", "verifying"), ("false", "false")])
def test_hit_banner_until_confirmed_or_dismissed(client, app, province, make_person, login,
                                                 button, status):
    person = make_person("off_a", unit="A1", full_name="Hoàng Văn Hít")
    tip_id = make_hit(app, person.id)
    login("off_b")
    assert 'data-testid="hit-banner"' not in client.get("/").get_data(as_text=True)
    login("off_a")
    client.get("/lang/en")
    page = client.get("/followups").get_data(as_text=True)
    assert 'data-testid="hit-banner"' in page and "Hoàng Văn Hít" in page
    assert "waiting 20 minutes" in page
    asked = client.post(f"/tips/{tip_id}/settle?next=/followups", data={"status": button})
    assert asked.status_code == 200 and 'data-testid="confirmation"' in asked.get_data(
        as_text=True)
    assert 'data-testid="hit-banner"' in client.get("/").get_data(as_text=True)  # not yet
    response = client.post(f"/tips/{tip_id}/settle?next=/followups",
                           data={"status": button, "confirmed": "1"})
    assert response.headers["Location"].endswith("/followups")
    assert 'data-testid="hit-banner"' not in client.get("/").get_data(as_text=True)
    with app.app_context():
        tip = db.session.get(Tip, tip_id)
        assert (tip.status, tip.handled_by.username) == (status, "off_a")
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "tip.settle")).one()
        assert event.details["to"] == status and event.actor_name == "off_a"


def test_settled_hit_cannot_be_settled_again(client, app, province, make_person, token):
    person = make_person("off_a")
    tip_id = make_hit(app, person.id)
    headers = token("sup_a")
    assert client.patch(f"/api/v1/tips/{tip_id}", headers=headers,
                        json={"status": "false"}).status_code == 200
    response = client.patch(f"/api/v1/tips/{tip_id}", headers=headers,
                            json={"status": "confirmed"})
    assert response.status_code == 409


def test_supervisor_reassigns_an_officer_not_the_officer(client, app, province, make_person,
                                                         login):
    person = make_person("off_a", unit="A")
    login("off_a")
    assert 'data-testid="open-reassign"' not in client.get(f"/persons/{person.id}").get_data(
        as_text=True)
    login("chief")
    client.post(f"/persons/{person.id}/assign", data={"officer": "off_p"})
    with app.app_context():
        assert db.session.get(WantedPerson, person.id).officer.username == "off_p"


@pytest.mark.parametrize("username", ["off_b", "sup_b"])
def test_an_officer_of_another_unit_passes_a_tip_on_to_the_owning_unit(
        client, app, province, make_person, token, login, username):
    person = make_person("off_a", unit="A")
    response = client.post(f"/api/v1/persons/{person.id}/tips", headers=token(username),
                           json=TIP)
    assert response.status_code == 201 and response.json["by"] == username
    login(username)
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert 'data-testid="open-tip"' in page and 'data-testid="open-outreach"' not in page
    assert 'name="status" value="confirmed"' not in page  # the owning unit settles it
    login("off_a")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "Thấy đối tượng ở bến xe" in page and 'name="status" value="confirmed"' in page
