"""In Chromium: enrol a second factor and sign in with it; pages work under the CSP."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_violations(page):
    """Collect every Content-Security-Policy refusal the browser reports."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    return seen


def open_phone_menu(page) -> None:
    """Open the phone menu and wait until its slide has ended (a click during it is lost)."""
    page.click(".navbar-toggler")
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))


def sign_out(page) -> None:
    if page.locator(".navbar-toggler").is_visible():
        open_phone_menu(page)
    page.click("[data-testid=whoami]")
    with page.expect_navigation():
        page.locator("form[action$='/logout'] button").click()


def test_enrol_a_second_factor_then_sign_in_with_it(live_server, page, sign_in,
                                                    csp_violations):
    sign_in("off_a")
    page.goto(f"{live_server}/account/mfa")
    expect(page.locator("[data-testid=mfa-qr] svg")).to_be_visible()
    secret = page.locator("[data-testid=mfa-secret]").inner_text().strip()
    page.fill("#password", PASSWORD)
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    codes = page.locator("[data-testid=recovery-codes] li")
    expect(codes).to_have_count(10)
    page.locator("main a.btn-primary").click()
    expect(page.locator("[data-testid=whoami]")).to_contain_text("off_a")

    sign_out(page)
    page.fill("#username", "off_a")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/login/mfa", page.url)
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=whoami]")).to_contain_text("off_a")
    assert csp_violations == []


def test_dashboard_chart_menus_and_forms_work_under_the_csp(live_server, page, sign_in,
                                                            csp_violations):
    sign_in("sup_a")
    page.goto(f"{live_server}/dashboard")
    chart_drawn = page.evaluate(
        "() => typeof Chart !== 'undefined' && !!Chart.getChart('weekly-chart')")
    assert chart_drawn
    open_phone_menu(page)  # the phone menu (Bootstrap's script) opens
    page.click("[data-testid=whoami]")
    expect(page.locator(".dropdown-menu a[href$='/account']")).to_be_visible()
    page.locator(".dropdown-menu a[href$='/account']").click()
    expect(page.locator("[data-testid=mfa-state]")).to_be_visible()
    assert csp_violations == []
