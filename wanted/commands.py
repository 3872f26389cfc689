"""Command-line groups: `flask --app wanted db|units|users|demo|faces …`."""

import functools
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from wanted.auth import services as auth
from wanted.errors import ServiceError
from wanted.extensions import db

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

ROOT = Path(__file__).resolve().parent.parent

db_cli = AppGroup("db", help="Database schema.")
units_cli = AppGroup("units", help="Police units.")
users_cli = AppGroup("users", help="Accounts and API tokens.")
demo_cli = AppGroup("demo", help="Synthetic demo data.")


@functools.cache
def _alembic() -> ModuleType:
    """Import Alembic for the commands that migrate; slow to import, no web process needs it."""
    import alembic.command
    import alembic.config

    return alembic


def alembic_config() -> "AlembicConfig":
    """Return the Alembic configuration of this repository."""
    return _alembic().config.Config(str(ROOT / "alembic.ini"))


def upgrade_database(revision: str = "head") -> None:
    """Apply migrations up to `revision` on the app's database."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        _alembic().command.upgrade(config, revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade_database(revision)
    click.echo(f"Database at {revision}.")


def fail(err: ServiceError) -> None:
    """Stop a command with the service's message and field errors."""
    details = "; ".join(f"{k}: {v}" for k, v in err.fields.items())
    raise click.ClickException(f"{err.message} {details}".strip())


@units_cli.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--parent", help="Code of the parent unit.")
def units_create(code: str, name: str, parent: str | None) -> None:
    """Create unit CODE named NAME."""
    try:
        auth.create_unit(code, name, parent)
    except ServiceError as err:
        fail(err)
    db.session.commit()
    click.echo(f"Unit {code} created.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "admin"]))
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
def users_create(username: str, role: str, unit_code: str, password: str,
                 full_name: str) -> None:
    """Create an account."""
    try:
        auth.create_user(username, role=role, unit_code=unit_code, password=password,
                         full_name=full_name)
    except ServiceError as err:
        fail(err)
    db.session.commit()
    click.echo(f"User {username} created.")


@users_cli.command("token")
@click.argument("username")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="Days until the token expires (default: API_TOKEN_DAYS).")
def users_token(username: str, days: int | None) -> None:
    """Print a new API token for USERNAME (the last line of output)."""
    try:
        user = auth.user_by_username(username)
    except ServiceError as err:
        fail(err)
    token = auth.issue_token(user, days or current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    click.echo(token)


@users_cli.command("mfa-enrol")
@click.argument("username")
def users_mfa_enrol(username: str) -> None:
    """Give USERNAME a new second factor; print its otpauth:// URI (the last line)."""
    from wanted.auth.mfa import enrol_without_code

    try:
        user = auth.user_by_username(username)
    except ServiceError as err:
        fail(err)
    uri = enrol_without_code(user)
    db.session.commit()
    click.echo(f"Second factor enrolled for {username}; load this URI into the app:")
    click.echo(uri)


@users_cli.command("unlock")
@click.argument("username")
def users_unlock(username: str) -> None:
    """Unlock USERNAME after repeated failed sign-ins."""
    try:
        user = auth.user_by_username(username)
    except ServiceError as err:
        fail(err)
    auth.unlock(user)
    db.session.commit()
    click.echo(f"User {username} unlocked.")


@users_cli.command("disable-inactive")
@click.option("--days", type=click.IntRange(1, 3650), default=90, show_default=True)
def users_disable_inactive(days: int) -> None:
    """Deactivate accounts not used for DAYS days (meant for a daily cron job)."""
    names = auth.disable_inactive(days)
    db.session.commit()
    click.echo(f"{len(names)} account(s) disabled" + (f": {', '.join(names)}" if names else "."))


@users_cli.command("revoke-tokens")
@click.argument("username")
def users_revoke(username: str) -> None:
    """Revoke every API token of USERNAME."""
    try:
        count = auth.revoke_tokens(auth.user_by_username(username))
    except ServiceError as err:
        fail(err)
    db.session.commit()
    click.echo(f"{count} token(s) revoked.")


@demo_cli.command("seed")
@click.option("--persons", default=300, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing if the registry has data.")
def demo_seed(persons: int, if_empty: bool) -> None:
    """Load a synthetic province: units, accounts, persons, pursuit work, a campaign."""
    from wanted.demo.seed import DEMO_PASSWORD, registry_is_empty, seed_demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "demo seed refuses to run in production (WANTED_ENV=production): its accounts "
            "have a published password. Create the first admin with `users create`.")
    if if_empty and not registry_is_empty():
        click.echo("Registry already has data; demo seed skipped.")
        return
    logins = seed_demo(persons=persons)
    db.session.commit()
    click.echo(f"Demo data loaded: {persons} persons. Logins (password {DEMO_PASSWORD}):")
    for username, role, unit in logins:
        click.echo(f"  {username:<14} {role:<11} {unit}")


def command_groups() -> list[AppGroup]:
    """Return every command group, the faces group of the matching area included."""
    from wanted.audit.cli import audit_cli
    from wanted.backup.cli import backup_cli
    from wanted.matching.cli import faces_cli
    from wanted.retention.cli import retention_cli

    return [db_cli, units_cli, users_cli, demo_cli, faces_cli, audit_cli, backup_cli,
            retention_cli]
