"""Configuration: classes, instance/config.py and WANTED_* variables; production needs a key."""

import sqlite3
from pathlib import Path

import pytest

from config import env_overrides
from wanted import create_app
from wanted.settings import ConfigurationError


def test_environment_variables_override_with_types():
    overrides = env_overrides({"WANTED_DATABASE_URL": "postgresql://db/x", "WANTED_MATCH_K": "7",
                               "WANTED_SECRET_KEY": "s3cret", "OTHER": "ignored"})
    assert overrides == {"SQLALCHEMY_DATABASE_URI": "postgresql://db/x", "MATCH_K": 7,
                         "SECRET_KEY": "s3cret"}


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("WANTED_ENV", "production")
    monkeypatch.setenv("WANTED_AUDIT_KEY", "audit-key-from-the-environment")
    monkeypatch.delenv("WANTED_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="WANTED_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    monkeypatch.setenv("WANTED_SECRET_KEY", "from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_an_audit_key(monkeypatch, tmp_path):
    monkeypatch.setenv("WANTED_ENV", "production")
    monkeypatch.setenv("WANTED_SECRET_KEY", "from-the-environment")
    monkeypatch.delenv("WANTED_AUDIT_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="WANTED_AUDIT_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_embedded_default_keeps_everything_under_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("WANTED_ENV", "development")
    for name in ("WANTED_DATABASE_URL", "WANTED_STORAGE_DIR", "WANTED_SECRET_KEY",
                 "WANTED_AUDIT_KEY", "WANTED_AUDIT_ANCHOR_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    instance = app.instance_path
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/wanted.db"
    assert app.config["STORAGE_DIR"] == f"{instance}/photos"
    assert len(app.config["SECRET_KEY"]) >= 40  # generated once, kept in instance/
    # The audit key too, in its own owner-only file: never in the database.
    key_file = Path(instance) / "audit_key"
    assert app.config["AUDIT_KEY"] == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o077 == 0
    assert app.config["AUDIT_ANCHOR_DIR"] == f"{instance}/audit-anchors"


def test_storage_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WANTED_STORAGE_DIR", str(tmp_path / "store"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["STORAGE_DIR"] == str(tmp_path / "store")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from wanted.extensions import db

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            raw = db.engine.raw_connection()
            assert isinstance(raw.driver_connection, sqlite3.Connection)
            assert raw.driver_connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.driver_connection.execute("PRAGMA busy_timeout").fetchone()[0] == 10000
            raw.close()
