"""`flask --app wanted retention run [--dry-run]`, for cron."""

import click
from flask.cli import AppGroup

from wanted.audit import services as audit
from wanted.extensions import db
from wanted.retention import services

retention_cli = AppGroup("retention", help="Removal of photos and faces kept past their time.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def retention_run(dry_run: bool) -> None:
    """Remove photos and faces of long-closed cases and old field photos of face searches."""
    plan = services.plan_retention()
    details = plan.as_details()
    click.echo(f"Closed before {details['closed_before']}: {len(plan.persons)} person(s), "
               f"{details['photos'] - len(plan.searches)} photo(s), {plan.faces} face(s).")
    click.echo(f"Face searches before {details['searched_before']}: {len(plan.searches)} "
               "field photo(s).")
    if dry_run:
        audit.record("retention.run", details={**details, "dry_run": True})
        db.session.commit()
        click.echo("Dry run: nothing removed.")
        return
    orphans = services.apply_retention(plan)
    audit.record("retention.run", details={**details, "dry_run": False})
    db.session.commit()
    click.echo(f"Removed; {services.remove_files(orphans)} file(s) deleted from the store.")
