"""Both apps have a site icon: linked from every page, served from the app itself."""

import io
import re

import pytest
from PIL import Image

from wanted import create_public_app
from wanted.extensions import db

IMAGE_TYPES = {"image/vnd.microsoft.icon", "image/x-icon", "image/svg+xml", "image/png"}


@pytest.fixture
def portal(app):
    """The public portal on the suite's database."""
    portal = create_public_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                                "STORAGE_DIR": app.config["STORAGE_DIR"]})
    yield portal
    with portal.app_context():
        db.session.remove()
        db.engine.dispose()


def icon_links(page: str) -> dict[str, str]:
    """Map each icon link's rel and type (or sizes) to its href."""
    links = {}
    for tag in re.findall(r"<link [^>]*rel=\"(?:icon|apple-touch-icon)\"[^>]*>", page):
        rel = re.search(r'rel="([^"]+)"', tag).group(1)
        kind = re.search(r'(?:type|sizes)="([^"]+)"', tag)
        links[f"{rel} {kind.group(1) if kind else ''}".strip()] = re.search(
            r'href="([^"]+)"', tag).group(1)
    return links


def assert_icons_served(client, page: str) -> None:
    links = icon_links(page)
    assert any(key.endswith("image/svg+xml") for key in links), links
    assert any(href.endswith("/favicon.ico") for href in links.values()), links
    for href in links.values():
        answer = client.get(href)
        assert answer.status_code == 200, href
        assert answer.mimetype in IMAGE_TYPES, (href, answer.mimetype)
    svg = client.get(next(h for k, h in links.items() if k.endswith("image/svg+xml")))
    assert svg.get_data(as_text=True).startswith("<svg")


def test_the_intranet_serves_its_icon_before_sign_in(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.mimetype == "image/vnd.microsoft.icon"
    with Image.open(io.BytesIO(answer.get_data())) as icon:
        assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    login_page = client.get("/login").get_data(as_text=True)
    assert_icons_served(client, login_page)


def test_every_intranet_page_links_the_icon(client, province, login):
    login("sup_a")
    for path in ("/", "/dashboard", "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert 'rel="icon"' in page and "/favicon.ico" in page, path


def test_the_public_portal_serves_its_own_icon(portal):
    client = portal.test_client()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.mimetype == "image/vnd.microsoft.icon"
    for path in ("/", "/tip", "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert_icons_served(client, page)
        assert "/assets/favicon.svg" in page, path  # the portal's own files, not the intranet's


def test_a_late_icon_fetch_leaves_a_new_sign_in_alone(client, province, login):
    # A browser fetches the icon of the sign-in page by itself; on a busy machine the fetch may
    # reach the server after the sign-in, still carrying the cookie the sign-in replaced.
    client.get("/lang/en")  # an anonymous session, as the sign-in form's CSRF token makes one
    before = client.get_cookie("session").value
    login("off_a")
    assert client.get_cookie("session").value != before
    late = client.application.test_client()
    late.set_cookie("session", before)
    answer = late.get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers.getlist("Set-Cookie") == []
    assert client.get("/").status_code == 200  # still signed in
