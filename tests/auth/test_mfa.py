"""The second factor: enrolment, two-step sign-in, no replay, recovery codes, admin reset."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from wanted.audit.models import AuditEvent
from wanted.auth.models import RecoveryCode, User
from wanted.extensions import db


def enrol(client, password=PASSWORD) -> tuple[str, list[str]]:
    """Enrol from the account page as a user would; return the secret and recovery codes."""
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "<svg" in page  # the QR code is drawn here, not fetched from a service
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/mfa", data={"password": password,
                                                 "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", response.get_data(as_text=True))
    return secret, codes


def next_code(secret: str) -> str:
    """A code of a later time-step than any used so far (the previous one is refused)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def password_step(client, username="off_a"):
    return client.post("/login", data={"username": username, "password": PASSWORD})


def test_enrol_then_sign_in_with_a_code_and_the_same_code_twice_is_refused(app, client,
                                                                           province, login):
    login("off_a")
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    client.post("/logout")
    response = password_step(client)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/mfa")
    assert client.get("/").status_code == 302  # the password alone opens nothing
    code = next_code(secret)
    response = client.post("/login/mfa", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout")
    password_step(client)
    response = client.post("/login/mfa", data={"code": code})
    assert response.status_code == 401
    assert "This code is wrong or was already used." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        logins = db.session.execute(select(AuditEvent.outcome, AuditEvent.details).where(
            AuditEvent.action == "login").order_by(AuditEvent.id)).all()
    assert logins[-1] == ("failed", {"reason": "bad_code"})
    assert ("ok", {"factor": "totp"}) in logins


def test_a_recovery_code_signs_in_once(client, province, login):
    login("off_a")
    _secret, codes = enrol(client)
    client.post("/logout")
    password_step(client)
    assert client.post("/login/mfa", data={"code": codes[3].upper()}).status_code == 302
    client.post("/logout")
    password_step(client)
    assert client.post("/login/mfa", data={"code": codes[3]}).status_code == 401
    assert client.post("/login/mfa", data={"code": codes[4]}).status_code == 302


def test_the_code_form_needs_the_password_step_first(client, province):
    response = client.post("/login/mfa", data={"code": "123456"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_enrolment_asks_the_password_again_and_a_right_code(client, province, login):
    login("off_a")
    page = client.get("/account/mfa").get_data(as_text=True)
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/mfa", data={"password": "wrong-password",
                                                 "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 422 and "Wrong password." in response.get_data(as_text=True)
    response = client.post("/account/mfa", data={"password": PASSWORD, "code": "000000"})
    assert response.status_code == 422
    assert "This code does not match" in response.get_data(as_text=True)


def test_replacing_the_factor_asks_the_current_code(client, province, login):
    login("off_a")
    old_secret, _codes = enrol(client)
    page = client.get("/account/mfa").get_data(as_text=True)
    new_secret = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/mfa", data={"password": PASSWORD, "current_code": "",
                                                 "code": pyotp.TOTP(new_secret).now()})
    assert response.status_code == 422
    response = client.post("/account/mfa", data={
        "password": PASSWORD, "current_code": next_code(old_secret),
        "code": pyotp.TOTP(new_secret).now()})
    assert response.status_code == 200


def test_password_change_asks_the_current_code_too(client, province, login):
    login("off_a")
    secret, _codes = enrol(client)
    new = {"current_password": PASSWORD, "password": "a-brand-new-passphrase-7"}
    for code in ("", "000000"):
        response = client.post("/account/password", data={**new, "code": code})
        assert response.status_code == 422
        assert "This code is wrong or was already used." in response.get_data(as_text=True)
    response = client.post("/account/password", data={**new, "code": next_code(secret)})
    assert response.status_code == 302


def test_recovery_codes_are_stored_hashed(app, client, province, login):
    login("off_a")
    _secret, codes = enrol(client)
    with app.app_context():
        stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    plain = {code.replace("-", "") for code in codes}
    assert not stored & (plain | set(codes))
    assert not any(code in value for value in stored for code in plain)
    assert client.get("/account/mfa").get_data(as_text=True).count(codes[0]) == 0  # shown once


def test_admin_resets_a_second_factor_and_it_is_audited(app, client, province, login):
    login("off_a")
    enrol(client)
    client.post("/logout")
    login("admin")
    response = client.post(f"/admin/users/{province['off_a'].id}/mfa/reset",
                           follow_redirects=True)
    assert "Second factor of off_a removed" in response.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mfa.reset"))
        assert (event.actor_name, event.object_id) == ("admin", str(province["off_a"].id))
    client.post("/logout")
    assert password_step(client).headers["Location"] == "/"  # no code asked any more


def test_mfa_required_sends_users_without_a_factor_to_enrolment(app, client, province, login):
    app.config["MFA_REQUIRED"] = True
    login("off_a")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/mfa"
    assert client.get("/api/v1/persons").status_code == 401  # no way around it by the API
    enrol(client)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("required", [None, "true"], ids=["default", "WANTED_MFA_REQUIRED"])
def test_the_demo_in_development_needs_no_factor_unless_required(app, tmp_path, monkeypatch,
                                                                 required):
    from wanted import create_app
    from wanted.demo.seed import DEMO_PASSWORD

    monkeypatch.setenv("WANTED_ENV", "development")
    if required:
        monkeypatch.setenv("WANTED_MFA_REQUIRED", required)
    else:
        monkeypatch.delenv("WANTED_MFA_REQUIRED", raising=False)
    development = create_app({key: app.config[key] for key in (
        "SQLALCHEMY_DATABASE_URI", "STORAGE_DIR", "AUDIT_ANCHOR_DIR", "SECRET_KEY", "AUDIT_KEY",
        "WTF_CSRF_ENABLED")})
    assert development.config["MFA_REQUIRED"] is bool(required)
    seeded = development.test_cli_runner().invoke(args=["demo", "seed", "--persons", "2"])
    assert seeded.exit_code == 0, seeded.output
    client = development.test_client()
    response = client.post("/login", data={"username": "dt.cb1", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    if required:
        assert home.status_code == 302 and home.headers["Location"] == "/account/mfa"
    else:
        assert home.status_code == 200


def test_cli_enrols_and_prints_the_uri_last(app, client, runner, province):
    result = runner.invoke(args=["users", "mfa-enrol", "off_a"])
    assert result.exit_code == 0, result.output
    uri = result.output.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/") and "off_a" in uri
    secret = pyotp.parse_uri(uri).secret
    assert password_step(client).headers["Location"].startswith("/login/mfa")
    assert client.post("/login/mfa", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    with app.app_context():
        assert db.session.get(User, province["off_a"].id).mfa_enrolled


def test_wrong_codes_count_towards_the_lock(app, client, runner, province):
    runner.invoke(args=["users", "mfa-enrol", "off_a"])
    password_step(client)
    for _ in range(app.config["LOCKOUT_AFTER"]):
        client.post("/login/mfa", data={"code": "000000"})
    with app.app_context():
        assert db.session.get(User, province["off_a"].id).locked_at is not None


@pytest.mark.parametrize("limit", [3])
def test_the_code_form_is_rate_limited(app, client, runner, province, limit):
    app.config["MFA_RATE_LIMIT"] = (limit, 3600)
    app.config["LOCKOUT_AFTER"] = 100
    app.extensions["rate_limiter"].reset("mfa:127.0.0.1")
    runner.invoke(args=["users", "mfa-enrol", "off_a"])
    password_step(client)
    codes = [client.post("/login/mfa", data={"code": "000000"}).status_code
             for _ in range(limit + 1)]
    app.extensions["rate_limiter"].reset("mfa:127.0.0.1")
    assert codes == [401] * limit + [429]
