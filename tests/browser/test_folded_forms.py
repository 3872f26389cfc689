"""The person page's forms arrive when an officer opens them, and without scripts the buttons
lead to the forms' own pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import signed_in

pytestmark = pytest.mark.browser


def test_a_log_form_is_fetched_when_opened_then_saved(add_person, live_server, page, sign_in):
    person_id = add_person("Đinh Văn Gấp")
    sign_in("off_a")
    page.goto(f"{live_server}/persons/{person_id}")
    expect(page.locator("#log-outreach form")).to_have_count(0)  # not in the page any more
    page.click("[data-testid=open-outreach]")
    form = page.locator("#log-outreach [data-testid=log-outreach-form]")
    expect(form).to_be_visible()
    expect(page.locator("[data-testid=open-outreach]")).to_have_attribute("aria-expanded", "true")
    expect(form.locator("[name=contacted_at]")).to_have_value(re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(form.locator("[name=contacted_at]")).to_be_focused()
    form.locator("[name=contact_name]").fill("Lê Thị Hoa")
    form.locator("[name=relation]").fill("mẹ đẻ")
    form.locator("[name=notes]").fill("Hứa khuyên con ra đầu thú")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=timeline] li[data-kind=outreach]")).to_contain_text(
        "Hứa khuyên con ra đầu thú")
    assert page.url.endswith(f"/persons/{person_id}#timeline")


def test_the_record_is_validated_from_its_fetched_form(add_person, live_server, page, sign_in):
    person_id = add_person("Đinh Văn Gấp")
    sign_in("off_a")
    page.goto(f"{live_server}/persons/{person_id}")
    page.click("[data-testid=open-validate]")
    form = page.locator("#validate-record [data-testid=validate-form]")
    form.locator("[name=confirm]").check()
    form.locator("[name=note]").fill("Đã đối chiếu quyết định")
    form.locator("[data-testid=validate]").click()
    expect(page.locator("[data-testid=validation-panel]")).to_contain_text("Off_A")


def test_a_supervisor_reassigns_from_the_fetched_form(add_person, live_server, page, sign_in):
    person_id = add_person("Đinh Văn Gấp")
    sign_in("sup_a")
    page.goto(f"{live_server}/persons/{person_id}")
    page.click("[data-testid=open-reassign]")
    form = page.locator("#reassign [data-testid=reassign-form]")
    expect(form.locator("[name=officer]")).to_be_focused()
    form.locator("[name=officer]").select_option("sup_a")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=identity]")).to_contain_text("Sup_A")


def test_without_scripts_the_button_opens_the_form_page(browser, add_person, live_server):
    person_id = add_person("Đinh Văn Gấp")
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    signed_in(page, live_server, "off_a")
    page.goto(f"{live_server}/persons/{person_id}")
    page.click("[data-testid=open-attempt]")
    expect(page).to_have_url(f"{live_server}/persons/{person_id}/log/attempt")
    form = page.locator("[data-testid=log-attempt-form]")
    form.locator("[name=location]").fill("Chợ Đông Thành")
    form.locator("[name=outcome]").select_option("not_found")
    form.locator("[name=notes]").fill("Đối tượng đã rời đi trước khi tổ công tác đến")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=timeline] li[data-kind=attempt]")).to_contain_text(
        "rời đi trước khi")
    context.close()


def test_a_lost_connection_is_said_in_the_fold_with_the_page_link(add_person, live_server, page,
                                                                 sign_in):
    person_id = add_person("Đinh Văn Gấp")
    sign_in("off_a")
    page.goto(f"{live_server}/persons/{person_id}")
    page.route(re.compile(r".*/log/tip\?fragment=1$"), lambda route: route.abort())
    page.click("[data-testid=open-tip]")
    failed = page.locator("#log-tip [data-testid=fold-failed]")
    expect(failed).to_be_visible()
    failed.locator("a").click()
    expect(page).to_have_url(f"{live_server}/persons/{person_id}/log/tip")
    expect(page.locator("[data-testid=log-tip-form]")).to_be_visible()
