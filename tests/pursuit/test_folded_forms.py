"""The person page links its folded forms; each form's page gives its card alone to the fold."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.validation import local_zone

# Each folded form of a unit supervisor's person page: its button, its page, what its card holds.
FOLDS = {
    "open-outreach": ("/log/outreach", 'data-testid="log-outreach-form"', 'name="contacted_at"'),
    "open-attempt": ("/log/attempt", 'data-testid="log-attempt-form"', 'name="attempted_at"'),
    "open-tip": ("/log/tip", 'data-testid="log-tip-form"', 'name="received_at"'),
    "open-status": ("/status", 'data-testid="status-form"', 'name="document_number"'),
    "open-reassign": ("/assign", 'data-testid="reassign-form"', 'name="officer"'),
    "open-validate": ("/validate", 'data-testid="validate-form"', 'name="confirm"'),
}


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def link(page: str, testid: str) -> str:
    """Return the href of the element with this data-testid."""
    tag = re.search(rf'<a [^>]*data-testid="{testid}"[^>]*>', page)
    assert tag, testid
    return re.search(r'href="([^"]*)"', tag.group(0)).group(1)


def test_the_person_page_links_its_forms_instead_of_carrying_them(
        client, province, make_person, login):
    person = make_person("off_a", unit="A")
    login("sup_a")
    client.get("/lang/en")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    for testid, (path, form, field) in FOLDS.items():
        assert link(page, testid) == f"/persons/{person.id}{path}"
        assert form not in page and field not in page, testid
    labels = [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in re.findall(
        r'data-testid="open-[a-z]+">(.*?)</a>', page, re.S)]
    assert labels == ["Validate the record", "Log an outreach contact", "Log an arrest attempt",
                      "Log a tip", "Change status", "Reassign"]


def test_an_officer_sees_only_the_links_to_the_forms_they_may_open(
        client, province, make_person, login):
    person = make_person("off_a", unit="A")
    login("off_b")  # another unit: passes a tip on, nothing else
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert link(page, "open-tip") == f"/persons/{person.id}/log/tip"
    for testid in ("open-outreach", "open-attempt", "open-status", "open-reassign",
                   "open-validate"):
        assert f'data-testid="{testid}"' not in page, testid


@pytest.mark.parametrize("testid", sorted(FOLDS))
def test_a_fold_fetches_the_form_card_alone(app, client, province, make_person, login, testid):
    person = make_person("off_a", unit="A")
    login("sup_a")
    app.config.update(WTF_CSRF_ENABLED=True)  # the card carries its token like the page
    path, form, field = FOLDS[testid]
    response = client.get(f"/persons/{person.id}{path}?fragment=1")
    card = response.get_data(as_text=True)
    assert response.status_code == 200
    assert card.lstrip().startswith("<form") and card.rstrip().endswith("</form>")
    assert form in card and field in card
    assert f'action="/persons/{person.id}{path}"' in card  # posts where the form always did
    assert re.search(r'name="csrf_token"[^>]* value="[^"]{20,}"', card)
    assert "<nav" not in card and "<html" not in card
    page = client.get(f"/persons/{person.id}{path}").get_data(as_text=True)
    assert "<nav" in page and form in page  # without scripts, the link opens the whole page
    assert events(app, "person.view") == []  # neither adds a view of the person


@pytest.mark.parametrize(("kind", "field"), [("outreach", "contacted_at"),
                                             ("attempt", "attempted_at"),
                                             ("tip", "received_at")])
def test_a_log_card_has_its_time_set_to_local_now(app, client, province, make_person, login,
                                                  kind, field):
    person = make_person("off_a", unit="A")
    login("off_a")
    card = client.get(f"/persons/{person.id}/log/{kind}?fragment=1").get_data(as_text=True)
    assert "<nav" not in card
    value = re.search(rf'<input [^>]*name="{field}"[^>]*value="([^"]+)"', card).group(1)
    with app.app_context():
        now = datetime.now(local_zone()).replace(tzinfo=None)
    assert timedelta(0) <= now - datetime.fromisoformat(value) < timedelta(minutes=2)


def test_the_reassign_card_offers_officers_and_names_the_assigned_one(
        client, province, make_person, login):
    person = make_person("off_a", unit="A", assigned_officer="off_a")
    login("sup_a")
    card = client.get(f"/persons/{person.id}/assign?fragment=1").get_data(as_text=True)
    assert re.search(r'<option selected value="off_a">|<option value="off_a" selected>', card)


@pytest.mark.parametrize(("username", "path", "allowed"), [
    ("off_b", "/log/outreach", "off_a"),  # another unit logs no work
    ("off_b", "/log/attempt", "off_a"),
    ("admin", "/log/tip", "off_b"),  # admins pass on no tips; any officer does
    ("off_a", "/status", "sup_a"),  # only supervisors change the status
    ("sup_b", "/status", "chief"),
    ("off_a", "/assign", "sup_a"),  # only supervisors reassign
    ("sup_b", "/assign", "chief"),
    ("off_b", "/validate", "off_a"),
])
def test_a_fold_refused_to_the_user_gives_no_form(app, client, province, make_person, login,
                                                  username, path, allowed):
    person = make_person("off_a", unit="A")
    login(allowed)
    card = client.get(f"/persons/{person.id}{path}?fragment=1").get_data(as_text=True)
    assert card.lstrip().startswith('<form method="post" action="/persons')
    login(username)
    page = client.get(f"/persons/{person.id}{path}")
    card = client.get(f"/persons/{person.id}{path}?fragment=1")
    assert page.status_code == card.status_code == 403
    assert '<form method="post" action="/persons' not in card.get_data(as_text=True)
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent.actor_name).where(
            AuditEvent.outcome == "denied")).all()
    assert denied == [username] * 2  # the page's denial, and the card's


def test_an_unknown_person_or_kind_has_no_fold(client, province, make_person, login):
    person = make_person("off_a", unit="A")
    login("sup_a")
    for path, _form, _field in FOLDS.values():
        assert client.get(f"/persons/999999{path}?fragment=1").status_code == 404, path
    assert client.get(f"/persons/{person.id}/log/escape?fragment=1").status_code == 404


def test_a_closed_record_has_no_validation_card(client, province, make_person, login, token):
    person = make_person("off_a", unit="A")
    client.post(f"/api/v1/persons/{person.id}/status", headers=token("sup_a"), json={
        "status": "arrested", "reason": "bắt được", "document_number": "BB-1",
        "document_date": "2025-03-05"})
    login("sup_a")
    assert 'data-testid="open-validate"' not in client.get(f"/persons/{person.id}").get_data(
        as_text=True)
    assert client.get(f"/persons/{person.id}/validate?fragment=1").status_code == 409
