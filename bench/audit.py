"""Time audit chain verification, full and incremental, and the cost of appending events.

    .venv/bin/python bench/audit.py [--events 100000] [--new 1000] [--db sqlite|postgresql|both]

For each database: a fresh schema via `upgrade_database()`, then `--events` events written
through the real path (`audit.record` and the commit hook that links, seals and anchors them),
committed 500 at a time with a checkpoint every 1000 events into a temporary anchor directory.
Then: a full verification (every event re-hashed, every checkpoint checked), one incremental
verification to store the verified point, `--new` more events, and the incremental
verification of those. The PostgreSQL database is created on WANTED_BENCH_PG (default
postgresql://127.0.0.1:5432/test) and dropped at the end.
"""

import argparse
import os
import sys
import tempfile
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


def bench(url: str, events: int, new: int, anchors: Path) -> None:
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
        name = db.engine.dialect.name
        db.engine.dispose()
    print(f"{name}: wrote {events} events in {written:.1f} s "
          f"({written / events * 1e6:.0f} µs each, commit hook included)")
    print(f"{name}: full verification of {full['events']} events and {full['anchors']} "
          f"checkpoints: {full_s:.2f} s ({full_s / full['events'] * 1e6:.1f} µs per event)")
    print(f"{name}: incremental verification of {incremental['checked']} new events "
          f"(of {incremental['events']}): {incremental_s * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wanted-bench-audit-") as tmp:
        if args.db in ("sqlite", "both"):
            bench(f"sqlite:///{tmp}/audit.db", args.events, args.new, Path(tmp) / "sqlite")
        if args.db in ("postgresql", "both"):
            name = f"wanted_bench_audit_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                bench(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", args.events, args.new,
                      Path(tmp) / "postgresql")
            finally:
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
