"""Each input that once answered 500, now refused cleanly (pages and API, both databases)."""

import json
import logging
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import PASSWORD
from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.registry.models import WantedPerson

HUGE = "9" * 5000
BEYOND_INT32 = str(2**31)
BEYOND_INT64 = str(2**64)


def fields(response) -> dict:
    assert response.is_json, response.get_data(as_text=True)[:300]
    return response.json["error"]["fields"]


# --- numbers: "²", thousands of digits, beyond 32 and 64 bits ---------------------------------

@pytest.mark.parametrize("ident", ["0", BEYOND_INT32, BEYOND_INT64, HUGE[:300]])
def test_path_id_out_of_range_is_404(client, province, token, login, ident):
    headers = token("off_a")
    for path in (f"/api/v1/persons/{ident}", f"/api/v1/persons/{ident}/timeline",
                 f"/api/v1/matches/{ident}", f"/api/v1/campaigns/{ident}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
    response = client.patch(f"/api/v1/tips/{ident}", headers=headers, json={"status": "false"})
    assert response.status_code == 404
    login("off_a")
    for path in (f"/persons/{ident}", f"/persons/{ident}/edit", f"/campaigns/{ident}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "data-testid=\"error-message\"" in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "field"), [
    ("page=²", "page"), (f"page={HUGE}", "page"), (f"per_page={BEYOND_INT64}", "per_page"),
    ("per_page=101", "per_page"), (f"born_from={HUGE}", "born_from"), ("born_to=١٩٩٠", "born_to"),
])
def test_bad_numbers_in_the_registry_query_are_422_naming_the_field(client, province, token,
                                                                     login, query, field):
    response = client.get(f"/api/v1/persons?{query}", headers=token("off_a"))
    assert response.status_code == 422
    assert field in fields(response)
    login("off_a")
    client.get("/lang/en")
    page = client.get(f"/?{query}")
    assert page.status_code == 422
    assert f'data-field="{field}">' in page.get_data(as_text=True)
    assert client.get(f"/registry/export.csv?{query}").status_code == 422


@pytest.mark.parametrize("campaign", ["²", BEYOND_INT32, BEYOND_INT64, HUGE])
def test_bad_campaign_in_stats_is_422(client, province, token, login, campaign):
    response = client.get(f"/api/v1/stats?campaign={campaign}", headers=token("chief"))
    assert response.status_code == 422
    assert "campaign" in fields(response)
    login("chief")
    assert client.get(f"/dashboard?campaign={campaign}").status_code == 200


@pytest.mark.parametrize("version", ["²", BEYOND_INT32, BEYOND_INT64, HUGE, "-1", "1.0"])
def test_if_match_that_is_no_version_is_422(client, province, token, make_person, version):
    person = make_person()
    response = client.patch(f"/api/v1/persons/{person.id}", json={"marks": "sẹo"},
                            headers={**token("off_a"), "If-Match": f'"{version}"'})
    assert response.status_code == 422
    assert "If-Match" in fields(response)


@pytest.mark.parametrize("version", ["²", BEYOND_INT64, HUGE])
def test_form_version_that_is_no_number_is_refused_on_the_page(client, province, login,
                                                                make_person, version):
    person = make_person()
    login("off_a")
    client.get("/lang/en")
    response = client.post(f"/persons/{person.id}/edit", data={
        "full_name": "Nguyễn Văn Hùng", "sex": "unknown", "danger_class": "normal",
        "unit": "A", "version": version})
    assert response.status_code == 422
    assert "This form is out of date; reload the page." in response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["²²²²²²", "١٢٣٤٥٦", "１２３４５６"])
def test_a_second_factor_code_of_odd_digits_is_refused_not_an_error(app, client, runner,
                                                                     province, code):
    runner.invoke(args=["users", "mfa-enrol", "off_a"])
    client.post("/login", data={"username": "off_a", "password": PASSWORD})
    response = client.post("/login/mfa", data={"code": code})
    assert response.status_code == 401
    assert 'data-testid="error-message"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("photo_id", ["²", "9" * 5000, "-1", str(2**64)])
def test_a_publication_form_photo_that_is_no_id_is_refused(client, app, province, login,
                                                           make_person, photo_id):
    from wanted.public.models import PublicNotice

    person = make_person()
    login("sup_a")
    response = client.post(f"/persons/{person.id}/publication", data={
        "action": "publish", "photo_id": photo_id, "area": "huyện Sơn Hà"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(PublicNotice.id)) is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "photo_id" in page or "Choose one of this person" in page or "whole number" in page


# --- dates at the calendar's edges, offsets, non-string dates ---------------------------------

@pytest.mark.parametrize(("query", "field"), [
    ("from=0001-01-01", "from"), ("to=9999-12-31", "to"), ("from=2020-02-30", "from"),
    ("from=2000-01-01&to=2020-01-01", "to"), ("to=%2B2024-01-01", "to"),
    ("from=1900-01-01", "from"),
])
def test_stats_period_out_of_range_is_422(client, province, token, login, query, field):
    response = client.get(f"/api/v1/stats?{query}", headers=token("chief"))
    assert response.status_code == 422
    assert field in fields(response)
    login("chief")
    assert client.get(f"/dashboard?{query}").status_code == 200
    assert client.get(f"/dashboard/units.csv?{query}").status_code == 200


@pytest.mark.parametrize(("query", "field"), [
    ("from=0001-01-01", "from"), ("to=9999-12-31", "to"), (f"page={BEYOND_INT64}", "page"),
    ("page=²", "page"), ("per_page=201", "per_page"), ("outcome=x", "outcome"),
])
def test_audit_filters_out_of_range_are_422(client, province, token, login, query, field):
    response = client.get(f"/api/v1/audit?{query}", headers=token("admin"))
    assert response.status_code == 422
    assert field in fields(response)
    login("admin")
    assert client.get(f"/admin/audit/?{query}").status_code == 422


@pytest.mark.parametrize(("query", "field", "message"), [
    ("actor=" + "a" * 65, "actor", "At most 64 characters."),
    ("action=" + "a" * 65, "action", "At most 64 characters."),
    ("object=" + "a" * 101, "object", "At most 100 characters."),
    ("outcome=NaN", "outcome", "Must be one of"), ("to=1e309", "to", "Must be a date"),
    ("page=²", "page", "Must be a whole number."),
])
def test_a_refused_audit_filter_is_named_on_the_page(client, province, login, query, field,
                                                     message):
    login("admin")
    client.get("/lang/en")
    response = client.get(f"/admin/audit/?{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    shown = re.search(rf'<div class="invalid-feedback d-block" data-field="{field}">([^<]*)',
                      page)
    assert shown and message in shown.group(1)


@pytest.mark.parametrize(("value", "field"), [
    ("0001-01-01T00:00", "contacted_at"), ("9999-12-31T23:59", "contacted_at"),
    ("2020-01-01T00:00+14:30", "contacted_at"), ("2020-01-01T00:00-23:59", "contacted_at"),
    (20200101, "contacted_at"), ([2020, 1, 1], "contacted_at"), ({"y": 2020}, "contacted_at"),
])
def test_edge_moments_in_outreach_are_422(client, province, token, make_person, value, field):
    person = make_person()
    response = client.post(f"/api/v1/persons/{person.id}/outreach", headers=token("off_a"),
                           json={"contacted_at": value, "channel": "visit",
                                 "outcome": "refused"})
    assert response.status_code == 422
    assert field in fields(response)


@pytest.mark.parametrize(("field", "value"), [
    ("contacted_at", "0001-01-01T00:00"), ("contacted_at", "9999-12-31T23:59"),
    ("contacted_at", "²⁰²⁰-01-01T00:00"), ("follow_up_on", "0001-01-01"),
    ("follow_up_on", "9999-12-31"), ("follow_up_on", "2020-02-30"),
])
def test_edge_dates_in_the_outreach_form_are_refused_at_their_field(client, province, login,
                                                                   make_person, field, value):
    person = make_person()
    login("off_a")
    data = {"contacted_at": "2025-01-05T08:30", "channel": "visit", "outcome": "refused",
            field: value}
    response = client.post(f"/persons/{person.id}/log/outreach", data=data)
    assert response.status_code == 422
    assert f'data-field="{field}"' in response.get_data(as_text=True)


def test_offsets_of_fourteen_hours_are_accepted(client, province, token, make_person):
    person = make_person()
    for offset in ("+14:00", "-12:00"):
        response = client.post(f"/api/v1/persons/{person.id}/outreach", headers=token("off_a"),
                               json={"contacted_at": f"2020-01-01T00:00{offset}",
                                     "channel": "visit", "outcome": "refused"})
        assert response.status_code == 201, response.json


@pytest.mark.parametrize("body", [
    {"birth_date": 19900101}, {"birth_date": True}, {"birth_date": "0001-01-01"},
    {"birth_date": "9999-12-31"}, {"birth_year": 10**30}, {"birth_year": "1990"},
    {"decision": {"date": 20200101}}, {"decision": {"date": "0001-01-01"}},
    {"decision": "2020-01-01"},
])
def test_bad_dates_in_a_person_are_422(client, province, token, body):
    response = client.post("/api/v1/persons", headers=token("off_a"),
                           json={"full_name": "Lê Văn Tám", **body})
    assert response.status_code == 422
    name = next(iter(body))
    assert any(key.startswith(name) for key in fields(response))


def test_a_person_form_with_a_date_beyond_2100_is_refused(client, province, login):
    login("off_a")
    client.get("/lang/en")
    response = client.post("/persons/new", data={
        "full_name": "Lê Văn Tám", "sex": "unknown", "danger_class": "normal", "unit": "A",
        "birth_date": "9999-12-31"})
    assert response.status_code == 422
    assert "Must be a date from 1900-01-01 to 2100-12-31." in response.get_data(as_text=True)


# --- NUL, control characters and lone surrogates -----------------------------------------------

@pytest.mark.parametrize("name", ["Lê\x00Tám", "Lê\x1bTám", "Lê\ud800Tám", "Lê\x85Tám"])
def test_control_characters_and_lone_surrogates_are_422(client, app, province, token, name):
    raw = json.dumps({"full_name": name})  # a lone surrogate travels as "\ud800"
    response = client.post("/api/v1/persons", headers=token("off_a"), data=raw,
                           content_type="application/json")
    assert response.status_code == 422
    assert "full_name" in fields(response)
    with app.app_context():
        assert db.session.scalar(select(WantedPerson.id)) is None


def test_notes_keep_tabs_and_line_breaks_but_refuse_nul(client, province, token, make_person):
    person = make_person()
    url = f"/api/v1/persons/{person.id}/outreach"
    ok = client.post(url, headers=token("off_a"), json={
        "channel": "visit", "outcome": "refused", "notes": "dòng 1\n\tdòng 2\r\n"})
    assert ok.status_code == 201
    refused = client.post(url, headers=token("off_a"), json={
        "channel": "visit", "outcome": "refused", "notes": "a\x00b", "relation": "x\ty"})
    assert refused.status_code == 422
    assert set(fields(refused)) == {"notes", "relation"}


def test_nul_in_a_page_form_or_query_is_refused_naming_the_field(client, province, login):
    login("off_a")
    client.get("/lang/en")
    response = client.post("/persons/new", data={"full_name": "Lê\x00Tám", "unit": "A"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "full_name" in page and "control characters" in page
    assert client.get("/?q=a%00b").status_code == 422
    login_page = client.post("/login", data={"username": "x\x00", "password": "y"})
    assert login_page.status_code == 422


def error_at(page: str, name: str) -> str:
    """The message shown at the named field (the field marked invalid), or ""."""
    tag = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{name}"[^>]*>', page)
    feedback = re.search(rf'class="invalid-feedback[^"]*"[^>]*data-field="{name}">([^<]*)<',
                         page)
    return feedback.group(1) if tag and "is-invalid" in tag.group(0) and feedback else ""


@pytest.mark.parametrize(("url", "data", "name"), [
    ("/account/password", {"current_password": PASSWORD, "password": "mật khẩu mới\x1b dài"},
     "password"),
    ("/persons/{person}/log/outreach", {"contacted_at": "2025-01-05T08:30", "channel": "visit",
                                        "outcome": "refused", "notes": "đã gặp mẹ\x00"},
     "notes"),
])
def test_control_characters_in_a_page_form_are_shown_at_the_field(client, province, login,
                                                                   make_person, url, data,
                                                                   name):
    # The form comes back with the error at the field (what was typed elsewhere kept), not an
    # error page without the form.
    person = make_person("off_a", unit="A")
    login("off_a")
    client.get("/lang/en")
    response = client.post(url.format(person=person.id), data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "control characters" in error_at(page, name)
    assert 'data-testid="error-message"' not in page


def test_a_control_character_in_the_validation_note_is_named(client, province, login,
                                                             make_person):
    # The validation card answers on the person's page: its message names the field.
    person = make_person("off_a", unit="A")
    login("sup_a")
    client.get("/lang/en")
    response = client.post(f"/persons/{person.id}/validate",
                           data={"confirm": "y", "note": "đã xem\x00"}, follow_redirects=True)
    assert "Note: Contains characters that are not allowed (control characters)." in \
        response.get_data(as_text=True)


def test_a_control_character_in_a_withdrawal_reason_is_named(client, app, province, login,
                                                             make_person):
    # The withdrawal form is a card on the person's page: the refusal is flashed there, naming
    # the field (it once redirected without a word, when the form took over from the guard).
    from wanted.auth.services import user_by_username
    from wanted.public import services as publication
    from wanted.registry.services import get_person

    person = make_person("off_a", unit="A")
    with app.app_context():
        publication.publish(user_by_username("chief"), get_person(person.id),
                            {"area": "phường Đông Thành", "contact": "0203 111 222"})
        db.session.commit()
    login("chief")
    client.get("/lang/en")
    response = client.post(f"/persons/{person.id}/publication",
                           data={"action": "withdraw", "reason": "trùng\x1b"},
                           follow_redirects=True)
    assert "Reason: Contains characters that are not allowed (control characters)." in \
        response.get_data(as_text=True)
    with app.app_context():
        assert publication.current_notice(person.id) is not None


def test_closing_a_tip_someone_closed_meanwhile_says_so(client, app, province, login):
    # A second officer's close, with any outcome, is told the tip is closed; it was a 422 page
    # without the close form and without any message.
    from wanted.auth.services import user_by_username
    from wanted.public import services as publication

    with app.app_context():
        tip = publication.submit_tip({"text": "thấy ở chợ"})
        publication.close_tip(user_by_username("chief"), tip, "đã xác minh")
        db.session.commit()
        tip_id = tip.id
    login("chief")
    client.get("/lang/en")
    for outcome in ("", "đã xác minh lại"):
        response = client.post(f"/tips/citizen/{tip_id}/close", data={"outcome": outcome})
        assert response.status_code == 409
        assert "This tip is already closed." in response.get_data(as_text=True)


def test_stored_control_characters_do_not_break_the_exports(client, app, province, login,
                                                            make_person):
    from io import BytesIO

    from openpyxl import load_workbook

    person = make_person(full_name="Trần Văn Bảy")
    with app.app_context():  # text stored before the schemas refused it
        db.session.execute(text("UPDATE wanted_persons SET full_name = :n WHERE id = :i"),
                           {"n": "Trần\x01Văn\x0bBảy\x7f", "i": person.id})
        db.session.commit()
    login("chief")
    xlsx = client.get("/registry/export.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.data)).active
    assert sheet.cell(row=2, column=2).value == "TrầnVănBảy"
    csv = client.get("/registry/export.csv")
    assert csv.status_code == 200
    assert "TrầnVănBảy" in csv.data.decode("utf-8-sig")


def test_nul_and_odd_bytes_in_paths_are_404(client, province, token, login):
    for path in ("/api/v1/persons/%00", "/api/v1/no%00such", "/api/v1/persons/%ED%A0%80"):
        response = client.get(path, headers=token("off_a"))
        assert response.status_code == 404
        assert response.is_json
    login("off_a")
    for path in ("/persons/%00", "/lang/%00", "/no%00such"):
        assert client.get(path).status_code == 404


# --- JSON bodies: malformed, not an object, nested too deeply ----------------------------------

@pytest.mark.parametrize("raw", [
    b'{"full_name": ', b"\xff\xfe", b"[]", b'"text"', b"42", b"null", b"[" * 100_000,
    json.dumps({"full_name": "x", "decision": {"number": [[[[[[[[[["x"]]]]]]]]]]}}).encode(),
    b'{"a":' * 50_000,
])
def test_bad_json_is_400(client, province, token, raw):
    response = client.post("/api/v1/persons", headers=token("off_a"), data=raw,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


def test_a_well_formed_body_with_wrong_fields_is_422(client, province, token):
    response = client.post("/api/v1/persons", headers=token("off_a"),
                           json={"full_name": 7, "colour": "red", "aliases": "x"})
    assert response.status_code == 422
    assert set(fields(response)) == {"full_name", "colour", "aliases"}


# --- the stored denial of service: a campaign ending 9999-12-31 --------------------------------

@pytest.mark.parametrize(("starts", "ends"), [
    ("2024-01-01", "9999-12-31"), ("0001-01-01", "2024-01-01"), ("2020-01-01", "2026-01-02")])
def test_a_campaign_period_out_of_range_is_refused_before_insert(client, app, province, token,
                                                                 login, starts, ends):
    response = client.post("/api/v1/campaigns", headers=token("chief"), json={
        "name": "Đợt", "starts_on": starts, "ends_on": ends,
        "targets": [{"unit": "A", "arrests": 1}]})
    assert response.status_code == 422
    assert {"starts_on", "ends_on"} & set(fields(response))
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM campaigns")) == 0
    login("chief")
    page = client.post("/campaigns/new", data={
        "name": "Đợt", "starts_on": starts, "ends_on": ends,
        "targets-0-unit": "A", "targets-0-arrests": "1"})
    assert page.status_code == 422
    for path in ("/campaigns", "/dashboard"):
        assert client.get(path).status_code == 200
    for path in ("/api/v1/campaigns", "/api/v1/stats"):
        assert client.get(path, headers=token("off_a")).status_code == 200


def test_a_campaign_stored_with_an_extreme_end_does_not_break_the_pages(client, app, province,
                                                                        token, login):
    today = date.today()
    response = client.post("/api/v1/campaigns", headers=token("chief"), json={
        "name": "Đợt", "starts_on": (today - timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "targets": [{"unit": "A", "arrests": 1}]})
    assert response.status_code == 201
    with app.app_context():  # a row written before the rule existed
        db.session.execute(text("UPDATE campaigns SET ends_on = :d"), {"d": date(9999, 12, 31)})
        db.session.commit()
    login("chief")
    for path in ("/campaigns", "/dashboard", f"/campaigns/{response.json['id']}"):
        assert client.get(path).status_code == 200, path
    for path in ("/api/v1/campaigns", "/api/v1/stats"):
        assert client.get(path, headers=token("chief")).status_code == 200, path


# --- domain rules: a tip of source "match" only from a review ----------------------------------

def test_a_hand_typed_match_tip_is_refused_by_the_api(client, province, token, make_person):
    person = make_person()
    response = client.post(f"/api/v1/persons/{person.id}/tips", headers=token("off_a"),
                           json={"source": "match", "text": "khớp khuôn mặt"})
    assert response.status_code == 422
    assert "source" in fields(response)
    timeline = client.get(f"/api/v1/persons/{person.id}/timeline", headers=token("off_a"))
    assert [i["kind"] for i in timeline.json["items"]] == ["registered"]


def test_a_hand_typed_match_tip_is_refused_by_the_page_and_the_service(client, app, province,
                                                                         login, make_person):
    from wanted.auth import services as auth
    from wanted.errors import ValidationFailed
    from wanted.pursuit import services as pursuit
    from wanted.pursuit.models import Tip

    person = make_person()
    login("off_a")
    client.get("/lang/en")
    response = client.post(f"/persons/{person.id}/log/tip", data={
        "received_at": "2025-01-05T08:30", "source": "match", "text": "khớp khuôn mặt"})
    assert response.status_code == 422
    assert 'data-field="source"' in response.get_data(as_text=True)
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            pursuit.create_tip(auth.user_by_username("off_a"), db.session.get(
                WantedPerson, person.id), {"source": "match", "text": "khớp khuôn mặt"})
        assert "source" in refused.value.fields
        db.session.rollback()
        assert db.session.scalar(select(Tip.id)) is None


# --- unexpected failures: rolled back, audited apart, request id shown and logged --------------

def broken_view(*args, **kwargs):
    """Fail as a database error would, leaving (on PostgreSQL) an aborted transaction."""
    db.session.execute(text("SELECT no_such_column FROM wanted_persons"))


def test_a_database_error_in_an_api_call_is_audited_in_a_fresh_transaction(
        client, app, province, token, make_person, monkeypatch, caplog):
    person = make_person()
    monkeypatch.setattr("wanted.registry.services.view_person_snapshot", broken_view)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/api/v1/persons/{person.id}", headers=token("off_a"))
    assert response.status_code == 500
    request_id = response.json["error"]["request_id"]
    assert request_id and request_id in response.json["error"]["message"]
    assert response.headers["X-Request-Id"] == request_id
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        failure = next(e for e in events if e.action == "request.error")
        assert failure.details["request_id"] == request_id
        assert failure.outcome == "error"
        call = events[-1]
        assert call.action == "api.call" and call.outcome == "error"
        assert call.details["status"] == 500


@pytest.mark.parametrize("mode", [{}, {"TESTING": False, "PROPAGATE_EXCEPTIONS": False},
                                  {"TESTING": False, "DEBUG": True}],
                         ids=["testing", "production", "debug"])
def test_a_page_error_shows_the_app_page_with_the_request_id(client, app, province, login,
                                                             make_person, monkeypatch, mode):
    app.config.update(mode)
    person = make_person()
    login("off_a")
    monkeypatch.setattr("wanted.registry.services.view_person", broken_view)
    response = client.get(f"/persons/{person.id}")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert response.headers["X-Request-Id"] in page
    assert 'data-testid="request-id"' in page and "<nav" in page


def test_the_error_page_stands_even_when_the_layout_cannot_be_drawn(client, app, province, login,
                                                                    make_person, monkeypatch):
    person = make_person()
    login("off_a")
    monkeypatch.setattr("wanted.registry.services.view_person", broken_view)

    def database_down():
        raise RuntimeError("database unreachable")

    app.jinja_env.globals["nav_items"] = database_down  # the layout queries the database
    response = client.get(f"/persons/{person.id}")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Internal Server Error" not in page
    assert response.headers["X-Request-Id"] in page
    assert 'data-testid="error-message"' in page
