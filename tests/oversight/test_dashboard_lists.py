"""The dashboard's lists (officers' load, what is past its deadline), read as rows of the
columns they show: each item names what the page and /api/v1/stats say it does."""

from datetime import timedelta

from wanted import timeutil
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.public import services as publication
from wanted.pursuit import services as pursuit
from wanted.registry.models import WantedPerson
from wanted.registry.services import get_person

REAL_NOW = timeutil.utcnow


def stats(client, token, viewer: str, unit: str) -> dict:
    response = client.get(f"/api/v1/stats?unit={unit}", headers=token(viewer))
    assert response.status_code == 200
    return response.json


def test_the_officers_load_lists_a_deactivated_officer_who_still_holds_cases(
        app, client, province, make_person, token):
    mine = [make_person("off_a", unit="A", full_name=f"Lê Văn Tải {n}") for n in range(2)]
    make_person("off_a", unit="A1")
    headers = token("off_a")
    for person, follow_up_on in ((mine[0], "2025-01-02"), (mine[1], "2025-01-03"),
                                 (mine[1], "2099-01-01")):  # the last is not due yet
        assert client.post(f"/api/v1/persons/{person.id}/outreach", headers=headers, json={
            "contacted_at": "2025-01-01T09:00", "channel": "phone", "outcome": "refused",
            "follow_up_on": follow_up_on}).status_code == 201
    with app.app_context():
        auth.set_active(auth.user_by_username("off_a"), False)
        db.session.commit()
    officers = stats(client, token, "sup_a", "A")["officers"]
    assert officers == [
        {"officer": "off_a", "name": "Off_A", "unit": "A", "wanted_assigned": 3,
         "overdue_followups": 2},
        {"officer": "sup_a", "name": "Sup_A", "unit": "A", "wanted_assigned": 0,
         "overdue_followups": 0}]
    # A unit below sees only its own cases, and nobody who holds none there.
    assert stats(client, token, "sup_a", "A1")["officers"] == [
        {"officer": "off_a", "name": "Off_A", "unit": "A", "wanted_assigned": 1,
         "overdue_followups": 0}]


def test_the_overdue_lists_name_each_item_its_unit_and_when_it_fell_due(
        app, client, province, make_person, token, monkeypatch):
    hit_on = make_person("off_a", unit="A", full_name="Phạm Văn Trễ")
    stale = make_person("off_b", unit="B", full_name="Đỗ Thị Cũ")
    with app.app_context():
        tip = pursuit.record_match_tip(auth.user_by_username("off_b"), get_person(hit_on.id),
                                       text="Face search #1", received_at=REAL_NOW())
        citizen = publication.submit_tip({"text": "Thấy ở chợ"})  # names nobody: to triage
        created = REAL_NOW() - timedelta(days=400)
        db.session.get(WantedPerson, stale.id).created_at = created
        db.session.commit()
        hit_due, tip_due = tip.created_at + timedelta(minutes=60), citizen.due_at
        tip_id, citizen_id = tip.id, citizen.id
    frozen = REAL_NOW() + timedelta(hours=25)
    monkeypatch.setattr(timeutil, "utcnow", lambda: frozen)
    figures = stats(client, token, "chief", "P")
    assert figures["hits_overdue"] == figures["tips_overdue"] == 1
    assert figures["validation_overdue"] == 1
    assert figures["overdue_hits"] == [
        {"tip_id": tip_id, "person_id": hit_on.id, "full_name": "Phạm Văn Trễ", "unit": "A",
         "unit_name": "Công an phường Đông Thành", "due_at": hit_due.isoformat() + "Z"}]
    assert figures["overdue_tips"] == [
        {"id": citizen_id, "person_id": None, "full_name": None, "unit": "P",
         "unit_name": "Công an tỉnh Bình Sơn", "due_at": tip_due.isoformat() + "Z"}]
    due = created.replace(year=created.year + 1)
    assert figures["overdue_validations"] == [
        {"id": stale.id, "full_name": "Đỗ Thị Cũ", "unit": "B", "unit_name": "Công an xã Khe Mây",
         "due_at": due.isoformat() + "Z"}]
    unit_b = stats(client, token, "chief", "B")
    assert (unit_b["overdue_hits"], unit_b["overdue_tips"]) == ([], [])
    assert [item["id"] for item in unit_b["overdue_validations"]] == [stale.id]
