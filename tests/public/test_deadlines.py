"""Deadlines of hits and citizen tips, periodic validation, and the stats that count them."""

from datetime import timedelta

import pytest

from wanted import timeutil
from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.pursuit import services as pursuit
from wanted.pursuit.models import Tip
from wanted.registry.services import get_person

REAL_NOW = timeutil.utcnow


@pytest.fixture
def clock(monkeypatch):
    """Freeze the clock the deadline rules read at a moment `ahead` of now."""

    def freeze(ahead: timedelta) -> None:
        frozen = REAL_NOW() + ahead
        monkeypatch.setattr(timeutil, "utcnow", lambda: frozen)

    return freeze


def raise_hit(app, person_id: int) -> int:
    with app.app_context():
        tip = pursuit.record_match_tip(auth.user_by_username("off_b"), get_person(person_id),
                                       text="Face search #1", received_at=REAL_NOW())
        db.session.commit()
        return tip.id


def figures(client, token, unit: str = "P") -> dict:
    response = client.get(f"/api/v1/stats?unit={unit}", headers=token("chief"))
    assert response.status_code == 200
    keys = ("hits_overdue", "tips_overdue", "validation_overdue", "median_hit_response_minutes")
    return {key: response.json[key] for key in keys}


def test_hit_and_tip_deadlines_become_overdue(app, client, token, published, send_tip, clock,
                                              login):
    person = published()
    raise_hit(app, person.id)
    assert send_tip(person_id=str(person.id)).status_code == 201
    assert figures(client, token) == {"hits_overdue": 0, "tips_overdue": 0,
                                      "validation_overdue": 0,
                                      "median_hit_response_minutes": None}
    clock(timedelta(minutes=61))
    assert figures(client, token)["hits_overdue"] == 1
    assert figures(client, token)["tips_overdue"] == 0
    clock(timedelta(hours=25))
    assert figures(client, token) | {"median_hit_response_minutes": None} == {
        "hits_overdue": 1, "tips_overdue": 1, "validation_overdue": 0,
        "median_hit_response_minutes": None}
    assert figures(client, token, unit="B")["tips_overdue"] == 0  # another unit's are not there
    # The owning unit sees them on its pages; the province's supervisor on the dashboard.
    login("off_a")
    assert 'data-testid="hit-overdue"' in client.get("/").get_data(as_text=True)
    assert 'data-testid="tip-overdue"' in client.get("/tips/queue").get_data(as_text=True)
    login("chief")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'data-kind="hit"' in dashboard and 'data-kind="citizen-tip"' in dashboard
    assert 'data-overdue="hits_overdue">1<' in dashboard


def test_settings_change_the_deadlines(app, client, token, published, clock):
    app.config.update(HIT_RESPONSE_MINUTES=10)
    person = published()
    raise_hit(app, person.id)
    clock(timedelta(minutes=11))
    assert figures(client, token)["hits_overdue"] == 1


def test_the_tip_deadline_is_a_setting_of_its_own(public_app, client, token, published,
                                                  send_tip, clock):
    public_app.config.update(TIP_RESPONSE_HOURS=2)  # fixed on the tip when the portal takes it
    person = published()
    send_tip(person_id=str(person.id))
    clock(timedelta(minutes=119))
    assert figures(client, token)["tips_overdue"] == 0
    clock(timedelta(minutes=121))
    assert figures(client, token)["tips_overdue"] == 1


def test_an_answered_hit_is_not_overdue_and_counts_in_the_median(app, client, token, published,
                                                                 clock):
    person = published()
    first, second = raise_hit(app, person.id), raise_hit(app, person.id)
    with app.app_context():
        for tip_id, minutes in ((first, 30), (second, 90)):
            tip = db.session.get(Tip, tip_id)
            pursuit.settle_tip(auth.user_by_username("off_a"), tip, "verifying")
            tip.handled_at = tip.created_at + timedelta(minutes=minutes)
        db.session.commit()
    clock(timedelta(hours=3))
    assert figures(client, token) == {"hits_overdue": 0, "tips_overdue": 0,
                                      "validation_overdue": 0,
                                      "median_hit_response_minutes": 60.0}


def test_a_taken_tip_is_no_longer_overdue(app, client, token, published, send_tip, clock,
                                          login):
    person = published()
    send_tip(person_id=str(person.id))
    login("off_a")
    from wanted.public.models import CitizenTip

    with app.app_context():
        tip_id = db.session.scalar(db.select(CitizenTip.id))
    client.post(f"/tips/citizen/{tip_id}/take")
    clock(timedelta(hours=30))
    assert figures(client, token)["tips_overdue"] == 0


def test_validation_is_overdue_after_n_months(app, client, token, province, make_person, clock,
                                              login):
    person = make_person("off_a", unit="A", full_name="Phạm Văn Đức")
    clock(timedelta(days=330))
    assert figures(client, token)["validation_overdue"] == 0
    clock(timedelta(days=370))
    assert figures(client, token)["validation_overdue"] == 1
    login("sup_a")  # the unit's dashboard lists the record to validate
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'data-kind="validation"' in dashboard and "Phạm Văn Đức" in dashboard
    login("off_a")  # assigned to the person: the home page lists it
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="home-validations"' in home and "Phạm Văn Đức" in home
    assert 'data-testid="validation-overdue"' in client.get(f"/persons/{person.id}").get_data(
        as_text=True)
    refused = client.post(f"/persons/{person.id}/validate", data={"note": "ok"})
    assert refused.status_code == 302 and figures(client, token)["validation_overdue"] == 1
    client.post(f"/persons/{person.id}/validate", data={"confirm": "y", "note": "Đã rà soát"})
    assert figures(client, token)["validation_overdue"] == 0
    assert 'data-testid="home-validations"' not in client.get("/").get_data(as_text=True)
    timeline = client.get(f"/api/v1/persons/{person.id}/timeline", headers=token("off_a")).json
    assert [e["note"] for e in timeline["items"] if e["kind"] == "validation"] == ["Đã rà soát"]
    with app.app_context():
        [event] = db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action == "person.validate")).all()
        assert (event.actor_name, event.object_id, event.details["note"]) == (
            "off_a", str(person.id), "Đã rà soát")
    login("sup_a")
    assert 'data-kind="validation"' not in client.get("/dashboard").get_data(as_text=True)


def test_validation_period_is_a_setting_and_the_api_validates(app, client, token, province,
                                                              make_person, clock):
    app.config.update(VALIDATION_MONTHS=6)
    person = make_person("off_a", unit="A")
    clock(timedelta(days=190))
    assert figures(client, token)["validation_overdue"] == 1
    url = f"/api/v1/persons/{person.id}/validation"
    assert client.post(url, json={}, headers=token("off_b")).status_code == 403
    response = client.post(url, json={"note": "vẫn đúng"}, headers=token("off_a"))
    assert response.status_code == 201 and response.json["overdue"] is False
    assert response.json["by"] == "off_a"
    assert figures(client, token)["validation_overdue"] == 0
    clock(timedelta(days=190 + 185))
    assert figures(client, token)["validation_overdue"] == 1
