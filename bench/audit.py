"""Time audit chain verification, full and incremental, and the cost of appending events.

    .venv/bin/python bench/audit.py [--events 100000] [--new 1000] [--db sqlite|postgresql|both]

For each database: a fresh schema via `upgrade_database()`, then `--events` events written
through the real path (`audit.record` and the commit hook that links, seals and anchors them),
committed 500 at a time with a checkpoint every 1000 events into a temporary anchor directory.
Then: a full verification (every event re-hashed, every checkpoint checked), one incremental
verification to store the verified point, `--new` more events, and the incremental
verification of those. Last, the rate of single-event commits (one page view's audit event
each: the lock, the chain's end, the insert and a durable COMMIT, which the lock serialises)
from 1, 4 and 8 threads writing at once for `--seconds` each: the ceiling of audited page
views per second on this machine, whatever the pages cost. The PostgreSQL database is
created on WANTED_BENCH_PG (default postgresql://127.0.0.1:5432/test) and dropped at the end.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WANTED_ENV", "test")

import psycopg

from wanted import create_app
from wanted.audit import services as audit
from wanted.commands import upgrade_database
from wanted.extensions import db

PG_ADMIN_URL = os.environ.get("WANTED_BENCH_PG", "postgresql://127.0.0.1:5432/test")
BATCH = 500


def write_events(count: int, start: int = 0) -> float:
    """Record `count` realistic events, committing in batches; return the seconds taken."""
    began = time.perf_counter()
    for number in range(start, start + count):
        audit.record("person.search", actor_name=f"officer{number % 40}", details={
            "q": "Nguyễn Văn Hùng", "filters": {"status": "wanted", "unit": "PC02"},
            "page": number % 7, "total": number % 113})
        if (number + 1) % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return time.perf_counter() - began


def timed(function, *args, **kwargs) -> tuple[dict, float]:
    """Call a function; return its result and the seconds it took."""
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - began


def commit_rate(app, writers: int, seconds: float) -> float:
    """Commit one event per transaction from `writers` threads at once; return commits/s."""
    counts = [0] * writers
    start = threading.Barrier(writers)

    def write(slot: int) -> None:
        with app.app_context():
            start.wait()
            end = time.perf_counter() + seconds
            while time.perf_counter() < end:
                audit.record("person.view", actor_name="officer1", object_type="person",
                             object_id=str(slot))
                db.session.commit()
                counts[slot] += 1

    threads = [threading.Thread(target=write, args=(slot,)) for slot in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def bench(url: str, events: int, new: int, anchors: Path, seconds: float) -> None:
    """Fill one database and print the verification times."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AUDIT_ANCHOR_DIR": str(anchors),
                      "AUDIT_CHECKPOINT_EVERY": 1000})
    with app.app_context():
        upgrade_database()
        written = write_events(events)
        full, full_s = timed(audit.verify_chain, full=True)
        assert full["ok"], full
        db.session.commit()
        write_events(new, start=events)
        incremental, incremental_s = timed(audit.verify_chain)
        assert incremental["ok"] and incremental["mode"] == "incremental", incremental
        db.session.commit()
        rates = {writers: commit_rate(app, writers, seconds) for writers in (1, 4, 8)}
        name = db.engine.dialect.name
        db.engine.dispose()
    print(f"{name}: wrote {events} events in {written:.1f} s "
          f"({written / events * 1e6:.0f} µs each, commit hook included)")
    print(f"{name}: full verification of {full['events']} events and {full['anchors']} "
          f"checkpoints: {full_s:.2f} s ({full_s / full['events'] * 1e6:.1f} µs per event)")
    print(f"{name}: incremental verification of {incremental['checked']} new events "
          f"(of {incremental['events']}): {incremental_s * 1000:.1f} ms")
    print(f"{name}: one event per commit: " + ", ".join(
        f"{rate:.0f}/s from {writers} thread{'s' if writers > 1 else ''}"
        for writers, rate in rates.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=5, help="length of each commit-rate run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wanted-bench-audit-") as tmp:
        if args.db in ("sqlite", "both"):
            bench(f"sqlite:///{tmp}/audit.db", args.events, args.new, Path(tmp) / "sqlite",
                  args.seconds)
        if args.db in ("postgresql", "both"):
            name = f"wanted_bench_audit_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                bench(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", args.events, args.new,
                      Path(tmp) / "postgresql", args.seconds)
            finally:
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
