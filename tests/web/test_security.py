"""Security headers on every answer, photos, the proxy hops, and reads of sensitive pages."""

import hashlib
import re
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from tests.conftest import FACES, REPO
from wanted import create_app
from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.storage import photo_store

CSP_PARTS = ["script-src 'self'", "object-src 'none'", "base-uri 'none'",
             "frame-ancestors 'none'"]


def assert_security_headers(response, *, no_store: bool = True) -> None:
    csp = response.headers["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin")
    if no_store:
        assert "no-store" in response.headers["Cache-Control"]


def actions(app, action: str) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        return db.session.execute(
            select(AuditEvent.actor_name, AuditEvent.outcome, AuditEvent.object_id)
            .where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_headers_on_a_person_page_and_the_sign_in_page(client, login, province, make_person):
    person = make_person("off_a")
    assert_security_headers(client.get("/login"))
    login("off_a")
    response = client.get(f"/persons/{person.id}")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers


def test_headers_on_the_api_and_its_errors(client, province, make_person, token):
    person = make_person("off_a")
    response = client.get(f"/api/v1/persons/{person.id}", headers=token("off_a"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_security_headers(client.get("/api/v1/persons"))  # 401


def test_headers_on_an_error_page(client, login, province):
    login("off_a")
    response = client.get("/persons/999999")
    assert response.status_code == 404
    assert_security_headers(response)


def test_static_files_may_be_cached_but_carry_the_policy(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert_security_headers(response, no_store=False)


@pytest.fixture
def stored_photo(app, province, make_person):
    """A registry photo of a person, written straight into the store."""
    person = make_person("off_a")
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "gray").save(buffer, "JPEG")
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    with app.app_context():
        photo_store().put(digest, data)
        photo = Photo(sha256=digest, person_id=person.id, kind="registry",
                      added_by_id=province["off_a"].id)
        db.session.add(photo)
        db.session.commit()
        return photo.id


def test_photo_is_served_inline_uncached_and_audited(app, client, login, stored_photo):
    login("off_b")
    response = client.get(f"/photos/{stored_photo}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert_security_headers(response)
    assert response.headers["Content-Disposition"] == f"inline; filename=photo-{stored_photo}.jpg"
    assert "public" not in response.headers["Cache-Control"]
    assert actions(app, "photo.read") == [("off_b", "ok", str(stored_photo))]


def test_refused_field_photo_is_audited_as_denied(app, client, login, stored_photo):
    with app.app_context():
        db.session.get(Photo, stored_photo).kind = "field"
        db.session.commit()
    login("off_b")
    assert client.get(f"/photos/{stored_photo}").status_code == 403
    assert actions(app, "photo.read") == [("off_b", "denied", str(stored_photo))]


def test_field_photo_served_to_its_uploader_is_audited(app, client, login, stored_photo):
    with app.app_context():
        db.session.get(Photo, stored_photo).kind = "field"
        db.session.commit()
    login("off_a")  # who added it
    response = client.get(f"/photos/{stored_photo}")
    assert response.status_code == 200
    assert_security_headers(response)
    assert actions(app, "photo.read") == [("off_a", "ok", str(stored_photo))]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "photo.read"))
        assert event.details["kind"] == "field"


def test_a_face_crop_served_is_audited(app, client, login, province, token):
    photo = (FACES / "obama" / "1.jpg").read_bytes()
    search = client.post("/api/v1/matches", headers=token("off_a"), data={
        "purpose": "xác minh", "case_ref": "VV-1", "photo": (BytesIO(photo), "field.jpg")},
        content_type="multipart/form-data").json
    login("off_a")
    response = client.get(f"/matches/{search['id']}/faces/0.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert_security_headers(response)
    assert "Content-Disposition" in response.headers
    [(actor, outcome, _photo_id)] = actions(app, "photo.read")
    assert (actor, outcome) == ("off_a", "ok")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "photo.read"))
        assert (event.details["kind"], event.details["search_id"]) == ("field", search["id"])


def test_reads_of_the_audit_log_and_the_user_list_are_audited(app, client, login, province,
                                                              token):
    login("admin")
    for response in (client.get("/admin/audit/?action=login"), client.get("/admin/users"),
                     client.get("/api/v1/audit", headers=token("admin"))):
        assert response.status_code == 200
        assert_security_headers(response)  # the audit is never stored by a cache either
    assert [(a, o) for a, o, _ in actions(app, "audit.read")] == [("admin", "ok")] * 2
    assert [(a, o) for a, o, _ in actions(app, "user.list")] == [("admin", "ok")]
    with app.app_context():
        first = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.read"))
        assert first.details["action"] == "login"


def test_hsts_in_production(database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "HSTS": True,
                      "STORAGE_DIR": str(tmp_path)})
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_config_turns_on_hsts_and_the_second_factor():
    from config import ProductionConfig

    assert ProductionConfig.HSTS and ProductionConfig.MFA_REQUIRED
    assert ProductionConfig.SESSION_COOKIE_SECURE


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for template in sorted((REPO / "templates").rglob("*.html")):
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "javascript:" in text:
            offenders.append(template.relative_to(REPO).as_posix())
    assert offenders == [], "move these scripts into static/js (the CSP refuses them)"


def proxied_app(database_url, tmp_path, hops: int):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": hops,
                       "STORAGE_DIR": str(tmp_path), "LOCKOUT_ADDRESS_AFTER": 2})


PROXY = {"REMOTE_ADDR": "10.0.0.1"}


def failed_login(client, client_address: str):
    return client.post("/login", data={"username": "ghost", "password": "x"},
                       headers={"X-Forwarded-For": client_address}, environ_base=PROXY)


def test_behind_a_trusted_proxy_audit_and_limits_use_the_client_address(
        database_url, tmp_path, province):
    app = proxied_app(database_url, tmp_path, 1)
    client = app.test_client()
    codes = [failed_login(client, "192.0.2.7").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    # Another officer behind the same proxy has a limit of their own.
    assert failed_login(client, "192.0.2.8").status_code == 401
    with app.app_context():
        addresses = db.session.scalars(select(AuditEvent.source_ip).where(
            AuditEvent.action == "login").order_by(AuditEvent.id)).all()
    assert addresses == ["192.0.2.7"] * 3 + ["192.0.2.8"]


def test_without_trusted_proxies_forwarded_headers_are_ignored(database_url, tmp_path,
                                                               province):
    app = proxied_app(database_url, tmp_path, 0)
    client = app.test_client()
    codes = [failed_login(client, f"192.0.2.{n}").status_code for n in range(3)]
    assert codes == [401, 401, 429]  # a forged header buys no fresh limit
    with app.app_context():
        addresses = set(db.session.scalars(select(AuditEvent.source_ip).where(
            AuditEvent.action == "login")))
    assert addresses == {"10.0.0.1"}
