"""Pages read what they show in a bounded number of SQL statements, whatever the data."""

from contextlib import contextmanager

from sqlalchemy import event

from tests.pursuit.test_work import ATTEMPT, OUTREACH, TIP
from wanted.extensions import db

# Measured: user, person, charges, two for the audit event (three with PostgreSQL's chain
# lock), photos, unit tree, pending hits,
# and the five kinds of timeline entries. The target is 8: the timeline's five queries
# are what is left above it (see the README); the public notice and record validation panels
# add four more (each read twice); the timeline's registry photos and their audited removals two
# more. The search page: user, count, page ids, persons,
# units, charges, photos, the audit event, the unit list and tree, pending hits.
PERSON_PAGE_STATEMENTS = 20
SEARCH_PAGE_STATEMENTS = 13


@contextmanager
def counted(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        # The server-side session store (its read and its update) is counted apart: it is the
        # same on every page and is the sign-in area's to trim.
        if not statement.startswith("BEGIN") and "user_sessions" not in statement:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_busy_person_page_runs_a_bounded_number_of_statements(
        app, client, login, province, make_person, token):
    headers = token("off_a")
    person = make_person("off_a")
    for _entry in range(3):
        client.post(f"/api/v1/persons/{person.id}/outreach", headers=headers, json=OUTREACH)
        client.post(f"/api/v1/persons/{person.id}/attempts", headers=headers, json=ATTEMPT)
        client.post(f"/api/v1/persons/{person.id}/tips", headers=headers, json=TIP)
    login("off_a")
    with counted(app) as statements:
        response = client.get(f"/persons/{person.id}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('data-kind="attempt"') == 3
    assert len(statements) <= PERSON_PAGE_STATEMENTS, "\n".join(s[:120] for s in statements)


def test_the_registry_search_page_does_not_query_per_row(
        app, client, login, province, make_person):
    for number in range(30):
        make_person("off_a", full_name=f"Nguyễn Văn Số {number}")
    login("off_a")
    with counted(app) as statements:
        response = client.get("/?q=nguyen")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Nguyễn Văn Số") >= 25
    assert len(statements) <= SEARCH_PAGE_STATEMENTS, "\n".join(s[:120] for s in statements)
