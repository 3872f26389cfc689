"""The `faces` command group: bulk enrolment and gallery rebuild."""

import contextlib
import multiprocessing
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from wanted.auth import services as auth
from wanted.errors import ServiceError
from wanted.extensions import db
from wanted.matching import bulk, engine, services, tasks
from wanted.storage import photo_store

faces_cli = AppGroup("faces", help="Face photos and the matching gallery.")
COMMIT_EVERY = 20


def limits() -> bulk.Limits:
    """Read the intake and detection settings of the app."""
    config = current_app.config
    return bulk.Limits(config["MAX_UPLOAD_BYTES"], config["MAX_IMAGE_PIXELS"],
                       config["FACE_MODEL"], config["FACE_UPSAMPLE"], config["FACE_MAX_SIDE"],
                       config["FACE_ENROL_JITTERS"])


@faces_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--user", "username", required=True,
              help="Officer or supervisor the enrolment is recorded under.")
@click.option("--workers", default=max(1, multiprocessing.cpu_count()), show_default=True)
def import_photos(path: Path, username: str, workers: int) -> None:
    """Enrol photos from a CSV (photo, person_id|full_name[, id_number]) or a folder per person.

    A run can be interrupted and started again: photos already enrolled are skipped.
    """
    actor = auth.user_by_username(username)
    items = bulk.read_items(path)
    todo = bulk.pending_items(items)
    click.echo(f"{len(items)} photo(s), {len(items) - len(todo)} already enrolled.")
    rejected = 0
    work = [(item, limits()) for item in todo]
    with contextlib.ExitStack() as stack:
        # One worker runs in this process; more run in a pool, one process per core.
        results = map(bulk.process, work) if workers == 1 else stack.enter_context(
            multiprocessing.get_context("spawn").Pool(workers)).imap_unordered(bulk.process, work)
        bar = stack.enter_context(click.progressbar(results, length=len(todo), label="Enrolling"))
        for done, (item, outcome) in enumerate(bar, start=1):
            rejected += not save_outcome(actor, item, outcome)
            if done % COMMIT_EVERY == 0:
                db.session.commit()
    db.session.commit()
    click.echo(f"Enrolled {len(todo) - rejected} photo(s); rejected {rejected}.")


def save_outcome(actor, item: bulk.ImportItem, outcome) -> bool:
    """Enrol a processed photo, or print why it was refused; return whether it was enrolled."""
    if not isinstance(outcome, str):
        try:
            bulk.enrol(actor, item, *outcome)
            return True
        except ServiceError as err:
            db.session.rollback()
            outcome = err.message
    click.echo(f"\nrejected {item.path}: {outcome}", err=True)
    return False


@faces_cli.command("reindex")
@click.option("--missing-only", is_flag=True, help="Only photos that have no faces yet.")
def reindex(missing_only: bool) -> None:
    """Find and encode the faces of registry photos again, then log a gallery reindex."""
    store = photo_store()
    config = current_app.config
    photos = [(photo.id, photo.sha256) for photo in bulk.registry_photos(missing_only)]
    services.release_transaction()
    found = {}
    # Encoding is the slow part; it runs before the write transaction, which stays short.
    with click.progressbar(photos, label="Reindexing") as bar:
        for photo_id, sha256 in bar:
            found[photo_id] = engine.find_faces(
                engine.load_rgb(store.get(sha256)), model=config["FACE_MODEL"],
                upsample=config["FACE_UPSAMPLE"], max_side=config["FACE_MAX_SIDE"],
                jitters=config["FACE_ENROL_JITTERS"])
    services.replace_faces(found)
    db.session.commit()
    count = sum(len(faces) for faces in found.values())
    click.echo(f"{len(photos)} photo(s) reindexed, {count} face(s) found.")


@faces_cli.command("sweep")
@click.option("--older-than", default=24 * 3600, show_default=True,
              help="Seconds a leftover file must have been there before it is removed.")
def sweep(older_than: int) -> None:
    """Remove photo files left by uploads that never committed (staged or unreferenced)."""
    staged, orphans = services.sweep_photo_store(older_than)
    click.echo(f"Removed {staged} staged and {orphans} unreferenced file(s).")


@faces_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run face searches from the RQ queue in this long-lived process (WANTED_REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("WANTED_REDIS_URL is not set: searches run inline.")
    tasks.work(burst=burst)
