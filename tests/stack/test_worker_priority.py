"""The search worker gives the CPU to the web processes first (SEARCH_WORKER_NICE)."""

import os
import re
from pathlib import Path

import pytest

from tests.stack.conftest import wait_for_worker
from tests.stack.processes import BIN, running

WORKER = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]


def session_nice(pid: int) -> int:
    """Return the nice value of a process's session group (Linux autogroup)."""
    text = Path(f"/proc/{pid}/autogroup").read_text()
    return int(re.search(r"nice (-?\d+)", text).group(1))


def own_session_nice() -> int:
    if not Path("/proc/self/autogroup").exists():
        pytest.skip("this kernel has no autogroups (/proc/self/autogroup)")
    return session_nice(os.getpid())


def test_the_search_worker_runs_at_a_lower_cpu_priority_than_the_web(queued, tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "worker.log"
    with running(WORKER, queued, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(own + 10, 19)


def test_a_worker_in_its_own_session_lowers_that_session_against_the_web(queued, tmp_path):
    # Linux weighs sessions against each other before nice values count: without this the
    # worker, started in a session of its own as a service is, took a full share of the CPU.
    own_session_nice()
    log = tmp_path / "worker.log"
    with running(WORKER, queued, log) as worker:  # its own session (setsid)
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert session_nice(worker.pid) == 10


def test_the_priority_is_settable_and_zero_leaves_it_alone(queued, tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "worker.log"
    with running(WORKER, {**queued, "WANTED_SEARCH_WORKER_NICE": "0"}, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == own
        if Path("/proc/self/autogroup").exists():
            assert session_nice(worker.pid) == 0
