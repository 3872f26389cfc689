"""The search worker gives the CPU to the web processes first (SEARCH_WORKER_NICE)."""

import os
import re
from pathlib import Path

import pytest

from tests.stack.conftest import wait_for_worker
from tests.stack.processes import BIN, running

WORKER = [str(BIN / "flask"), "--app", "wanted", "faces", "worker"]


def session_nice(pid: int) -> int | None:
    """Return the nice value of a process's session group (Linux autogroup).

    None when the process is in no session group of its own: the kernel leaves the file empty
    for the processes of its default group (those that never started a session since boot, as
    a CI runner's may be) and for those placed in a CPU cgroup, where nice values alone count.
    """
    text = Path(f"/proc/{pid}/autogroup").read_text()
    match = re.search(r"nice (-?\d+)", text)
    return int(match.group(1)) if match else None


def worker_session_nice(pid: int) -> int:
    nice = session_nice(pid)
    if nice is None:
        pytest.skip("the kernel put the worker in no session group (autogroup) of its own")
    return nice


def needs_autogroups() -> None:
    if not Path("/proc/self/autogroup").exists():
        pytest.skip("this kernel has no autogroups (/proc/self/autogroup)")


def test_the_search_worker_runs_at_a_lower_cpu_priority_than_the_web(queued, tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "worker.log"
    with running(WORKER, queued, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(own + 10, 19)


def test_a_worker_in_its_own_session_lowers_that_session_against_the_web(queued, tmp_path):
    # Linux weighs sessions against each other before nice values count: without this the
    # worker, started in a session of its own as a service is, took a full share of the CPU.
    needs_autogroups()
    log = tmp_path / "worker.log"
    with running(WORKER, queued, log) as worker:  # its own session (setsid)
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert worker_session_nice(worker.pid) == 10


def test_the_priority_is_settable_and_zero_leaves_it_alone(queued, tmp_path):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    log = tmp_path / "worker.log"
    with running(WORKER, {**queued, "WANTED_SEARCH_WORKER_NICE": "0"}, log) as worker:
        wait_for_worker(queued["WANTED_RQ_QUEUE"], log)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == own
        if Path("/proc/self/autogroup").exists():
            assert session_nice(worker.pid) in (0, None)
