"""Campaigns: who creates them, and progress derived from status changes in the period."""

import re
from datetime import datetime, timedelta

import pytest

from wanted.auth import services as auth
from wanted.extensions import db
from wanted.pursuit import services as pursuit
from wanted.registry.models import WantedPerson

# 1 March 2025 00:00 in Asia/Ho_Chi_Minh (UTC+7), as stored (naive UTC).
START = datetime(2025, 2, 28, 17, 0)
# The instant after the last day, 31 March 2025, ends.
END = datetime(2025, 3, 31, 17, 0)
CAMPAIGN = {"name": "Đợt cao điểm tấn công trấn áp tội phạm", "starts_on": "2025-03-01",
            "ends_on": "2025-03-31", "targets": [{"unit": "A", "arrests": 3, "surrenders": 2},
                                                 {"unit": "B", "arrests": 1, "surrenders": 0}]}


def close_at(app, make_person, unit: str, status: str, at: datetime) -> None:
    person_id = make_person("off_p", unit=unit).id
    with app.app_context():
        pursuit.change_status(auth.user_by_username("chief"),
                              db.session.get(WantedPerson, person_id), status, "r", "BB-1", at,
                              document_date=at.date())
        db.session.commit()


def test_progress_counts_changes_inside_the_period_only(client, app, province, make_person,
                                                        token):
    headers = token("chief")
    created = client.post("/api/v1/campaigns", headers=headers, json=CAMPAIGN)
    assert created.status_code == 201, created.json
    second = timedelta(seconds=1)
    close_at(app, make_person, "A1", "arrested", START - second)   # before: not counted
    close_at(app, make_person, "A1", "arrested", START)            # first instant: counted
    close_at(app, make_person, "A", "surrendered", END - second)   # last second: counted
    close_at(app, make_person, "A", "arrested", END)               # after: not counted
    close_at(app, make_person, "B", "deceased", START + second)    # not a result
    progress = client.get(f"/api/v1/campaigns/{created.json['id']}", headers=headers).json
    rows = {row["unit"]: row for row in progress["targets"]}
    assert (rows["A"]["arrests"], rows["A"]["surrenders"]) == (1, 1)
    assert (rows["B"]["arrests"], rows["B"]["surrenders"]) == (0, 0)
    assert (rows["A"]["arrests_target"], rows["A"]["surrenders_target"]) == (3, 2)


def test_campaign_page_shows_progress(client, app, province, make_person, token, login):
    campaign_id = client.post("/api/v1/campaigns", headers=token("chief"), json=CAMPAIGN).json["id"]
    close_at(app, make_person, "A", "arrested", START + timedelta(days=3))
    login("off_a")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert CAMPAIGN["name"] in page
    arrests = re.search(r'<tr data-unit="A">.*?class="arrests">.*?data-value="(\d+)">\1 / (\d+)',
                        page, re.S)
    assert arrests.groups() == ("1", "3")
    assert CAMPAIGN["name"] in client.get("/campaigns").get_data(as_text=True)


@pytest.mark.parametrize("username", ["off_a", "admin"])
def test_only_supervisors_create_campaigns(client, province, token, username):
    response = client.post("/api/v1/campaigns", headers=token(username), json=CAMPAIGN)
    assert response.status_code == 403


def test_targets_must_be_units_one_oversees(client, province, token):
    response = client.post("/api/v1/campaigns", headers=token("sup_a"), json=CAMPAIGN)
    assert response.status_code == 422
    assert "targets" in response.json["error"]["fields"]
    response = client.post("/api/v1/campaigns", headers=token("sup_a"), json={
        **CAMPAIGN, "ends_on": "2025-02-01", "targets": [{"unit": "A1", "arrests": 1}]})
    assert set(response.json["error"]["fields"]) == {"ends_on"}


def test_supervisor_creates_a_campaign_from_the_form(client, province, login):
    login("sup_a")
    page = client.get("/campaigns/new").get_data(as_text=True)
    assert "targets-0-unit" in page and "Khe Mây" not in page
    response = client.post("/campaigns/new", data={
        "name": "Đợt cao điểm tháng 3", "starts_on": "2025-03-01", "ends_on": "2025-03-31",
        "targets-0-unit": "A", "targets-0-arrests": "4", "targets-0-surrenders": "",
        "targets-1-unit": "A1", "targets-1-arrests": "", "targets-1-surrenders": ""},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đợt cao điểm tháng 3" in page and page.count("<tr data-unit=") == 1
