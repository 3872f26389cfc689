"""Pages read what they show in a bounded number of SQL statements, whatever the data."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import before_render_template
from sqlalchemy import event, select

from tests.public.conftest import jpeg_bytes
from tests.pursuit.test_work import ATTEMPT, OUTREACH, TIP, add_review, make_hit
from wanted.audit import services as audit
from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.public import services as publication
from wanted.registry import services as registry
from wanted.registry import validation
from wanted.registry.services import get_person
from wanted.timeutil import utcnow

# The person page: the user with their unit and the unit tree; the person with unit, officer,
# charges and photos; the whole timeline (every kind, and the notice and validation panels)
# in one UNION; the pending hits with their count; the audit event (its chain head and its
# insert, plus PostgreSQL's chain lock). Its folded forms (and the reassignment's list of
# officers) are fetched from their own pages when opened.
PERSON_PAGE_STATEMENTS = 8
# The search page: the user (and the unit tree, which gives the unit list too), the count and the
# page's ids (one statement on PostgreSQL), the rows with their unit, charges and photo in one
# statement, the audit event (its chain's end, with PostgreSQL's lock in the same statement, and
# its insert), the overdue validations with their unit, the pending hits; on PostgreSQL also the
# planner's estimate of how common the words are (EXPLAIN). The unit list had a statement of its
# own before (9 on SQLite, 8 on PostgreSQL). Not counted: the SET LOCAL settings of the
# name search (no parallel workers; and, when the estimate says the words are rare, the trigram
# index, which of the two routes being taken depends on whether autovacuum has analysed the
# table yet).
SEARCH_PAGE_STATEMENTS = {"sqlite": 8, "postgresql": 7}
# The dashboard (a province supervisor, a running campaign with two targets): the user, the
# figures (statuses by unit; every single-number count, headline and overdue, in one
# statement; the unit tree; the running campaigns with their targets; the quiet cases; the
# weekly results; the campaigns' results in one statement; the officers and their two counts
# in one UNION; the overdue hits, citizen tips and validations, a statement each; the hits'
# answer times), the campaign list, pending hits and the audit event (chain head, insert,
# PostgreSQL's lock). 24 before the lists were read as rows and the counts merged.
DASHBOARD_STATEMENTS = 19
# The API's person: the token with its user, the person with unit, officer and charges in one
# statement on either database, and one append of the view's and the call's audit events
# (chain head, insert, PostgreSQL's lock).
API_PERSON_STATEMENTS = 5


@contextmanager
def counted(app):
    """Collect every SQL statement the app runs in the block, and those run while rendering.

    A statement string holding several statements counts as that many.
    """
    statements: list[str] = []
    rendering: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        # The server-side session store (its read and its update) is counted apart: production
        # keeps sessions in Redis, not in the database.
        if not statement.startswith("BEGIN") and "user_sessions" not in statement:
            statements.extend(part for part in statement.split(";") if part.strip())
            if rendering:
                rendering.append(statement)

    def render_starts(_app, template, **_context) -> None:
        rendering.append(f"(rendering {template.name})")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    before_render_template.connect(render_starts, app)
    try:
        yield statements, rendering
    finally:
        event.remove(engine, "before_cursor_execute", count)
        before_render_template.disconnect(render_starts, app)


@pytest.fixture
def busy_person(app, client, province, make_person, token):
    """A person of unit A with charges, two photos, every kind of timeline entry, a notice,
    a validation and a pending face-match hit."""
    person = make_person("off_a", unit="A", charges=["173", "168"],
                         registered_address="Số 1, xã Khe Mây, huyện Sơn Hà")
    headers, chief = token("off_a"), token("sup_a")
    for _entry in range(3):
        client.post(f"/api/v1/persons/{person.id}/outreach", headers=headers, json=OUTREACH)
        client.post(f"/api/v1/persons/{person.id}/attempts", headers=headers, json=ATTEMPT)
        client.post(f"/api/v1/persons/{person.id}/tips", headers=headers, json=TIP)
    client.post(f"/api/v1/persons/{person.id}/status", headers=chief, json={
        "status": "arrested", "reason": "bắt được", "document_number": "BB-1",
        "document_date": "2025-03-05"})
    client.post(f"/api/v1/persons/{person.id}/status", headers=chief,
                json={"status": "wanted", "reason": "trốn lại"})
    add_review(app, person.id, utcnow() - timedelta(days=1))
    make_hit(app, person.id)
    with app.app_context():
        actor = auth.user_by_username("sup_a")
        record = get_person(person.id)
        for colour in ("#a08060", "#406080"):
            photo = matching.store_photo(matching.intake(jpeg_bytes(colour=colour)),
                                         actor=actor, kind="registry", person=record)
        publication.publish(actor, record, {"photo_id": photo.id, "area": "huyện Sơn Hà",
                                            "contact": "Công an phường Đông Thành, 0203 111"})
        validation.validate_record(actor, record, "còn đúng")
        db.session.commit()
    return person


@pytest.mark.parametrize("viewer", ["off_a", "sup_a", "off_b", "chief"])
def test_a_busy_person_page_runs_a_bounded_number_of_statements(
        app, client, login, busy_person, viewer):
    login(viewer)
    client.get("/lang/en")
    with counted(app) as (statements, rendering):
        response = client.get(f"/persons/{busy_person.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for kind in ("outreach", "attempt", "tip", "status", "review", "notice", "validation"):
        assert f'data-kind="{kind}"' in page, kind
    assert page.count('data-kind="attempt"') == 3
    assert "Article 168" in page and "Article 173" in page
    assert page.count('class="person-thumb"') >= 1  # the second photo
    assert 'data-testid="notice-state">Published' in page
    assert "Công an phường Đông Thành, 0203 111" in page
    assert "Last validated" in page
    if viewer in ("off_a", "sup_a", "chief"):
        assert 'data-testid="hit-banner"' in page
    if viewer == "sup_a":
        assert 'data-testid="open-reassign"' in page and 'data-testid="publish-form"' in page
    assert len(statements) <= PERSON_PAGE_STATEMENTS, "\n".join(s[:120] for s in statements)
    assert rendering[1:] == [], "the template queried:\n" + "\n".join(rendering)


def test_the_registry_search_page_does_not_query_per_row(
        app, client, login, province, make_person, monkeypatch):
    persons = [make_person("off_a", full_name=f"Nguyễn Văn Số {number:02d}",
                           charges=["173", "168"]) for number in range(30)]
    with app.app_context():
        for person in persons[:3]:
            for colour in ("#a08060", "#406080"):
                matching.store_photo(matching.intake(jpeg_bytes(colour=colour)), actor=None,
                                     kind="registry", person=get_person(person.id))
        for person in persons[-12:]:  # overdue: the home page lists ten, with their unit
            get_person(person.id).created_at = utcnow() - timedelta(days=400)
        db.session.commit()
        dialect = db.engine.dialect.name
    # The route with the most statements, whatever autovacuum has analysed: the words' estimate
    # is asked for (EXPLAIN), then the rare words' route is taken (a second SET LOCAL).
    estimate = registry.few_text_matches
    monkeypatch.setattr(registry, "few_text_matches", lambda q: estimate(q) or True)
    login("off_a")
    with counted(app) as (statements, rendering):
        response = client.get("/?q=nguyen")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("Nguyễn Văn Số") >= 25 and 'data-testid="result-count"' in page
    assert page.count('class="person-thumb"') == 3  # the first three by name have a photo
    assert page.count("Điều 168, Điều 173") == 25
    assert page.count("· Công an phường Đông Thành · hạn") == 10
    counted_statements = [s for s in statements if not s.strip().startswith("SET LOCAL")]
    assert len(counted_statements) <= SEARCH_PAGE_STATEMENTS[dialect], "\n".join(
        s[:120] for s in statements)
    assert rendering[1:] == [], "the template queried:\n" + "\n".join(rendering)


def test_the_dashboard_runs_a_bounded_number_of_statements(
        app, client, login, busy_person, make_person, token):
    for number in range(5):
        make_person("off_b", unit="B", full_name=f"Trần Văn Lặng {number}")
    today = utcnow().date()
    client.post("/api/v1/campaigns", headers=token("chief"), json={
        "name": "Đợt cao điểm", "starts_on": (today - timedelta(days=10)).isoformat(),
        "ends_on": (today + timedelta(days=10)).isoformat(),
        "targets": [{"unit": "A", "arrests": 3}, {"unit": "B", "arrests": 2, "surrenders": 1}]})
    login("chief")
    client.get("/lang/en")
    with counted(app) as (statements, rendering):
        response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đợt cao điểm" in page and "Trần Văn Lặng" not in page  # not quiet yet
    assert len(statements) <= DASHBOARD_STATEMENTS, "\n".join(s[:120] for s in statements)
    assert rendering[1:] == [], "the template queried:\n" + "\n".join(rendering)


def test_the_api_person_runs_a_bounded_number_of_statements(app, client, busy_person, token):
    headers = token("off_b")
    client.get("/api/v1/persons", headers=headers)  # a token's first use records it (a write)
    with counted(app) as (statements, _rendering):
        response = client.get(f"/api/v1/persons/{busy_person.id}", headers=headers)
    assert response.status_code == 200
    assert response.json["charges"] == ["168", "173"] and response.json["unit"] == "A"
    assert response.json["assigned_officer"] == "off_a" and response.headers["ETag"] == \
        f'"{response.json["version"]}"'
    assert len(statements) <= API_PERSON_STATEMENTS, "\n".join(s[:120] for s in statements)
    reads = [s for s in statements if "wanted_persons" in s or "charges" in s]
    assert len(reads) == 1, "\n".join(reads)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())
                                     .limit(2)).all()
        assert sorted(actions) == ["api.call", "person.view"]
        assert audit.verify_chain(full=True)["ok"] is True
