"""An officer logs an arrest attempt, a supervisor closes the case, and the dashboard moves."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def count(page, status: str) -> int:
    return int(page.locator(f"[data-count={status}]").inner_text())


def test_attempt_then_closing_moves_the_dashboard(add_person, live_server, page, sign_in):
    person_id = add_person()
    sign_in("sup_a")
    page.goto(f"{live_server}/dashboard")
    arrested, wanted = count(page, "arrested"), count(page, "wanted")

    sign_in("off_a")
    page.goto(f"{live_server}/persons/{person_id}")
    assert page.locator("[data-testid=open-status]").count() == 0  # officers do not close cases
    page.click("[data-testid=open-attempt]")
    form = page.locator("#log-attempt form")
    form.locator("[name=location]").fill("Chợ Đông Thành")
    form.locator("[name=outcome]").select_option("arrested")
    form.locator("[name=notes]").fill("Bắt giữ lúc 5 giờ 30, không chống cự")
    form.locator("button[type=submit]").click()
    attempt = page.locator("[data-testid=timeline] li[data-kind=attempt]")
    assert "Bắt giữ lúc 5 giờ 30" in attempt.inner_text()

    sign_in("sup_a")
    page.goto(f"{live_server}/persons/{person_id}")
    page.click("[data-testid=open-status]")
    form = page.locator("#change-status form")
    form.locator("[name=status]").select_option("arrested")
    form.locator("[name=reason]").fill("Bắt giữ theo quyết định truy nã")
    form.locator("[name=document_number]").fill("15/BB-BG")
    form.locator("[name=document_date]").fill("2025-06-02")
    form.locator("button[type=submit]").click()
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=timeline] li[data-kind=status] [data-status=arrested]")
           ).to_have_count(1)

    page.goto(f"{live_server}/dashboard")
    assert count(page, "arrested") == arrested + 1
    assert count(page, "wanted") == wanted - 1
