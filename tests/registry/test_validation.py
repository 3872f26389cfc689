"""Validation rules: no future dates, duplicate ID numbers, complete wanted records, field errors
at the field in the user's language, page numbers clamped."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import wtforms
from sqlalchemy import select

from tests.registry.test_pages import form_data
from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.pursuit.services import local_today

FUTURE_VI = "Không được là thời điểm trong tương lai."
WTFORMS_POT = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def tomorrow(app) -> str:
    """Return tomorrow's local date as ISO text."""
    with app.app_context():
        return (local_today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(("make_body", "field"), [
    (lambda today: {"birth_date": (today + timedelta(days=1)).isoformat()}, "birth_date"),
    (lambda today: {"birth_year": today.year + 1}, "birth_year"),
    (lambda today: {"decision": {"number": "1/QĐ",
                                 "date": (today + timedelta(days=1)).isoformat()}},
     "decision.date"),
])
def test_api_refuses_future_dates(client, app, province, token, make_body, field):
    with app.app_context():
        body = make_body(local_today())
    response = client.post("/api/v1/persons", headers=token("off_a"),
                           json={"full_name": "Trần Văn Tương Lai", **body})
    assert response.status_code == 422
    assert response.json["error"]["fields"][field] == FUTURE_VI


def test_person_form_refuses_future_dates_at_the_field_and_keeps_the_input(client, app, login,
                                                                         province):
    login("off_a")
    client.get("/lang/en")
    day = tomorrow(app)
    response = client.post("/persons/new", data=form_data(
        full_name="Trần Văn Giữ", birth_date=day, decision_date=day))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("birth_date", "decision_date"):
        assert re.search(rf'data-field="{field}">Cannot be in the future.<', page), field
    assert 'value="Trần Văn Giữ"' in page and f'value="{day}"' in page


def test_a_duplicate_id_number_is_refused_unless_confirmed_and_audited(client, app, province,
                                                                       token, make_person):
    first = make_person(full_name="Nguyễn Văn Một", id_number="001099012345")
    headers = token("off_a")
    body = {"full_name": "Nguyễn Văn Hai", "id_number": "001099012345"}
    response = client.post("/api/v1/persons", headers=headers, json=body)
    assert response.status_code == 422
    message = response.json["error"]["fields"]["id_number"]
    assert f"Nguyễn Văn Một (#{first.id})" in message
    response = client.post("/api/v1/persons", headers=headers,
                           json={**body, "id_number_confirmed": True})
    assert response.status_code == 201
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "person.duplicate_id")).one()
        assert event.details["other_persons"] == [first.id]
        assert event.object_id == str(response.json["id"])


def test_person_form_offers_the_duplicate_confirmation(client, app, province, login,
                                                       make_person):
    make_person(full_name="Nguyễn Văn Một", id_number="001099012345")
    login("off_a")
    client.get("/lang/en")
    response = client.post("/persons/new", data=form_data(id_number="001099012345"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="id_number">This ID number is already on the record of' in page
    assert 'name="id_number_confirmed"' in page
    response = client.post("/persons/new", data=form_data(id_number="001099012345",
                                                          id_number_confirmed="y"))
    assert response.status_code == 302


def test_a_wanted_record_from_the_form_needs_a_charge_and_a_decision(client, login, province):
    login("off_a")
    client.get("/lang/en")
    response = client.post("/persons/new", data=form_data(
        charges=[], decision_number="", decision_date=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="charges">A wanted record needs at least one charge.' in page
    assert 'data-field="decision_number">A wanted record needs the number of its decision.' \
        in page
    assert 'data-field="decision_date">A wanted record needs the date of its decision.' in page


def test_no_english_wtforms_message_in_vietnamese(client, login, province):
    login("off_a")
    english = [m for m in re.findall(r'^msgid "(.+)"$', WTFORMS_POT.read_text(), re.M)]
    response = client.post("/persons/new", data=form_data(
        full_name="", birth_date="31/02/1990", birth_year="năm", sex="alien",
        decision_date="hôm qua", charges=["999999"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Trường này là bắt buộc." in page or "Vui lòng" in page
    assert "Ngày không hợp lệ." in page and "Phải là số nguyên." in page
    assert "Lựa chọn không hợp lệ." in page or "không phải là lựa chọn hợp lệ" in page
    shown = [m for m in english if m.split("%")[0] and m.split("%")[0] in page]
    assert shown == []


def test_registry_filter_errors_are_at_the_field_and_keep_the_input(client, login, province,
                                                                   make_person):
    make_person(full_name="Nguyễn Văn Hùng")
    login("off_a")
    client.get("/lang/en")
    response = client.get("/?q=Hùng&born_from=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="born_from">Born from: Must be a whole number.' in page
    assert 'value="Hùng"' in page and 'value="abc"' in page
    unknown = client.get("/?q=Hùng&unit=NOPE")
    assert unknown.status_code == 422
    assert 'data-field="unit">Unit: Unknown unit.' in unknown.get_data(as_text=True)
    assert "; " not in page.split('data-testid="filter-errors"')[1][:200]


def test_a_page_beyond_the_last_shows_the_last(client, login, province, make_person):
    for n in range(3):
        make_person(full_name=f"Lê Văn Trang {n}")
    login("off_a")
    client.get("/lang/en")
    page = client.get("/?q=trang&per_page=2&page=999").get_data(as_text=True)
    assert "3 persons found" in page and "Page 2 of 2" in page
    assert "No person matches this search." not in page
    assert "Lê Văn Trang 2" in page


def test_a_negative_campaign_target_is_marked_at_its_field(client, province, login):
    login("chief")
    client.get("/lang/en")
    response = client.post("/campaigns/new", data={
        "name": "Đợt cao điểm", "starts_on": "2025-03-01", "ends_on": "2025-03-31",
        "targets-0-unit": "A", "targets-0-arrests": "-3", "targets-0-surrenders": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'name="targets-0-arrests"[^>]*is-invalid|is-invalid[^>]*'
                     r'name="targets-0-arrests"', page)
    assert 'data-field="targets-0-arrests">Number must be between 0 and' in page
