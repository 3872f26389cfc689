"""The person page's timeline: real order within a minute, follow-ups by due state, the
registration and registry photos, and no hit banner on a closed case."""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.app.test_retention import add_photo
from tests.app.test_retention import close as close_long_ago
from tests.conftest import FACES
from tests.pursuit.test_safe_actions import make_search, raise_hit
from wanted.auth.models import Unit
from wanted.extensions import db
from wanted.pursuit import services
from wanted.registry.models import WantedPerson

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSE = {"status": "arrested", "reason": "Bắt giữ tại nhà", "document_number": "12/BB-BG",
         "document_date": "2025-06-02", "confirmed": "1"}


def timeline_of(page: str) -> list[str]:
    """The kinds of the timeline's entries as the page lists them, top first."""
    section = page.split('data-testid="timeline"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<li data-kind="(\w+)"', section)


def texts_of(page: str) -> list[str]:
    """Each timeline entry's markup, top first."""
    section = page.split('data-testid="timeline"', 1)[1].split("</ul>", 1)[0]
    return section.split("<li ")[1:]


def local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL).replace(tzinfo=None)


# --- entries of one minute in the order they happened ------------------------------------------

def test_entries_of_one_minute_show_in_the_order_they_were_logged(client, app, province,
                                                                  make_person, login):
    person = make_person("off_a", unit="A")
    login("sup_a")
    assert client.post(f"/persons/{person.id}/status", data=CLOSE).status_code == 302
    with app.app_context():
        closed_at = db.session.get(WantedPerson, person.id).status_changed_at
    minute = local(closed_at).strftime("%Y-%m-%dT%H:%M")
    login("off_a")
    # Typed to the minute of the closure, and logged after it, in this order.
    for kind, body in (("tip", {"received_at": minute, "source": "public", "text": "tin sau"}),
                       ("outreach", {"contacted_at": minute, "channel": "phone",
                                     "outcome": "info_obtained", "notes": "gọi sau"}),
                       ("attempt", {"attempted_at": minute, "outcome": "not_found",
                                    "notes": "đến sau"})):
        assert client.post(f"/persons/{person.id}/log/{kind}", data=body).status_code == 302
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert timeline_of(page)[:4] == ["attempt", "outreach", "tip", "status"]
    # Entries sharing a minute carry their seconds: the closure its own, typed entries the
    # moment they were logged.
    entries = texts_of(page)
    assert local(closed_at).strftime("%H:%M:%S %d/%m/%Y") in entries[3]
    assert all("ghi nhận lúc" in entry for entry in entries[:3])


def test_a_lone_entry_shows_its_time_to_the_minute(client, province, make_person, login):
    person = make_person("off_a", unit="A")
    login("off_a")
    client.post(f"/persons/{person.id}/log/tip", data={
        "received_at": "2025-03-03T20:00", "source": "public", "text": "một mình"})
    entry = next(e for e in texts_of(client.get(f"/persons/{person.id}").get_data(as_text=True))
                 if "một mình" in e)
    assert "20:00 03/03/2025" in entry and "ghi nhận lúc" not in entry
    assert "20:00:00" not in entry


def test_api_timeline_keeps_the_same_order(client, app, province, make_person, token):
    person = make_person("off_a", unit="A")
    headers = token("off_a")
    for text in ("thứ nhất", "thứ hai", "thứ ba"):
        client.post(f"/api/v1/persons/{person.id}/tips", headers=headers, json={
            "received_at": "2025-03-03T20:00:00+07:00", "source": "public", "text": text})
    items = client.get(f"/api/v1/persons/{person.id}/timeline", headers=headers).json["items"]
    assert [i["text"] for i in items if i["kind"] == "tip"] == ["thứ ba", "thứ hai", "thứ nhất"]
    assert all(i["logged_at"].endswith("Z") for i in items if i["kind"] == "tip")



# --- follow-ups by where they stand, in local time ---------------------------------------------

def log_followups(client, token, person_id: int, today) -> None:
    """One outreach per follow-up state, its note naming the state."""
    headers = token("off_a")
    for note, due in (("hẹn đã qua", today - timedelta(days=2)), ("hẹn hôm nay", today),
                      ("hẹn ngày mai", today + timedelta(days=1)),
                      ("hẹn đã xong", today - timedelta(days=1))):
        response = client.post(f"/api/v1/persons/{person_id}/outreach", headers=headers, json={
            "contacted_at": (today - timedelta(days=10)).isoformat() + "T08:00",
            "channel": "visit", "outcome": "will_persuade", "notes": note,
            "follow_up_on": due.isoformat()})
        assert response.status_code == 201, response.json
        if note == "hẹn đã xong":
            done = response.json["id"]
    client.post(f"/followups/outreach/{done}/done")


def follow_up_of(page: str, note: str) -> str:
    """The follow-up line of the timeline entry holding the note."""
    entry = next(e for e in texts_of(page) if note in e)
    return re.search(r'<div class="[^"]*" data-testid="follow-up".*?</div>', entry,
                     re.DOTALL).group(0)


def test_follow_ups_are_coloured_and_labelled_by_due_state(client, app, province, make_person,
                                                           login, token):
    person = make_person("off_a", unit="A")
    with app.app_context():
        today = services.local_today()
    login("off_a")
    log_followups(client, token, person.id, today)
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    overdue, due, later, done = (follow_up_of(page, note) for note in (
        "hẹn đã qua", "hẹn hôm nay", "hẹn ngày mai", "hẹn đã xong"))
    assert 'data-state="overdue"' in overdue and "text-danger" in overdue
    assert "quá hạn" in overdue and "text-bg-danger" in overdue
    assert 'data-state="today"' in due and "text-warning-emphasis" in due
    assert "đến hạn hôm nay" in due and "text-danger" not in due
    assert 'data-state="later"' in later and "text-danger" not in later
    assert "text-warning" not in later and "quá hạn" not in later and "hôm nay" not in later
    assert (today + timedelta(days=1)).strftime("%d/%m/%Y") in later
    assert 'data-state="done"' in done and "text-muted" in done and "đã xong" in done
    assert "text-danger" not in done and "quá hạn" not in done
    client.get("/lang/en")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "overdue" in follow_up_of(page, "hẹn đã qua")
    assert "due today" in follow_up_of(page, "hẹn hôm nay")
    assert "done" in follow_up_of(page, "hẹn đã xong")



def test_a_closed_cases_follow_ups_are_no_longer_due(client, app, province, make_person, login,
                                                     token):
    person = make_person("off_a", unit="A")
    with app.app_context():
        today = services.local_today()
    login("off_a")
    log_followups(client, token, person.id, today)
    login("sup_a")
    assert client.post(f"/persons/{person.id}/status",
                       data={**CLOSE, "status": "arrested"}).status_code == 302
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    for note in ("hẹn đã qua", "hẹn hôm nay", "hẹn ngày mai"):
        line = follow_up_of(page, note)
        assert 'data-state="moot"' in line and "text-muted" in line
        assert "không còn phải làm: hồ sơ đã đóng" in line
        assert "quá hạn" not in line and "text-danger" not in line and "hôm nay" not in line
    assert 'data-state="done"' in follow_up_of(page, "hẹn đã xong")
    client.get("/lang/en")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "no longer due: the case is closed" in follow_up_of(page, "hẹn đã qua")

class LateEvening(datetime):
    """20:36 UTC on 29 November 2025: already 03:36 on 30 November in Hồ Chí Minh City."""

    @classmethod
    def now(cls, tz=None):
        moment = datetime(2025, 11, 29, 20, 36, tzinfo=UTC)
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


def test_the_due_state_follows_the_local_day(client, app, province, make_person, login, token,
                                             monkeypatch):
    person = make_person("off_a", unit="A")
    headers = token("off_a")
    for note, due in (("hẹn ngày 29", "2025-11-29"), ("hẹn ngày 30", "2025-11-30"),
                      ("hẹn ngày 1", "2025-12-01")):
        client.post(f"/api/v1/persons/{person.id}/outreach", headers=headers, json={
            "contacted_at": "2025-11-20T08:00", "channel": "visit", "outcome": "refused",
            "notes": note, "follow_up_on": due})
    login("off_a")
    monkeypatch.setattr(services, "datetime", LateEvening)
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    # By the UTC calendar the 29th would still be today and the 30th tomorrow.
    assert 'data-state="overdue"' in follow_up_of(page, "hẹn ngày 29")
    assert 'data-state="today"' in follow_up_of(page, "hẹn ngày 30")
    assert 'data-state="later"' in follow_up_of(page, "hẹn ngày 1")


# --- registration and registry photos ----------------------------------------------------------

def enrol(client, headers, person_id: int, relative: str) -> int:
    response = client.post(f"/api/v1/persons/{person_id}/photos", headers=headers,
                           data={"photo": (io.BytesIO((FACES / relative).read_bytes()),
                                           relative.replace("/", "_"))},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_registration_and_each_photo_added_or_removed_are_on_the_timeline(
        client, app, province, make_person, login, token):
    person = make_person("off_a", unit="A")
    headers = token("sup_a")
    first = enrol(client, headers, person.id, "obama/1.jpg")
    enrol(client, headers, person.id, "obama/2.jpg")
    login("off_a")
    assert client.post(f"/persons/{person.id}/photos/{first}/delete").status_code == 302
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    entries = texts_of(page)
    assert timeline_of(page) == ["photo", "photo", "photo", "registered"]
    assert "Xóa ảnh hồ sơ" in entries[0] and "Off_A" in entries[0]
    assert "Thêm ảnh hồ sơ" in entries[1] and "Sup_A" in entries[1]
    assert "Thêm ảnh hồ sơ" in entries[2] and "Sup_A" in entries[2]
    assert "Đưa vào danh sách truy nã" in entries[3] and "Off_A" in entries[3]
    client.get("/lang/en")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "Registry photo removed" in page and page.count("Registry photo added") == 2
    assert "Registered in the registry" in page
    items = client.get(f"/api/v1/persons/{person.id}/timeline", headers=headers).json["items"]
    assert [(i["kind"], i.get("action"), i["by"]) for i in items] == [
        ("photo", "removed", "off_a"), ("photo", "added", "sup_a"), ("photo", "added", "sup_a"),
        ("registered", None, "off_a")]
    assert items[0]["id"] == items[2]["id"] == first


def test_photos_removed_by_retention_are_on_the_timeline(app, client, login, runner, province,
                                                         make_person):
    person = make_person("off_a", unit="A")
    with app.app_context():
        add_photo(person.id, 10)
        close_long_ago(person.id, years_ago=6)
        db.session.commit()
    assert runner.invoke(args=["retention", "run"]).exit_code == 0
    login("off_a")
    client.get("/lang/en")
    entries = texts_of(client.get(f"/persons/{person.id}").get_data(as_text=True))
    assert "Registry photo removed at the end of its retention period" in entries[0]


def test_a_record_nobody_registered_names_no_one(client, app, province, login):
    with app.app_context():
        unit = db.session.scalars(select(Unit).where(Unit.code == "A")).one()
        person = WantedPerson(full_name="Đinh Văn Cũ", unit=unit)
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    login("off_a")
    entry = texts_of(client.get(f"/persons/{person_id}").get_data(as_text=True))[0]
    assert "Đưa vào danh sách truy nã" in entry and "None" not in entry


# --- a closed case shows no hit banner ---------------------------------------------------------

@pytest.mark.parametrize("status", ["arrested", "surrendered", "deceased", "withdrawn"])
def test_a_closed_persons_page_shows_no_hit_banner(client, app, province, make_person, login,
                                                   status):
    person = make_person("off_a", unit="A", full_name="Vũ Văn Đóng")
    search_id = make_search(app, person.id)
    login("off_p")
    assert raise_hit(client, search_id, person.id).status_code == 302
    login("off_a")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert 'data-testid="hit-banner"' in page and 'data-testid="hit-confirm"' in page
    login("sup_a")
    assert client.post(f"/persons/{person.id}/status",
                       data={**CLOSE, "status": status}).status_code == 302
    for username in ("off_a", "sup_a"):
        login(username)
        page = client.get(f"/persons/{person.id}").get_data(as_text=True)
        assert 'data-testid="hit-banner"' not in page and "Vũ Văn Đóng" in page


def test_the_timeline_statement_fits_psycopgs_cache_of_converted_statements(app):
    # Longer statements have their placeholders parsed again on every execution: a person
    # page reads the timeline on every view. The limit is raised on PostgreSQL's connections.
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("psycopg is PostgreSQL's driver; SQLite never loads it")
    from psycopg import _queries
    from sqlalchemy.dialects import postgresql

    with app.app_context():
        db.engine.dispose()
        db.session.execute(select(1))  # a new connection
        sql = str(services._timeline_statement().compile(dialect=postgresql.psycopg.dialect()))
    assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
