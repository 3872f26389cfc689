"""Field-ready journeys at phone (390x844) and desktop (1366x900) size: closing with
confirmation and reopening, two-person hit confirmation, an expired session that keeps the typed
tip, and no sideways scroll on the main pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import signed_in
from tests.conftest import PASSWORD
from tests.pursuit.test_safe_actions import make_search

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(params=sorted(SIZES))
def screen(request, browser):
    """A Vietnamese page at phone or desktop size."""
    context = browser.new_context(viewport=SIZES[request.param], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def enter(screen, live_server):
    """Sign the sized page in as a user of the test province."""
    return lambda username: signed_in(screen, live_server, username)


# The record of each journey: born 1990, with its wanted decision.
DETAILS = {"birth_year": 1990, "decision": {"number": "7/QĐ-TN", "date": "2025-01-02"}}


def test_closing_with_confirmation_then_reopening(add_person, live_server, screen, enter):
    person_id = add_person(**DETAILS)
    enter("sup_a")
    screen.goto(f"{live_server}/persons/{person_id}")
    screen.click("[data-testid=open-status]")
    form = screen.locator("#change-status form")
    form.locator("[name=status]").select_option("withdrawn")
    form.locator("[name=document_number]").fill("12/QĐ-HBTN")
    form.locator("[name=document_date]").fill("2025-06-02")
    form.locator("[name=reason]").fill("Quyết định truy nã bị hủy bỏ")
    form.locator("[data-testid=status-submit]").click()
    consequences = screen.locator("[data-testid=consequences]")
    expect(consequences).to_contain_text("12/QĐ-HBTN")
    expect(consequences).to_contain_text("02/06/2025")
    screen.click("[data-testid=confirm]")
    expect(screen.locator("[data-testid=timeline] li[data-kind=status] [data-status=withdrawn]")
           ).to_have_count(1)

    # The closure was saved, so nothing of the status form is kept: the fold stays shut.
    screen.wait_for_load_state("load")  # the page's scripts have run: the button fetches the form
    opener = screen.locator("[data-testid=open-status]")
    expect(opener).to_have_attribute("aria-expanded", "false")
    expect(screen.locator("#change-status form")).to_have_count(0)
    assert screen.evaluate("Object.keys(sessionStorage)") == []

    opener.click()
    form = screen.locator("#change-status form")
    expect(form).to_be_in_viewport()
    expect(form.locator("[data-testid=draft-restored]")).to_have_count(0)
    expect(form.locator("[name=reason]")).to_have_value("")
    form.locator("[name=status]").select_option("wanted")
    form.locator("[name=reason]").fill("Quyết định hủy bỏ bị thu hồi")
    form.locator("[data-testid=status-submit]").click()
    expect(screen.locator("[data-testid=confirmation]")).to_be_visible()
    screen.click("[data-testid=confirm]")
    reopened = screen.locator("[data-testid=timeline] li[data-kind=status]").first
    expect(reopened).to_contain_text("Quyết định hủy bỏ bị thu hồi")
    expect(screen.locator("[data-testid=person-name] ~ div [data-status=wanted]")).to_have_count(1)


def test_two_person_hit_confirmation(live_app, add_person, live_server, screen, enter):
    person_id = add_person("Trịnh Văn Khớp", **DETAILS)
    search_id = make_search(live_app, person_id, uploader="off_p")
    enter("off_p")
    screen.goto(f"{live_server}/matches/{search_id}")
    candidate = screen.locator("[data-testid=candidate]").first
    expect(candidate.locator("[data-testid=decision]")).to_have_value("")
    candidate.locator("[data-testid=decision]").select_option("candidate")
    candidate.locator("button[type=submit]").click()
    expect(screen.locator("[data-testid=consequences]")).to_contain_text("Công an phường")
    screen.click("[data-testid=confirm]")
    expect(screen.locator("[data-testid=hit-own]")).to_have_count(1)
    assert screen.locator("[data-testid=hit-confirm]").count() == 0

    enter("off_a")
    screen.goto(f"{live_server}/")
    screen.click("[data-testid=hit-confirm]")
    expect(screen.locator("[data-testid=confirmation]")).to_contain_text("Trịnh Văn Khớp")
    screen.click("[data-testid=confirm]")
    expect(screen.locator("[data-testid=hit-banner]")).to_have_count(0)


# A finger's tap: pressed this long before it is lifted.
TAP_MS = 150


def tip_panel_open(screen) -> None:
    """Wait until the tip panel has finished sliding open: a click during the slide is lost."""
    expect(screen.locator("#log-tip")).to_have_class(re.compile(r"\bshow\b"))


def tap(screen, target) -> None:
    """Tap the target where it is on the screen now, as a finger does (no waiting for the page
    to settle, unlike Playwright's click): if the page moves meanwhile the tap is lost, as the
    officer's was while the restored form slid open and the page scrolled smoothly to it."""
    box = target.bounding_box()
    assert box and 0 <= box["y"] <= screen.viewport_size["height"] - box["height"], box
    screen.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, delay=TAP_MS)


def test_an_expired_session_keeps_the_typed_tip(add_person, live_server, screen, enter):
    person_id = add_person("Lê Văn Tin", **DETAILS)
    enter("off_a")
    screen.goto(f"{live_server}/persons/{person_id}")
    screen.click("[data-testid=open-tip]")
    tip_panel_open(screen)
    form = screen.locator("#log-tip form")
    form.locator("[name=location]").fill("Chợ Đông Thành")
    form.locator("[name=text]").fill("Người dân thấy đối tượng ngồi quán nước lúc 6 giờ")
    screen.context.clear_cookies()  # the session ends while the officer types
    tap(screen, form.locator("button[type=submit]"))
    expect(screen.locator("#password")).to_be_visible()  # a sign-in, not a bare 400
    screen.fill("#username", "off_a")
    screen.fill("#password", PASSWORD)
    with screen.expect_navigation():
        screen.click("main form button[type=submit]")
    expect(screen.locator("[data-testid=draft-restored]")).to_be_visible()
    form = screen.locator("#log-tip form")
    expect(form.locator("[name=text]")).to_have_value(
        "Người dân thấy đối tượng ngồi quán nước lúc 6 giờ")
    tap(screen, form.locator("button[type=submit]"))  # at once: the form is shown in place
    expect(screen.locator("[data-testid=timeline] li[data-kind=tip]")).to_contain_text(
        "ngồi quán nước")
    screen.reload()
    expect(screen.locator("[data-testid=draft-restored]")).to_have_count(0)


def test_no_sideways_scroll_on_the_main_pages(live_app, add_person, live_server, screen, enter):
    person_id = add_person("Nguyễn Thị Phương Thảo Hoàng Anh Kiều Trang", **DETAILS)
    search_id = make_search(live_app, person_id, uploader="sup_a")
    pages = {"sup_a": ["/", f"/persons/{person_id}", f"/persons/{person_id}/edit", "/matches",
                       f"/matches/{search_id}", "/matches/new", "/followups", "/dashboard",
                       "/campaigns", f"/persons/{person_id}/notice"],
             "admin": ["/admin/users", "/admin/units", "/admin/audit/"]}
    for username, paths in pages.items():
        enter(username)
        for path in paths:
            response = screen.goto(f"{live_server}{path}")
            assert response.status < 400, path
            width = screen.evaluate("document.documentElement.scrollWidth")
            viewport = screen.evaluate("window.innerWidth")
            assert width <= viewport, f"{path}: {width} > {viewport}"


def test_a_fetched_form_takes_a_tap_as_soon_as_it_shows(add_person, live_server, screen, enter):
    person_id = add_person("Lê Văn Nhanh", **DETAILS)
    enter("off_a")
    screen.goto(f"{live_server}/persons/{person_id}")
    screen.click("[data-testid=open-tip]")
    text = screen.locator("#log-tip form [name=text]")
    expect(text).to_be_visible()
    tap(screen, text)  # at once, where it is: nothing may move under the finger
    screen.keyboard.type("Thấy đối tượng ở bến xe")
    expect(text).to_have_value("Thấy đối tượng ở bến xe")
    tap(screen, screen.locator("#log-tip form button[type=submit]"))
    expect(screen.locator("[data-testid=timeline] li[data-kind=tip]")).to_contain_text("bến xe")
