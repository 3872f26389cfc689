"""A new user of the demo uploads the README's field photo and sees the right demo person first."""

import pytest
from playwright.sync_api import expect

from tests.app.test_demo_faces import README_FIELD, README_NAME
from tests.browser.conftest import served
from wanted import create_app
from wanted.commands import upgrade_database
from wanted.demo.faces import FIELD_DIR
from wanted.demo.seed import DEMO_PASSWORD, seed_demo
from wanted.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """Serve the default demo installation, as scripts/run.sh loads it, on a free local port."""
    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
                      "STORAGE_DIR": str(folder / "photos"), "WTF_CSRF_ENABLED": True})
    with app.app_context():
        upgrade_database()
        seed_demo()
        db.session.commit()
    with served(app) as url:
        yield url


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844},
                                      {"width": 1366, "height": 900}], ids=["phone", "desktop"])
def test_demo_field_photo_finds_its_person_first(browser, demo_server, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(f"{demo_server}/login")
        page.fill("#username", "dt.cb1")
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator("[data-testid=whoami]")).to_contain_text("dt.cb1")
        page.goto(f"{demo_server}/matches/new")
        expect(page.locator("[data-testid=empty-gallery]")).to_have_count(0)
        page.set_input_files("#photo", str(FIELD_DIR / README_FIELD))
        page.fill("#purpose", "Thử tìm kiếm khuôn mặt trên dữ liệu mẫu")
        page.fill("#case_ref", "DEMO-01")
        page.click("main form button[type=submit]")
        first = page.locator("[data-testid=candidate]").first
        expect(first).to_contain_text(README_NAME)
        expect(first.locator("[data-band]")).to_have_attribute("data-band", "strong")
    finally:
        context.close()
