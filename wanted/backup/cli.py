"""`flask --app wanted backup create|verify|restore|keygen`."""

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from wanted.audit import services as audit
from wanted.backup import services
from wanted.backup.services import BackupError
from wanted.extensions import db

backup_cli = AppGroup("backup", help="Backups of the database and the photo store.")


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_create(directory: Path) -> None:
    """Write one consistent archive (database, photos, manifest) into DIRECTORY."""
    began = time.monotonic()
    try:
        archive, manifest = services.create_archive(directory)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    audit.record("backup.create", details={"archive": archive.name,
                                           "encrypted": manifest["encrypted"]})
    db.session.commit()
    size = archive.stat().st_size
    click.echo(f"{archive} ({size / 1e6:.1f} MB, {len(manifest['photos'])} photos, "
               f"{'encrypted' if manifest['encrypted'] else 'NOT encrypted'}) "
               f"in {time.monotonic() - began:.1f} s")


@backup_cli.command("verify")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def backup_verify(archive: Path) -> None:
    """Check that ARCHIVE decrypts and that every file matches its manifest; exit 1 if not."""
    try:
        report = services.verify_archive(archive)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    show(report)
    if not report.ok:
        raise SystemExit(1)


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def backup_restore(archive: Path) -> None:
    """Restore ARCHIVE into the empty configured database and photo store, then verify."""
    try:
        report = services.restore_archive(archive)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    show(report)
    if not report.ok:
        raise SystemExit(1)
    head = report.manifest.get("audit_head") or {}
    chain = audit.verify_chain(full=True, up_to=head.get("id"))
    db.session.commit()
    click.echo(f"Audit chain: {audit.describe(chain)}")
    if not chain["ok"]:
        raise SystemExit(1)


@backup_cli.command("keygen")
def backup_keygen() -> None:
    """Print a new age identity for WANTED_BACKUP_KEY and its public recipient."""
    secret, public = services.new_identity()
    click.echo(f"# public recipient (may encrypt only): {public}")
    click.echo(secret)


def show(report: services.Report) -> None:
    """Print what an archive holds and what is wrong with it."""
    manifest = report.manifest
    rows = sum(manifest.get("tables", {}).values())
    click.echo(f"Archive of {manifest.get('created_at')} ({manifest.get('dialect')}): "
               f"{len(manifest.get('tables', {}))} tables, {rows} rows, "
               f"{len(manifest.get('photos', {}))} photos.")
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}")
    click.echo("OK" if report.ok else f"{len(report.problems)} problem(s).")
