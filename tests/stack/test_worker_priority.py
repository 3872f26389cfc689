"""The search worker gives the CPU to the web processes first (SEARCH_WORKER_NICE)."""

import os

from tests.stack.conftest import wait_for_worker
from tests.stack.processes import BIN, running


def test_the_search_worker_runs_at_a_lower_cpu_priority_than_the_web(queued, tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "worker.log"
    command = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]
    with running(command, queued, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(own + 5, 19)


def test_the_priority_is_settable_and_zero_leaves_it_alone(queued, tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "worker.log"
    command = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]
    with running(command, {**queued, "WANTED_SEARCH_WORKER_NICE": "0"}, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == own
