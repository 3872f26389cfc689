"""Where a match search runs: inline within a bound, or on the RQ queue when Redis is set."""

import logging
import os
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _
from redis import Redis, RedisError
from rq import Callback, Queue, SimpleWorker
from rq.results import Result

from wanted.auth.models import User
from wanted.errors import ServiceError
from wanted.extensions import db
from wanted.matching import engine, services
from wanted.matching.models import MatchSearch


def uses_queue() -> bool:
    """Tell whether searches go to the RQ queue (production) rather than run inline."""
    return bool(current_app.config.get("REDIS_URL"))


def search_queue() -> Queue:
    """Return the RQ queue that workers listen on."""
    config = current_app.config
    return Queue(config["RQ_QUEUE"], connection=Redis.from_url(config["REDIS_URL"]))


def checks_queue() -> Queue:
    """Return the queue of quick gallery look-ups a request waits for; workers serve it first."""
    config = current_app.config
    return Queue(f"{config['RQ_QUEUE']}-checks", connection=Redis.from_url(config["REDIS_URL"]))


def submit(actor: User, data: bytes, purpose: str | None, case_ref: str | None) -> MatchSearch:
    """Run a search now, or commit it as pending and hand it to a worker."""
    inline = not uses_queue()
    search = services.start_search(actor, data, purpose, case_ref, inline=inline)
    if inline:
        return search
    db.session.commit()
    search_queue().enqueue(run_queued_search, search.id, job_timeout=JOB_TIMEOUT,
                           job_id=job_id(search.id), on_failure=Callback(job_failed))
    return search


def job_id(search_id: int) -> str:
    """Name a search's job uniquely on a shared Redis: job ids are global, not per queue.

    Two installations (or two test databases) on one Redis have searches with the same ids;
    with the bare id, one side's job could replace or delete the other's.
    """
    return f"match-{current_app.config['RQ_QUEUE']}-{search_id}"


JOB_TIMEOUT = 300
AUTOGROUP = Path("/proc/self/autogroup")  # this session's CPU share (Linux)
log = logging.getLogger(__name__)


def run_queued_search(search_id: int) -> str:
    """Run a queued search in a worker and return its final status; any error fails it."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        try:
            search = services.run_search(search_id)
        except ServiceError as err:
            return fail(search_id, err.message)
        except Exception:
            log.exception("match search %s failed", search_id)
            return fail(search_id, _("The photo could not be processed by the search worker."))
        db.session.commit()
        return "skipped" if search is None else search.status


def duplicates_from_worker(encodings: list[bytes], exclude: int) -> list[dict]:
    """Ask a search worker (it holds the gallery) for a photo's possible duplicates, and wait.

    The look-up takes about a millisecond once a worker is free; the request waits at most
    DUPLICATE_CHECK_WAIT seconds, then refuses with 503 (nothing is stored) rather than build a
    gallery in the web process.
    """
    wait = max(1, round(current_app.config["DUPLICATE_CHECK_WAIT"]))
    try:
        # A job nobody started within the wait expires (ttl): no worker runs it for no one.
        job = checks_queue().enqueue(find_duplicates, encodings, exclude, ttl=wait,
                                     result_ttl=60, failure_ttl=600, job_timeout=JOB_TIMEOUT)
        result = job.latest_result(timeout=wait)
    except RedisError:
        log.exception("the duplicate check could not be queued")
        result = None
    if result is None or result.type != Result.Type.SUCCESSFUL:
        raise services.DuplicateCheckUnavailable(_(
            "The duplicate check of this photo could not run: no search worker answered in "
            "time. The photo was not added. Please try again in a moment."))
    return result.return_value


def find_duplicates(encodings: list[bytes], exclude: int) -> list[dict]:
    """Look a photo's encodings up in this worker's gallery (a job of the checks queue)."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        found = services.duplicates_in_gallery(encodings, exclude)
        db.session.rollback()  # it only read: end the transaction
        return found


def fail(search_id: int, reason: str) -> str:
    """Roll back a search's partial work and store it as failed with the reason."""
    db.session.rollback()
    search = db.session.get(MatchSearch, search_id)
    if search is not None and search.status == "pending":
        services.fail_search(search, reason)
        db.session.commit()
    return "failed"


def job_failed(job, connection, exc_type, exc_value, traceback) -> None:
    """Store a search whose job died (a timeout, say) as failed rather than pending forever."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        fail(job.args[0], _("The search worker stopped before the search finished."))


def work(burst: bool = False) -> None:
    """Serve the search queue in this process, one job after another, the gallery kept warm."""
    queue = search_queue()
    lower_priority(current_app.config["SEARCH_WORKER_NICE"])
    engine.models()  # the dlib models load here, before the first job, not during it
    services.current_gallery()
    db.session.commit()
    # SimpleWorker runs each job here instead of in a forked child: the app, the face models
    # and the gallery are built once, not per search. The checks queue comes first: a web
    # request is waiting for each of its jobs.
    SimpleWorker([checks_queue(), queue], connection=queue.connection).work(
        burst=burst, with_scheduler=False)


def lower_priority(increment: int) -> None:
    """Give the CPU to the web processes first: encoding a face takes a core for a second.

    Linux shares the CPU between sessions first (autogroups) and only then between the
    processes of one session by their nice values, so a worker leading its own session (under
    setsid, a supervisor, the bench and the tests) lowers its session's weight too: measured
    here, a spinning process at nice 19 in a session of its own still took half of a core
    from one at nice 0 in another session, and 3% once its session's nice was 19.
    """
    if increment <= 0:
        return
    os.nice(increment)
    if os.getsid(0) == os.getpid():
        try:
            AUTOGROUP.write_text(str(min(increment, 19)))
        except OSError:  # no autogroups (another system, or a kernel without them)
            pass


_APP: Flask | None = None


def _worker_app() -> Flask:
    """Create the worker's app once, from the same configuration as the web processes."""
    global _APP
    if _APP is None:
        from wanted import create_app

        _APP = create_app()
    return _APP
