"""Where a match search runs: inline within a bound, or on the RQ queue when Redis is set."""

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue

from wanted.errors import ServiceError
from wanted.extensions import db
from wanted.matching import services
from wanted.matching.models import MatchSearch


def uses_queue() -> bool:
    """Tell whether searches go to the RQ queue (production) rather than run inline."""
    return bool(current_app.config.get("REDIS_URL"))


def search_queue() -> Queue:
    """Return the RQ queue that workers listen on."""
    config = current_app.config
    return Queue(config["RQ_QUEUE"], connection=Redis.from_url(config["REDIS_URL"]))


def dispatch(search: MatchSearch) -> MatchSearch:
    """Run the search now, or commit it and hand it to a worker."""
    if not uses_queue():
        return services.run_search(search)
    db.session.commit()
    search_queue().enqueue(run_queued_search, search.id, job_timeout=300,
                           job_id=f"match-{search.id}")
    return search


def run_queued_search(search_id: int) -> str:
    """Run a queued search in a worker and return its final status."""
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        search = db.session.get(MatchSearch, search_id)
        if search is None or search.status != "pending":
            return "skipped"
        try:
            services.run_search(search)
        except ServiceError as err:
            db.session.rollback()
            search = db.session.get(MatchSearch, search_id)
            services.fail_search(search, err.message)
        db.session.commit()
        return search.status


_APP: Flask | None = None


def _worker_app() -> Flask:
    """Create the worker's app once, from the same configuration as the web processes."""
    global _APP
    if _APP is None:
        from wanted import create_app

        _APP = create_app()
    return _APP
