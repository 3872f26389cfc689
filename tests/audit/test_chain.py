"""The audit log is a hash chain: editing or deleting any row is detected."""

from sqlalchemy import delete, select, update

from wanted.audit.models import AuditEvent
from wanted.extensions import db


def make_events(client, login, make_person):
    person = make_person()
    login("off_a")
    client.get(f"/persons/{person.id}")
    client.get("/?q=hung")


def verify(client, token):
    return client.get("/api/v1/audit/verify", headers=token("admin")).json


def test_chain_verifies_when_untouched(client, login, token, province, make_person):
    make_events(client, login, make_person)
    result = verify(client, token)
    assert result["ok"] is True and result["events"] > 5


def test_editing_a_row_breaks_the_chain_there(app, client, login, token, province, make_person):
    make_events(client, login, make_person)
    with app.app_context():
        target = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "person.view"))
        db.session.execute(update(AuditEvent).where(AuditEvent.id == target)
                           .values(actor_name="someone_else"))
        db.session.commit()
    result = verify(client, token)
    assert result["ok"] is False and result["broken_at"] == target


def test_deleting_a_row_breaks_the_chain(app, client, login, token, province, make_person):
    make_events(client, login, make_person)
    with app.app_context():
        target = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "person.view"))
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == target))
        db.session.commit()
    result = verify(client, token)
    assert result["ok"] is False and result["broken_at"] > target


def test_audit_api_and_page_are_for_admins_only(client, login, token, province):
    assert client.get("/api/v1/audit", headers=token("sup_a")).status_code == 403
    assert client.get("/api/v1/audit/verify", headers=token("off_a")).status_code == 403
    login("admin")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert 'data-testid="chain-status"' in page and "alert-success" in page


def test_every_api_call_is_audited_with_its_outcome(client, token, province):
    client.get("/api/v1/persons", headers={"Authorization": "Bearer wrong"})
    client.get("/api/v1/persons?status=bad", headers=token("off_a"))
    items = client.get("/api/v1/audit?action=api.call", headers=token("admin")).json["items"]
    by_status = {(e["details"]["status"], e["outcome"]) for e in items}
    assert (401, "denied") in by_status and (422, "failed") in by_status
