"""`flask --app wanted audit …`: verify the chain, write a checkpoint now."""

import json

import click
from flask.cli import AppGroup

from wanted.audit import anchors, services
from wanted.audit.chain import chain_head
from wanted.extensions import db

audit_cli = AppGroup("audit", help="The audit log and its chain.")


@audit_cli.command("verify")
@click.option("--full", is_flag=True, help="From the first event, not the last verified point.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def audit_verify(full: bool, as_json: bool) -> None:
    """Verify the chain and its checkpoints; exit 1 where they break."""
    result = services.verify_chain(full=full)
    db.session.commit()
    click.echo(json.dumps(result) if as_json else services.describe(result))
    if not result["ok"]:
        raise SystemExit(1)


@audit_cli.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a checkpoint of the chain head now (for cron, beside the automatic ones)."""
    head = chain_head()
    if head is None:
        click.echo("The audit log is empty; nothing to anchor.")
        return
    count = services.event_count()
    anchors.write(anchors.checkpoint(head[0], head[1], count))
    click.echo(f"Checkpoint written: event {head[0]}, {count} events.")
