"""Start the production processes (gunicorn, RQ worker, CLI commands) and stop them cleanly."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 60
STOP_TIMEOUT = 15


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_env(**settings: str) -> dict[str, str]:
    """Return this process's environment without WANTED_* settings, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANTED_")}
    env.update(settings)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def stop(process: subprocess.Popen) -> None:
    """Ask a process group to stop, then kill it if it has not within the bound."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_TIMEOUT)


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Run a command in its own process group for the duration of the block."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out,  # noqa: S603
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            stop(process)


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 1) -> Iterator[str]:
    """Serve the app with gunicorn; yield its base URL once it answers."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--timeout", "60", "--graceful-timeout", "5", "wanted:create_app()"]
    with running(command, env, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(process, url, log)
        yield url


def wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    """Wait until the server answers its sign-in page, or fail with its log."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not answer in time:\n{log.read_text()[-3000:]}")


def flask_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `flask --app wanted ARGS` as its own process and return what it did."""
    return subprocess.run([str(BIN / "flask"), "--app", "wanted", *args], env=env, cwd=REPO,  # noqa: S603
                          capture_output=True, text=True, timeout=300, check=False)
