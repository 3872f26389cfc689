"""Drive the production stack on this machine with locust and print throughput per route.

    .venv/bin/python bench/load.py [--users 8] [--seconds 30] [--workers N]

Starts what the README's production recipe runs: gunicorn (by default 2 x cores + 1 sync
workers), one search worker (`flask faces worker`), on a scratch PostgreSQL database (created
on WANTED_BENCH_PG, default postgresql://127.0.0.1:5432/test, dropped at the end) and a Redis
of its own (`redis-server` on a free port). It loads the demo data (`flask demo seed`) and
enrols a few sample faces so face searches find someone, then runs locust headless twice:
officers (person page, registry search, dashboard) and API clients (API person) alone, then
the same with two face searchers uploading field photos through the queue. For each run it
prints requests per second, median and p95 per route, and how much the registry pages' p95
rose while faces were searched. The machine's load average is printed too: other work on
the same cores changes every figure.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.stack.processes import BIN, flask_command, free_port, gunicorn, running, stack_env  # noqa: E402

PG_ADMIN_URL = os.environ.get("WANTED_BENCH_PG", "postgresql://127.0.0.1:5432/test")
FACES = REPO.parent / "shared" / "data" / "faces"
DEMO_PASSWORD = "demo-password-2026"
ROUTES = ("person page", "registry search", "api person", "dashboard",
          "face search (submit)", "face search (until done)")
TARGETS = {"person page": (300, 100), "registry search": (None, 150)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent reading clients")
    parser.add_argument("--seconds", type=int, default=30, help="length of each run")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--persons", type=int, default=300)
    args = parser.parse_args()
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
                WANTED_MFA_REQUIRED="false")
            token = prepare(env, args.persons)
            url = stack.enter_context(gunicorn(env, work / "web.log", workers=args.workers))
            stack.enter_context(running([str(BIN / "flask"), "--app", "wanted", "faces",
                                         "worker"], env, work / "worker.log"))
            print(f"gunicorn {args.workers} workers, 1 search worker, {args.users} clients, "
                  f"{args.seconds} s per run; load average before: {load()}")
            bench_env = {**os.environ, "BENCH_PERSONS": str(args.persons), "BENCH_TOKEN": token,
                         "BENCH_PASSWORD": DEMO_PASSWORD,
                         "BENCH_FACE": str(FACES / "obama" / "2.jpg")}
            alone = drive(url, bench_env, args, work / "alone", ["Officer", "ApiClient"])
            print(f"load average after the first run: {load()}")
            mixed = drive(url, bench_env, args, work / "mixed",
                          ["Officer", "ApiClient", "FaceSearcher"])
            print(f"load average after the second run: {load()}")
            report(alone, mixed)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def prepare(env: dict, persons: int) -> str:
    """Migrate, load the demo data and a few sample faces; return an officer's API token."""
    # The demo seed refuses production (its accounts have a published password); this scratch
    # database is the bench's own, so it is seeded as in development.
    seeding = {**env, "WANTED_ENV": "development"}
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
        flask_command(env, "faces", "import", str(sample), "--user", "pc02.cb1", "--workers", "1")
    done = flask_command(env, "users", "token", "pc02.cb1")
    return done.stdout.strip().splitlines()[-1]


def drive(url: str, env: dict, args, prefix: Path, users: list[str]) -> dict[str, dict]:
    """Run locust headless against the stack; return its figures per route."""
    count = args.users + (2 if "FaceSearcher" in users else 0)
    subprocess.run([str(BIN / "locust"), "-f", str(REPO / "bench" / "locustfile.py"),  # noqa: S603
                    "--headless", "-u", str(count), "-r", str(count), "-t", f"{args.seconds}s",
                    "--host", url, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR",
                    *users], env=env, check=True, capture_output=True, timeout=args.seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def figures(row: dict | None) -> tuple[float, float, float, int]:
    """Return requests per second, median and p95 (ms), and failures of one route."""
    if row is None:
        return 0.0, 0.0, 0.0, 0
    return (float(row["Requests/s"]), float(row["Median Response Time"]),
            float(row["95%"]), int(row["Failure Count"]))


def report(alone: dict, mixed: dict) -> None:
    """Print the table of both runs and the targets."""
    print(f"\n{'route':28} {'run':12} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'fail':>5}")
    for route in ROUTES:
        for label, run in (("alone", alone), ("with faces", mixed)):
            if route in run:
                rps, median, p95, failed = figures(run[route])
                print(f"{route:28} {label:12} {rps:8.1f} {median:10.0f} {p95:8.0f} {failed:5d}")
    print()
    for route, (min_rps, max_p95) in TARGETS.items():
        rps, _median, p95, _failed = figures(alone.get(route))
        verdict = [f"{route}: {rps:.0f} req/s, p95 {p95:.0f} ms"]
        if min_rps:
            verdict.append(f"target >= {min_rps} req/s {'met' if rps >= min_rps else 'NOT met'}")
        verdict.append(f"target p95 < {max_p95} ms {'met' if p95 < max_p95 else 'NOT met'}")
        print("; ".join(verdict))
    for route in ("person page", "registry search"):
        before, after = figures(alone.get(route))[2], figures(mixed.get(route))[2]
        if before:
            rise = 100 * (after - before) / before
            print(f"{route}: p95 {before:.0f} -> {after:.0f} ms with face searches "
                  f"({rise:+.0f}%; target < +50% {'met' if rise < 50 else 'NOT met'})")


def load() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"\n(bench took {time.monotonic() - started:.0f} s)")
