"""Load configuration: class defaults, then instance/config.py, then WANTED_* variables."""

import os
import secrets
from pathlib import Path

from flask import Flask

from config import CONFIGS, env_overrides


class ConfigurationError(RuntimeError):
    """The installation is configured in a way that must not run."""


def configure(app: Flask, config: type | dict | None) -> None:
    """Fill app.config from the chosen class, instance/config.py, the environment and `config`."""
    base = config if isinstance(config, type) else CONFIGS[os.environ.get("WANTED_ENV",
                                                                          "development")]
    app.config.from_object(base)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(env_overrides())
    if isinstance(config, dict):
        app.config.update(config)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config.get("SQLALCHEMY_DATABASE_URI") or (
        f"sqlite:///{instance / 'wanted.db'}")
    app.config["STORAGE_DIR"] = app.config.get("STORAGE_DIR") or str(instance / "photos")
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or local_secret_key(app, instance)
    app.config["AUDIT_KEY"] = app.config.get("AUDIT_KEY") or local_audit_key(app, instance)
    app.config["AUDIT_ANCHOR_DIR"] = app.config.get("AUDIT_ANCHOR_DIR") or str(
        instance / "audit-anchors")


def local_secret_key(app: Flask, instance: Path) -> str:
    """Return this installation's generated key; production must be given one instead."""
    if app.config.get("REQUIRE_SECRET_KEY"):
        raise ConfigurationError(
            "WANTED_SECRET_KEY is not set: production refuses to start without a secret key.")
    return generated_key(instance / "secret_key")


def local_audit_key(app: Flask, instance: Path) -> str:
    """Return this installation's generated audit chain key; production must be given one."""
    if app.config.get("REQUIRE_AUDIT_KEY"):
        raise ConfigurationError(
            "WANTED_AUDIT_KEY is not set: production refuses to start without an audit key.")
    return generated_key(instance / "audit_key")


def generated_key(key_file: Path) -> str:
    """Return the key kept in `key_file`, creating it (owner-only) on first use."""
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
