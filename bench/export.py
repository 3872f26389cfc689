"""Time the registry export (CSV and XLSX) of a large registry, and the memory it takes.

    .venv/bin/python bench/export.py [--persons 20000] [--db sqlite|postgresql|both]

For each database: a fresh schema, the synthetic persons of bench/search.py (each with its
charges, and an assigned officer), then the whole registry is exported through the real
request path (`GET /registry/export.csv` and `.xlsx`, signed in as a supervisor) and the body
read to its end, as a browser would. Each format is timed `--runs` times; then one more run
under tracemalloc gives the peak of Python memory allocated while serving it (what grows with
the number of rows). CPU s is this process's CPU time (the app, the driver, SQLite; not the
PostgreSQL server), steadier than wall-clock time on a shared machine. The export cap is
raised above the registry size.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WANTED_ENV", "test")

from sqlalchemy import text

from bench.search import PG_ADMIN_URL, admin, analyze, load, make_rows
from wanted import create_app
from wanted.commands import upgrade_database
from wanted.extensions import db


def export(client, fmt: str) -> tuple[float, float, int]:
    """Download the whole registry in one format; return seconds, CPU seconds and bytes."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/registry/export.{fmt}")
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started, time.process_time() - cpu, size


def peak_memory(client, fmt: str) -> float:
    """Return the peak of Python allocations (MB) while serving one export."""
    gc.collect()
    tracemalloc.start()
    try:
        export(client, fmt)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bench(dialect: str, url: str, rows, links, runs: int) -> None:
    """Build, load and export one database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "EXPORT_MAX_ROWS": len(rows) + 1})
    with app.app_context():
        upgrade_database()
        load(rows, links)
        db.session.execute(text("UPDATE wanted_persons SET officer_id = "
                                "(SELECT id FROM users WHERE username = 'bench')"))
        db.session.commit()
        analyze()
        db.session.remove()
    client = app.test_client()
    signed_in = client.post("/login", data={"username": "bench", "password": "bench-password-1"})
    assert signed_in.status_code == 302, signed_in.status_code
    print(f"\n{dialect}: {'format':<6} {'rows':>7} {'MB':>6} {'median s':>9} {'min s':>7} "
          f"{'CPU s':>6} {'peak Python MB':>15}")
    for fmt in ("csv", "xlsx"):
        export(client, fmt)  # warm-up: templates, translations, caches
        timed = [export(client, fmt) for _ in range(runs)]
        times = [seconds for seconds, _cpu, _size in timed]
        print(f"{'':<{len(dialect) + 2}}{fmt:<6} {len(rows):>7} {timed[0][2] / 2**20:>6.1f} "
              f"{statistics.median(times):>9.2f} {min(times):>7.2f} "
              f"{statistics.median(cpu for _s, cpu, _b in timed):>6.2f} "
              f"{peak_memory(client, fmt):>15.1f}", flush=True)
    with app.app_context():
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows, links = make_rows(args.persons)
    print(f"{len(rows)} persons, {len(links)} charge links; {args.runs} timed runs per format "
          f"after one warm-up")
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="wanted-bench-") as tmp:
            bench("sqlite", f"sqlite:///{tmp}/bench.db", rows, links, args.runs)
    if args.db in ("postgresql", "both"):
        name = f"wanted_bench_{uuid.uuid4().hex[:10]}"
        admin(f'CREATE DATABASE "{name}"')
        try:
            bench("postgresql", PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", rows, links,
                  args.runs)
        finally:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
