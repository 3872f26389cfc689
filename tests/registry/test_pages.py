"""Registry pages: the person form's errors, edit conflicts, scope, and what gets audited."""

import re

from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.extensions import db


def form_data(**overrides):
    data = {"full_name": "Nguyễn Văn Hùng", "sex": "male", "danger_class": "normal",
            "unit": "A", "assigned_officer": "", "charges": ["173"],
            "decision_number": "05/QĐ-TN", "decision_date": "2025-02-03"}
    data.update(overrides)
    return data


def test_officer_adds_a_person_from_the_form(client, login, province):
    login("off_a")
    response = client.post("/persons/new", data=form_data(aliases="Hùng sẹo\nTí"),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nguyễn Văn Hùng" in page and "Hùng sẹo, Tí" in page


def test_form_errors_say_which_field_and_why(client, login, province):
    login("off_a")
    response = client.post("/persons/new", data=form_data(full_name="", id_number="12ab",
                                                          birth_year="1700"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-field="full_name"' in page
    assert 'data-field="birth_year"' in page
    # The service's own rule comes back on the field as well.
    response = client.post("/persons/new", data=form_data(id_number="12ab"))
    assert response.status_code == 422
    assert 'data-field="id_number"' in response.get_data(as_text=True)


def test_saving_over_a_newer_edit_shows_the_conflict_and_overwrites_nothing(
        client, login, token, province, make_person):
    person = make_person(last_known_address="bến xe Nam Hà")
    login("off_a")
    client.get(f"/persons/{person.id}/edit")  # the officer opens the form at version 1
    client.patch(f"/api/v1/persons/{person.id}", json={"last_known_address": "chợ Ga"},
                 headers={**token("sup_a"), "If-Match": "1"})
    response = client.post(f"/persons/{person.id}/edit", data=form_data(
        version="1", last_known_address="nhà trọ Tân Lập"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-testid="edit-conflict"' in page
    assert "chợ Ga" in page and "nhà trọ Tân Lập" in page
    saved = client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json
    assert saved["last_known_address"] == "chợ Ga"
    # Saving again from the conflict page applies the officer's value knowingly.
    response = client.post(f"/persons/{person.id}/edit", data=form_data(
        version="2", last_known_address="nhà trọ Tân Lập"))
    assert response.status_code == 302
    saved = client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json
    assert saved["last_known_address"] == "nhà trọ Tân Lập"


def test_other_unit_officer_cannot_open_the_edit_form(client, login, province, make_person):
    person = make_person(unit="A")
    login("off_b")
    assert client.get(f"/persons/{person.id}").status_code == 200
    assert client.get(f"/persons/{person.id}/edit").status_code == 403


def test_officer_cannot_reach_admin_pages(client, login, province):
    login("off_a")
    for url in ("/admin/users", "/admin/users/new", "/admin/units", "/admin/audit/"):
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_sign_in(client, province, make_person):
    person = make_person()
    for url in ("/", f"/persons/{person.id}", "/persons/new", "/admin/users"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_view_create_and_edit_are_audited(app, client, login, province, make_person):
    person = make_person()
    login("off_a")
    client.get("/?q=hung")
    client.get(f"/persons/{person.id}")
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_name,
                                           AuditEvent.object_id)).all()
    assert ("person.create", "off_a", str(person.id)) in events
    assert ("person.search", "off_a", None) in events
    assert ("person.view", "off_a", str(person.id)) in events
    assert ("login", "off_a", None) in events


def test_language_switch_to_english_and_back(client, login, province):
    login("off_a")
    client.get("/lang/en")
    assert "Sign out" in client.get("/").get_data(as_text=True)
    client.get("/lang/vi")
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)


def test_person_page_follows_each_language_switch_of_the_session(client, login, province,
                                                                make_person):
    person = make_person(sex="male")
    login("off_a")
    # Template text, a macro's text (the log forms' titles) and the label tables, each way.
    vietnamese = ("Diễn biến hồ sơ", "Ghi nhận lần vận động đầu thú", "Đang truy nã", "Nam")
    english = ("Timeline", "Log an outreach contact", "Wanted", "Male")
    for lang, shown, not_shown in (("vi", vietnamese, english), ("en", english, vietnamese),
                                   ("vi", vietnamese, english)):
        client.get(f"/lang/{lang}")
        page = client.get(f"/persons/{person.id}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in page
        assert all(f">{text}<" in page or f"> {text}<" in page for text in shown), lang
        assert not any(f">{text}<" in page or f"> {text}<" in page for text in not_shown), lang


def test_list_pages_through_results_keeping_the_filters(app, client, login, province,
                                                        make_person):
    app.config["PER_PAGE"] = 2
    for name in ("An Văn A", "Bùi Văn B", "Cao Văn C"):
        make_person(full_name=name)
    login("off_a")
    first = client.get("/?q=van&sort=name").get_data(as_text=True)
    assert "An Văn A" in first and "Cao Văn C" not in first
    assert 'rel="next" href="/?q=van&amp;sort=name&amp;page=2"' in first
    second = client.get("/?q=van&sort=name&page=2").get_data(as_text=True)
    assert "Cao Văn C" in second and "An Văn A" not in second and 'rel="prev"' in second


def test_charges_are_ticked_in_a_list_of_boxes_not_a_ctrl_click_list(client, login, province):
    login("off_a")
    page = client.get("/persons/new").get_data(as_text=True)
    assert not re.search(r'<select[^>]*name="charges"', page)
    assert re.search(r'<input[^>]*name="charges"[^>]*type="checkbox"|'
                     r'<input[^>]*type="checkbox"[^>]*name="charges"', page)
    # Ticking two boxes saves both charges.
    response = client.post("/persons/new", data=form_data(charges=["173", "168"]),
                           follow_redirects=True)
    shown = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "173" in shown and "168" in shown
