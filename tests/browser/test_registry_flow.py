"""An officer on a phone signs in, searches without diacritics and opens a person."""

from tests.conftest import PASSWORD
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.registry.services import create_person


def add_persons(app) -> None:
    with app.app_context():
        officer = auth.user_by_username("off_a")
        for name in ("Nguyễn Văn Hùng", "Trần Thị Lan", "Đỗ Đức Nguyên"):
            create_person(officer, {"full_name": name, "charges": ["173"]})
        db.session.commit()


def test_officer_searches_nguyen_and_opens_a_person(live_app, live_server, page):
    add_persons(live_app)
    page.goto(f"{live_server}/")
    assert "/login" in page.url  # anonymous users are sent to sign in
    page.fill("#username", "off_a")
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")

    page.fill("#q", "nguyen")
    page.click("[data-testid=search-form] button[type=submit]")
    results = page.locator("[data-testid=results] tbody a.fw-semibold")
    names = sorted(results.all_inner_texts())
    assert names == ["Nguyễn Văn Hùng", "Đỗ Đức Nguyên"]

    page.click("text=Nguyễn Văn Hùng")
    assert page.locator("[data-testid=person-name]").inner_text() == "Nguyễn Văn Hùng"
    assert "173" in page.locator("[data-testid=identity]").inner_text()
