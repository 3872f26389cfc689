"""Fixtures of the tests that start real processes: a search worker's queues of its own."""

import time
import uuid

import pytest
from redis import Redis
from rq import Queue, Worker

from tests.stack.processes import stack_env

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def queued(app, database_url, tmp_path):
    """Send this app's searches and checks to queues of its own; return a worker's environment."""
    name = f"dup-{uuid.uuid4().hex}"
    app.config.update(REDIS_URL=REDIS_URL, RQ_QUEUE=name)
    yield stack_env(WANTED_ENV="test", WANTED_DATABASE_URL=database_url,
                    WANTED_REDIS_URL=REDIS_URL, WANTED_RQ_QUEUE=name,
                    WANTED_RATE_LIMIT_PREFIX=f"{name}:",
                    WANTED_STORAGE_DIR=app.config["STORAGE_DIR"],
                    WANTED_AUDIT_ANCHOR_DIR=app.config["AUDIT_ANCHOR_DIR"])
    for queue in (name, f"{name}-checks"):
        Queue(queue, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


def wait_for_worker(queue: str, log) -> None:
    connection = Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + 120
    while not Worker.all(queue=Queue(queue, connection=connection)):
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)
