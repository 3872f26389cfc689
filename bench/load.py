"""Drive the production stack on this machine with wrk and print throughput per route.

    .venv/bin/python bench/load.py [--users 8] [--seconds 20] [--workers 4] [--threads 1]
                                   [--worker-nice N] [--hold]

Starts what the README's production recipe runs: gunicorn (`--workers` processes of
`--threads` threads each; `--threads 1` runs sync workers), one search worker (`flask faces
worker`), on a scratch PostgreSQL database (created on WANTED_BENCH_PG, default
postgresql://127.0.0.1:5432/test, dropped at the end) and a Redis of its own (`redis-server`
on a free port). It loads the demo data (`flask demo seed`; faces enrolled with one jitter
instead of ten, to keep the set-up short) and a few sample faces so that face searches find
someone.

The load comes from wrk (Debian: `apt-get install wrk`), one process per route with the script
bench/load.lua: written in C, it takes a few per cent of a core at these rates, so the client
leaves the two cores to the server (locust, in Python, took about as much CPU as the app). Each
wrk connection is one client sending its next request as soon as the last is answered.

After 3 unmeasured seconds per route (the workers' first requests load the rest of the app),
runs of `--seconds` each: every route alone with `--users` connections (person page as an officer,
registry search, API person with a bearer token, dashboard); then all four at once sharing the
`--users` connections (3/8 person page, 2/8 registry search, 2/8 API, 1/8 dashboard); then the
same mix while two face searchers upload a field photo through the queue and poll until it is
done. It prints requests per second, median and p95 per route and run, the targets, and the
machine's load average (other work on the same cores changes every figure).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.stack.processes import (  # noqa: E402
    BIN,
    flask_command,
    free_port,
    running,
    stack_env,
)

PG_ADMIN_URL = os.environ.get("WANTED_BENCH_PG", "postgresql://127.0.0.1:5432/test")
FACES = REPO.parent / "shared" / "data" / "faces"
DEMO_PASSWORD = "demo-password-2026"
# Sign-in binds a session to the browser's User-Agent (Flask-Login's "strong" protection): wrk
# must send the one the bench signed in with, or every page answers a redirect to sign-in.
USER_AGENT = "wanted-bench/1"
LUA = REPO / "bench" / "load.lua"
# Route name, the script's route, and its share of the connections in the mixed runs.
ROUTES = (("person page", "person", 3), ("registry search", "search", 2),
          ("api person", "api", 2), ("dashboard", "dashboard", 1))
TARGETS = {"person page": (300, 100), "registry search": (None, 150)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent connections")
    parser.add_argument("--seconds", type=int, default=20, help="length of each run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gthread); 1: sync workers, as recommended")
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--worker-nice", type=int,
                        help="the search worker's WANTED_SEARCH_WORKER_NICE (default: the app's)")
    parser.add_argument("--hold", action="store_true",
                        help="start the stack, print how to reach it, and keep it up until "
                             "interrupted (for profiling) instead of running the load")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/load.py needs wrk: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="wanted-load-"))
    name = f"wanted_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with ExitStack() as stack:
            redis_port = free_port()
            stack.enter_context(running(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"], os.environ.copy(), work / "redis.log"))
            env = stack_env(
                WANTED_ENV="production", WANTED_SECRET_KEY=f"k-{uuid.uuid4().hex}",
                WANTED_AUDIT_KEY=f"k-{uuid.uuid4().hex}",
                WANTED_AUDIT_ANCHOR_DIR=str(work / "anchors"),
                WANTED_DATABASE_URL=PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://")
                .rsplit("/", 1)[0] + f"/{name}",
                WANTED_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
                WANTED_STORAGE_DIR=str(work / "photos"), WANTED_SESSION_COOKIE_SECURE="false",
                WANTED_MFA_REQUIRED="false",
                # Two searchers running flat out pass the officer's 30 searches an hour.
                WANTED_MATCH_RATE_LIMIT="[1000000, 3600]")
            token = prepare(env, args.persons)
            url = stack.enter_context(serve(env, work / "web.log", args.workers, args.threads))
            nice = {} if args.worker_nice is None else {
                "WANTED_SEARCH_WORKER_NICE": str(args.worker_nice)}
            stack.enter_context(running([str(BIN / "flask"), "--app", "wanted", "faces",
                                         "worker"], env | nice, work / "worker.log"))
            clients = {"BENCH_PERSONS": str(args.persons), "BENCH_TOKEN": token,
                       "BENCH_COOKIE": sign_in(url, "pc02.cb1")}
            if args.hold:
                hold(url, clients, work)
                return
            kind = f"gthread, {args.threads} threads" if args.threads > 1 else "sync"
            print(f"gunicorn {args.workers} workers ({kind}), 1 search worker "
                  f"(nice {args.worker_nice if nice else 'default'}), {args.users} "
                  f"connections, {args.seconds} s per run; load average before: {load()}")
            # Unmeasured: each worker's first requests load templates, catalogues and the
            # rest of the app's code, which would land in the first route's figures.
            for route, script, _share in ROUTES:
                drive(url, clients, {route: (script, args.users)}, 3)
            runs: dict[str, dict[str, dict]] = {}
            for route, script, _share in ROUTES:
                runs.setdefault("alone", {}).update(
                    drive(url, clients, {route: (script, args.users)}, args.seconds))
            mix = {route: (script, max(1, round(args.users * share / 8)))
                   for route, script, share in ROUTES}
            runs["mixed"] = drive(url, clients, mix, args.seconds)
            print(f"load average after the runs without faces: {load()}")
            searches = FaceSearches(url, token, FACES / "obama" / "2.jpg")
            with searches:
                runs["with faces"] = drive(url, clients, mix, args.seconds)
            runs["with faces"].update(searches.figures(args.seconds))
            print(f"load average after the run with faces: {load()}")
            report(runs)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def prepare(env: dict, persons: int) -> str:
    """Migrate, load the demo data and a few sample faces; return an officer's API token."""
    # The demo seed refuses production (its accounts have a published password); this scratch
    # database is the bench's own, so it is seeded as in development.
    quick = {"WANTED_FACE_ENROL_JITTERS": "1"}
    seeding = {**env, **quick, "WANTED_ENV": "development"}
    for command, settings in ((["db", "upgrade"], env),
                              (["demo", "seed", "--persons", str(persons)], seeding)):
        done = flask_command(settings, *command)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    if FACES.is_dir():
        sample = Path(tempfile.mkdtemp(prefix="wanted-faces-"))
        for person in ("obama", "biden", "Yao_Ming", "Vicki_ZhaoWei"):
            (sample / person).mkdir()
            shutil.copy(FACES / person / "1.jpg", sample / person / "1.jpg")
        flask_command({**env, **quick}, "faces", "import", str(sample), "--user", "pc02.cb1",
                      "--workers", "1")
    done = flask_command(env, "users", "token", "pc02.cb1")
    # A database in service has its planner statistics; a freshly seeded one gets them from
    # autovacuum a minute or two later, in the middle of the runs (and slower plans until then).
    url = env["WANTED_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def serve(env: dict, log: Path, workers: int, threads: int) -> Iterator[str]:
    """Serve the app with gunicorn as the README recommends; yield its base URL once up."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--timeout", "60", "--graceful-timeout", "5"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    with running([*command, "wanted:create_app()"], env, log) as process:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # workers import the face stack: slow on busy cores
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if requests.get(f"{url}/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            raise SystemExit(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
        yield url


def sign_in(url: str, username: str) -> str:
    """Sign an officer in; return the session cookie as a Cookie header value."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    page = session.get(f"{url}/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    session.post(f"{url}/login", timeout=30, allow_redirects=False, data={
        "csrf_token": token.group(1) if token else "", "username": username,
        "password": DEMO_PASSWORD})
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    check = requests.get(f"{url}/persons/1", headers={"Cookie": cookie, "User-Agent": USER_AGENT},
                         timeout=30, allow_redirects=False)
    if check.status_code != 200:
        raise SystemExit(f"signing in as {username} failed: {check.status_code}")
    return cookie


def drive(url: str, clients: dict, routes: dict[str, tuple[str, int]],
          seconds: int) -> dict[str, dict]:
    """Run one wrk per route at the same time; return each route's figures."""
    started = {}
    for seed, (route, (script, connections)) in enumerate(routes.items(), start=1):
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                   "-s", str(LUA), url]
        started[route] = subprocess.Popen(  # noqa: S603
            command, env={**os.environ, **clients, "BENCH_ROUTE": script,
                          "BENCH_SEED": str(seed)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    figures = {}
    for route, process in started.items():
        out, err = process.communicate(timeout=seconds + 60)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if process.returncode or not lines:
            raise SystemExit(f"wrk for {route} failed:\n{out}\n{err}")
        raw = json.loads(lines[-1])
        figures[route] = {"rps": raw["requests"] / (raw["duration_us"] / 1e6),
                          "median": raw["median_us"] / 1000, "p95": raw["p95_us"] / 1000,
                          "failures": raw["failures"] + raw["errors"]}
    return figures


class FaceSearches:
    """Two clients that upload a field photo through the API and poll until it is searched."""

    def __init__(self, url: str, token: str, photo: Path, clients: int = 2) -> None:
        self.url, self.photo, self.clients = url, photo, clients
        self.headers = {"Authorization": f"Bearer {token}"}
        self.stop = threading.Event()
        self.submit: list[float] = []
        self.until_done: list[float] = []
        self.failures = 0
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> "FaceSearches":
        self.threads = [threading.Thread(target=self.search_until_stopped, daemon=True)
                        for _ in range(self.clients)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)

    def search_until_stopped(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            with self.photo.open("rb") as photo:
                response = requests.post(f"{self.url}/api/v1/matches", headers=self.headers,
                                         files={"photo": photo}, timeout=60,
                                         data={"purpose": "bench", "case_ref": "BENCH-1"})
            self.submit.append(time.monotonic() - started)
            if response.status_code != 201:
                self.failures += 1
                self.stop.wait(1)
                continue
            search = response.json()
            while search.get("status") == "pending" and time.monotonic() - started < 60:
                time.sleep(0.2)
                search = requests.get(f"{self.url}/api/v1/matches/{search['id']}",
                                      headers=self.headers, timeout=60).json()
            if search.get("status") == "done":
                self.until_done.append(time.monotonic() - started)
            else:
                self.failures += 1
            self.stop.wait(0.5)

    def figures(self, seconds: float) -> dict[str, dict]:
        """Return the searches' figures in the shape of a route's."""
        def route(times: list[float], failures: int) -> dict:
            if not times:
                return {"rps": 0.0, "median": 0.0, "p95": 0.0, "failures": failures}
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            return {"rps": len(times) / seconds, "median": 1000 * statistics.median(times),
                    "p95": 1000 * p95, "failures": failures}

        return {"face search (submit)": route(self.submit, 0),
                "face search (until done)": route(self.until_done, self.failures)}


def report(runs: dict[str, dict[str, dict]]) -> None:
    """Print the table of every run and the targets."""
    print(f"\n{'route':26} {'run':11} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'fail':>5}")
    names = [route for route, _script, _share in ROUTES] + [
        "face search (submit)", "face search (until done)"]
    for route in names:
        for label, run in runs.items():
            if route in run:
                row = run[route]
                print(f"{route:26} {label:11} {row['rps']:8.1f} {row['median']:10.1f} "
                      f"{row['p95']:8.1f} {row['failures']:5d}")
    print()
    for route, (min_rps, max_p95) in TARGETS.items():
        row = runs["alone"][route]
        verdict = [f"{route} alone: {row['rps']:.0f} req/s, p95 {row['p95']:.0f} ms"]
        if row["failures"]:
            verdict.append(f"{row['failures']} answers were not 200: these figures are not valid")
        if min_rps:
            verdict.append(f"target >= {min_rps} req/s "
                           f"{'met' if row['rps'] >= min_rps else 'NOT met'}")
        verdict.append(f"target p95 < {max_p95} ms {'met' if row['p95'] < max_p95 else 'NOT met'}")
        print("; ".join(verdict))
    for route in ("person page", "registry search"):
        before, after = runs["mixed"][route]["p95"], runs["with faces"][route]["p95"]
        rise = 100 * (after - before) / before if before else 0.0
        print(f"{route}: p95 {before:.0f} -> {after:.0f} ms with face searches "
              f"({rise:+.0f}%; target < +50% {'met' if rise < 50 else 'NOT met'})")


def hold(url: str, clients: dict, work: Path) -> None:
    """Print the stack's address and a client's credentials; wait until interrupted."""
    print(f"url={url}\nwork={work}\nuser_agent={USER_AGENT}")
    for name, value in clients.items():
        print(f"{name}={value}")
    print("wrk: env BENCH_ROUTE=person BENCH_COOKIE=... wrk -t1 -c8 -d10s -s bench/load.lua URL",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


def load() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    began = time.monotonic()
    main()
    print(f"\n(bench took {time.monotonic() - began:.0f} s)")
