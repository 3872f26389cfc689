"""A live server and a Playwright page in Debian's Chromium for browser tests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, create_province
from wanted import create_app
from wanted.auth import services as auth
from wanted.commands import upgrade_database
from wanted.extensions import db
from wanted.registry.charges_data import CHARGES
from wanted.registry.services import create_person, seed_charges

CHROMIUM = "/usr/bin/chromium"
# Assertions wait as long as page actions do: on two busy cores a page can take over 5 s.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def live_app(tmp_path):
    """An app on its own SQLite database with the test province."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
                      "STORAGE_DIR": str(tmp_path / "photos"), "WTF_CSRF_ENABLED": True,
                      "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors")})
    with app.app_context():
        upgrade_database()
        seed_charges(CHARGES)
        create_province()
    return app


@contextmanager
def served(app) -> Iterator[str]:
    """Serve the app on a free local port for the duration of the block; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_server(live_app):
    """Serve the live app on a free local port; yield its base URL."""
    with served(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A phone-sized page, Vietnamese by default as a user would first see it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    # Every browser test also checks that nothing on its pages was refused by the CSP.
    assert refused == [], refused


def signed_in(page, live_server: str, username: str) -> None:
    """Sign a browser page in as a user of the test province."""
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # The menu names whoever is signed in: wait until it is this user, not the one before.
    expect(page.locator("[data-testid=whoami]")).to_contain_text(username)


@pytest.fixture
def sign_in(page, live_server):
    """Sign the browser in as a user of the test province."""
    return lambda username: signed_in(page, live_server, username)


@pytest.fixture
def add_person(live_app):
    """Register a wanted person charged under article 168, as off_a; return its id."""

    def do(name: str = "Vũ Đình Khải", **fields) -> int:
        with live_app.app_context():
            person = create_person(auth.user_by_username("off_a"),
                                   {"full_name": name, "charges": ["168"], **fields})
            db.session.commit()
            return person.id

    return do
