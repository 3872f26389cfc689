"""A citizen on a phone finds a published person without diacritics and sends a tip; the
owning unit's officer sees it in the queue."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import create_province
from tests.public.conftest import jpeg_bytes
from wanted import create_app
from wanted.auth import services as auth
from wanted.commands import upgrade_database
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.public import services as publication
from wanted.registry.charges_data import CHARGES
from wanted.registry.services import create_person, seed_charges

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app(tmp_path):
    """The intranet app with the portal mounted at /public, as in development."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
                      "STORAGE_DIR": str(tmp_path / "photos"), "WTF_CSRF_ENABLED": True,
                      "PUBLIC_MOUNT": True})
    with app.app_context():
        upgrade_database()
        seed_charges(CHARGES)
        create_province()
    return app


def publish_person(app) -> None:
    with app.app_context():
        person = create_person(auth.user_by_username("off_a"), {
            "full_name": "Đặng Văn Hưởng", "birth_year": 1988, "charges": ["173"],
            "id_number": "034088001234",
            "registered_address": "Số 7 ngõ 2, xã Khe Mây, huyện Sơn Hà"})
        supervisor = auth.user_by_username("sup_a")
        photo = matching.store_photo(matching.intake(jpeg_bytes()), actor=supervisor,
                                     kind="registry", person=person)
        publication.publish(supervisor, person, {"photo_id": photo.id, "area": "huyện Sơn Hà"})
        db.session.commit()


def test_citizen_finds_a_person_and_sends_a_tip_the_unit_sees_it(live_app, live_server, page,
                                                                sign_in):
    publish_person(live_app)
    page.goto(f"{live_server}/public/")
    page.fill("#q", "dang van huong")
    page.click("[data-testid=public-search] button[type=submit]")
    cards = page.locator("[data-testid=public-card]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Đặng Văn Hưởng")
    cards.first.click()
    notice = page.locator("[data-testid=public-notice]")
    expect(notice).to_contain_text("huyện Sơn Hà")
    expect(notice).not_to_contain_text("034088001234")
    page.click("[data-testid=tip-about]")
    expect(page.locator("[data-testid=tip-about-person]")).to_contain_text("Đặng Văn Hưởng")
    honeypot = page.locator(".hp-field").bounding_box()
    assert honeypot["x"] + honeypot["width"] <= 0  # off the screen: people never see it
    page.fill("#text", "Thấy anh ta sửa xe ở ngã ba Khe Mây sáng nay")
    page.fill("#seen_place", "ngã ba Khe Mây")
    question = page.locator("label[for=answer]").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.fill("#answer", str(a + b))
    page.click("[data-testid=tip-submit]")
    code = page.locator("[data-testid=receipt-code]")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone

    sign_in("off_a")
    page.goto(f"{live_server}/tips/queue")
    queued = page.locator("[data-testid=queued-tip]")
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text("Đặng Văn Hưởng")
    expect(queued.first).to_contain_text("ngã ba Khe Mây")
