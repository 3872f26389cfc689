"""Dashboard figures: the API and the page agree with counts made independently in the test."""

import random
import re
from collections import Counter
from datetime import date, datetime, timedelta

from wanted.auth import services as auth
from wanted.extensions import db
from wanted.pursuit import services as pursuit
from wanted.registry.models import STATUSES, WantedPerson
from wanted.registry.services import create_person
from wanted.timeutil import utcnow

UNITS = ("P", "A", "A1", "B")
CLOSE = ("arrested", "surrendered", "deceased", "withdrawn")


def seed(app) -> list[dict]:
    """Create 40 persons with random units, classes, work and statuses; return what was made."""
    rng = random.Random(4)
    made = []
    with app.app_context():
        chief, officer = auth.user_by_username("chief"), auth.user_by_username("off_p")
        for index in range(40):
            unit = rng.choice(UNITS)
            person = create_person(officer, {"full_name": f"Người {index}", "unit": unit,
                                             "danger_class": rng.choice(("normal", "special"))})
            row = {"unit": unit, "class": person.danger_class, "attempts": [], "outreach": []}
            for _ in range(rng.randrange(3)):
                at = datetime(2025, rng.choice((1, 6)), 10, 3)
                pursuit.log_attempt(officer, person, {"attempted_at": at, "outcome": "not_found"})
                row["attempts"].append(at)
            for _ in range(rng.randrange(3)):
                at = datetime(2025, rng.choice((1, 6)), 12, 3)
                pursuit.log_outreach(officer, person, {"contacted_at": at, "channel": "phone",
                                                       "outcome": "refused"})
                row["outreach"].append(at)
            status = rng.choice(("wanted", "wanted", *CLOSE))
            if status != "wanted":
                pursuit.change_status(chief, person, status, "r", "BB-1",
                                      datetime(2025, 6, 2, 3), document_date=date(2025, 6, 2))
            if status == "arrested" and rng.random() < 0.5:
                pursuit.change_status(chief, person, "cancelled", "r", "QĐ-1",
                                      datetime(2025, 6, 3, 3), document_date=date(2025, 6, 3))
                status = "cancelled"
            quiet = rng.random() < 0.5
            person.last_activity_at = utcnow() - timedelta(days=45 if quiet else 5)
            row.update(status=person.status, quiet=quiet and person.status == "wanted")
            made.append(row)
        db.session.commit()
    return made


def expected(made: list[dict], units: set[str]) -> dict:
    mine = [row for row in made if row["unit"] in units]
    june = (datetime(2025, 6, 1), datetime(2025, 7, 1))
    by_status = Counter(row["status"] for row in mine)
    return {
        "by_status": {status: by_status.get(status, 0) for status in STATUSES},
        "special_outstanding": sum(r["status"] == "wanted" and r["class"] == "special"
                                   for r in mine),
        "attempts": sum(june[0] <= at < june[1] for r in mine for at in r["attempts"]),
        "outreach": sum(june[0] <= at < june[1] for r in mine for at in r["outreach"]),
        "quiet_30d": sum(r["quiet"] for r in mine),
    }


def test_stats_api_matches_independent_counts(client, app, province, token):
    made = seed(app)
    headers = token("sup_a")
    for unit, units in (("A", {"A", "A1"}), ("A1", {"A1"})):
        stats = client.get(f"/api/v1/stats?unit={unit}&from=2025-06-01&to=2025-06-30",
                           headers=headers).json
        want = expected(made, units)
        assert {key: stats[key] for key in want} == want
        assert sum(row["by_status"]["wanted"] for row in stats["units"]) == \
            want["by_status"]["wanted"]
    whole = client.get("/api/v1/stats?from=2025-06-01&to=2025-06-30", headers=token("chief")).json
    assert whole["by_status"] == expected(made, set(UNITS))["by_status"]
    assert sum(week["arrested"] for week in whole["weekly"]) == whole["arrests"] == sum(
        r["status"] in ("arrested", "cancelled") for r in made)


def test_stats_outside_ones_scope_is_403(client, province, token):
    assert client.get("/api/v1/stats?unit=B", headers=token("sup_a")).status_code == 403
    assert client.get("/api/v1/stats?unit=B", headers=token("admin")).status_code == 200
    response = client.get("/api/v1/stats?from=June", headers=token("sup_a"))
    assert response.status_code == 422 and "from" in response.json["error"]["fields"]


def test_dashboard_page_shows_the_same_numbers(client, app, province, token, login):
    seed(app)
    stats = client.get("/api/v1/stats?unit=A", headers=token("sup_a")).json
    login("sup_a")
    page = client.get("/dashboard?unit=A").get_data(as_text=True)
    shown = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert shown == {**{k: str(v) for k, v in stats["by_status"].items()},
                     "special_outstanding": str(stats["special_outstanding"])}
    assert page.count("<tr data-officer=") == len(stats["officers"])
    assert '"arrested":' in page  # the chart data is embedded in the page


def test_logging_work_ends_a_quiet_spell(client, app, province, make_person, token):
    person = make_person("off_a", unit="A")
    with app.app_context():
        db.session.get(WantedPerson, person.id).last_activity_at = utcnow() - timedelta(days=40)
        db.session.commit()
    headers = token("sup_a")
    assert client.get("/api/v1/stats", headers=headers).json["quiet_30d"] == 1
    client.post(f"/api/v1/persons/{person.id}/outreach", headers=headers,
                json={"channel": "phone", "outcome": "refused"})
    assert client.get("/api/v1/stats", headers=headers).json["quiet_30d"] == 0
