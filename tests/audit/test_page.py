"""The audit page and API: filters, pages, readable details, local time, CSV export."""

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.extensions import db


def activity(client, login, make_person):
    """Views by off_a of one person, a search with Vietnamese words, and a refused page."""
    person = make_person(full_name="Nguyễn Văn Hùng")
    login("off_a")
    for _ in range(3):
        client.get(f"/persons/{person.id}")
    client.get("/?q=Hùng Đông")
    client.get("/admin/audit/")  # refused: officers do not read the audit log
    return person


def test_the_api_filters_by_user_action_object_outcome_and_period(app, client, login, token,
                                                                 province, make_person):
    person = activity(client, login, make_person)
    admin = token("admin")
    views = client.get(f"/api/v1/audit?actor=off_a&action=person.view&object=person:{person.id}",
                       headers=admin).json
    assert views["total"] == 3 and {e["action"] for e in views["items"]} == {"person.view"}
    denied = client.get("/api/v1/audit?outcome=denied&actor=off_a", headers=admin).json
    assert [e["action"] for e in denied["items"]] == ["access.denied"]
    paged = client.get("/api/v1/audit?object=person&per_page=2&page=2", headers=admin).json
    assert paged["total"] >= 4 and len(paged["items"]) == 2 and paged["page"] == 2
    with app.app_context():
        newest = db.session.scalar(select(AuditEvent.at).order_by(AuditEvent.id.desc()))
    local_day = (newest + timedelta(hours=7)).date()
    today = client.get(f"/api/v1/audit?from={local_day}&to={local_day}&actor=off_a",
                       headers=admin).json
    assert today["total"] >= 5
    earlier = local_day - timedelta(days=3)
    assert client.get(f"/api/v1/audit?from={earlier}&to={earlier}",
                      headers=admin).json["total"] == 0


def test_bad_filters_are_refused_naming_the_field(client, login, token, province):
    admin = token("admin")
    response = client.get("/api/v1/audit?from=2026-13-40&outcome=maybe", headers=admin)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"from", "outcome"}
    nul = client.get("/api/v1/audit?actor=a%00b", headers=admin)
    assert nul.status_code == 422 and set(nul.json["error"]["fields"]) == {"actor"}
    far = client.get("/api/v1/audit?page=99999999999999999999&per_page=-5", headers=admin)
    assert far.status_code == 422 and set(far.json["error"]["fields"]) == {"page", "per_page"}
    login("admin")
    page = client.get("/admin/audit/?to=yesterday")
    assert page.status_code == 422 and "YYYY-MM-DD" in page.get_data(as_text=True)


def test_the_page_pages_and_shows_readable_details_in_local_time(app, client, login, province,
                                                                 make_person):
    activity(client, login, make_person)
    app.config["AUDIT_PER_PAGE"] = 4
    login("admin")
    first = client.get("/admin/audit/").get_data(as_text=True)
    assert first.count('data-testid="audit-row"') == 4 and 'rel="next"' in first
    search = client.get("/admin/audit/?action=person.search").get_data(as_text=True)
    assert "Hùng Đông" in search and "\\u" not in search
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")
                                   ).one()
    local = (event.at + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S")
    assert local in search


def test_the_csv_export_follows_the_filters_and_is_audited(app, client, login, province,
                                                           make_person):
    person = activity(client, login, make_person)
    login("admin")
    response = client.get(f"/admin/audit/export.csv?action=person.view&object=person:{person.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 4 and {row[4] for row in rows[1:]} == {"person.view"}
    search = client.get("/admin/audit/export.csv?action=person.search").get_data(as_text=True)
    assert "Hùng Đông" in search
    with app.app_context():
        exports = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "audit.export").order_by(AuditEvent.id)).all()
    assert exports[0].actor_name == "admin"
    assert exports[0].details == {"action": "person.view", "object_type": "person",
                                  "object_id": str(person.id)}
