"""Passwords and API tokens: common passwords refused, rehash on sign-in, tokens that end."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.conftest import PASSWORD
from wanted.auth import services as auth
from wanted.auth.models import ApiToken, User
from wanted.extensions import db
from wanted.timeutil import utcnow


@pytest.mark.parametrize(("password", "reason"), [
    ("password123", "most common passwords"),
    ("1234567890", "most common passwords"),
    ("qwertyuiop", "most common passwords"),
    ("abcdefghijkl", "sequence or repeated characters"),
    ("off_new-2026", "contains the username"),
])
def test_admin_cannot_give_a_common_password(client, login, province, password, reason):
    login("admin")
    response = client.post("/admin/users/new", data={
        "username": "off_new", "full_name": "New Officer", "role": "officer", "unit": "A",
        "password": password})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-field="password"' in page and reason in page


def test_admin_cannot_reset_to_a_common_password(client, login, province):
    login("admin")
    response = client.post(f"/admin/users/{province['off_a'].id}/password",
                           data={"password": "qwertyuiop"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-field="password"' in page and "most common passwords" in page
    client.post("/logout")
    assert client.post("/login", data={"username": "off_a",
                                       "password": PASSWORD}).status_code == 302


def test_a_strong_password_is_accepted(client, login, province):
    login("admin")
    response = client.post("/admin/users/new", data={
        "username": "off_new", "full_name": "New Officer", "role": "officer", "unit": "A",
        "password": "lantern-ferry-quietly-81"})
    assert response.status_code == 302


def test_cli_refuses_a_common_password_saying_why(runner, province):
    result = runner.invoke(args=["users", "create", "off_new", "--role", "officer", "--unit",
                                 "A", "--password", "qwertyuiop"])
    assert result.exit_code != 0
    assert "mật khẩu phổ biến nhất" in result.output  # the CLI speaks the default language


def test_own_password_change_refuses_a_common_password(client, login, province):
    login("off_a")
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": "password123"})
    assert response.status_code == 422
    assert "most common passwords" in response.get_data(as_text=True)


def test_hash_is_upgraded_at_sign_in_when_the_parameters_change(app, client, province,
                                                                monkeypatch):
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(auth, "hasher", stronger)
    with app.app_context():
        old_hash = db.session.get(User, province["off_a"].id).password_hash
    assert stronger.check_needs_rehash(old_hash)
    assert client.post("/login", data={"username": "off_a",
                                       "password": PASSWORD}).status_code == 302
    with app.app_context():
        new_hash = db.session.get(User, province["off_a"].id).password_hash
    assert new_hash != old_hash and not stronger.check_needs_rehash(new_hash)
    assert stronger.verify(new_hash, PASSWORD)


def test_tokens_expire_after_the_set_days(app, client, province, token):
    headers = token("off_a")
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/persons", headers=headers).status_code == 401


def test_cli_token_lifetime_is_settable(app, runner, province):
    result = runner.invoke(args=["users", "token", "off_a", "--days", "7"])
    assert result.exit_code == 0
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert timedelta(days=6) < row.expires_at - utcnow() <= timedelta(days=7)


def test_deactivation_ends_api_tokens(client, login, province, token):
    headers = token("off_a")
    login("admin")
    client.post(f"/admin/users/{province['off_a'].id}/active", data={"confirmed": "1"})
    assert client.get("/api/v1/persons", headers=headers).status_code == 401


def test_user_issues_a_token_from_the_account_page_within_a_limit(app, client, login, province):
    app.config["TOKEN_RATE_LIMIT"] = (2, 3600)
    login("off_a")
    response = client.post("/account/token")
    assert response.status_code == 200
    value = response.get_data(as_text=True).split('data-testid="new-token">')[1].split("<")[0]
    assert app.test_client().get("/api/v1/persons", headers={
        "Authorization": f"Bearer {value}"}).status_code == 200
    assert client.post("/account/token").status_code == 200
    response = client.post("/account/token")
    assert response.status_code == 429
    assert "Too many tokens issued" in response.get_data(as_text=True)


def test_disable_inactive_accounts(app, runner, province):
    with app.app_context():
        idle = db.session.get(User, province["off_b"].id)
        idle.created_at = utcnow() - timedelta(days=200)
        idle.last_login_at = utcnow() - timedelta(days=91)
        fresh = db.session.get(User, province["off_a"].id)
        fresh.created_at = utcnow() - timedelta(days=200)
        fresh.last_login_at = utcnow() - timedelta(days=89)
        db.session.commit()
    result = runner.invoke(args=["users", "disable-inactive"])
    assert result.exit_code == 0 and "1 account(s) disabled: off_b" in result.output
    with app.app_context():
        assert db.session.get(User, province["off_b"].id).active is False
        assert db.session.get(User, province["off_a"].id).active is True
        from wanted.audit.models import AuditEvent

        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "user.disable_inactive"))
        assert event.object_id == str(province["off_b"].id) and event.source_ip == "cli"


def test_demo_seed_refuses_in_production(database_url, tmp_path, monkeypatch):
    from wanted import create_app

    monkeypatch.setenv("WANTED_ENV", "production")
    monkeypatch.setenv("WANTED_SECRET_KEY", "a-production-key-for-this-test")
    monkeypatch.setenv("WANTED_AUDIT_KEY", "an-audit-key-for-this-test")
    monkeypatch.setenv("WANTED_DATABASE_URL", database_url)
    monkeypatch.setenv("WANTED_STORAGE_DIR", str(tmp_path))
    app = create_app()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--persons", "2"])
    assert result.exit_code != 0
    assert "demo seed refuses to run in production" in result.output
    assert "users create" in result.output
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "admin")) is None
