"""Time registry searches on a large synthetic registry, on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--persons 100000] [--db sqlite|postgresql|both]

For each database: a fresh schema via `upgrade_database()`, a bulk load of synthetic persons
(core INSERT executemany), ANALYZE (VACUUM ANALYZE on PostgreSQL, the state autovacuum keeps),
then each search runs through the API's service path, `search_person_snapshots(actor,
parse_filters(...))` in an app context: the page's ids with the count, the page's persons in API
shape (as the JSON answer lists them), and the audit insert (with --page, the registry page's
path instead: `search_listing`, the page's rows as columns). The transaction is rolled back
after each search (so the audit chain stays short) unless --commit is given; the rollback or
commit is inside the timed span. The SQLite file lives in a temporary
directory; the PostgreSQL database is created on the server of WANTED_BENCH_PG (default
postgresql://127.0.0.1:5432/test) and dropped at the end, unless --keep NAME keeps it; --reuse
NAME times the searches on a database kept before (so that two versions of the code can be
compared on the same data, one after the other).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WANTED_ENV", "test")

import psycopg
from sqlalchemy import insert, select, text

from wanted import create_app
from wanted.auth import services as auth
from wanted.commands import upgrade_database
from wanted.demo import names
from wanted.demo.seed import CATEGORY_WEIGHTS
from wanted.extensions import db
from wanted.matching.photos import primary_photo_id
from wanted.registry.charges_data import CHARGES
from wanted.registry.models import Charge, WantedPerson, person_charges
from wanted.registry.services import (
    parse_filters,
    search_listing,
    search_person_snapshots,
    seed_charges,
)
from wanted.text import search_text

PG_ADMIN_URL = os.environ.get("WANTED_BENCH_PG", "postgresql://127.0.0.1:5432/test")
TARGET_P95_MS = {"sqlite": 100.0, "postgresql": 50.0}
STATUS_WEIGHTS = {"wanted": 70, "arrested": 12, "surrendered": 10, "deceased": 2,
                  "cancelled": 3, "withdrawn": 3}
BATCH = 5000
TODAY = date(2026, 11, 27)


def make_rows(count: int, seed: int = 2026) -> tuple[list[dict], list[tuple[int, str]]]:
    """Return person rows (unit as code) and (person id, charge category) pairs."""
    rng = random.Random(seed)
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    rows, links = [], []
    for person_id in range(1, count + 1):
        category = rng.choices(categories, weights)[0]
        made = names.make_person(rng, TODAY, category)
        decided = datetime.combine(made.decision_date, datetime.min.time()) + timedelta(hours=9)
        active = decided + timedelta(days=rng.randrange(max(1, (TODAY - made.decision_date).days)))
        status = rng.choices(statuses, status_weights)[0]
        row = {k: v for k, v in vars(made).items() if k != "home_commune"}
        if person_id == 1:  # as in the demo seed: "nguyen van hung" always finds someone
            row.update(full_name="Nguyễn Văn Hùng", sex="male")
        row.update(id=person_id, search_text=search_text(row["full_name"], row["aliases"]),
                   status=status, status_changed_at=None if status == "wanted" else active,
                   created_at=decided, updated_at=active, last_activity_at=active, version=1,
                   officer_id=None, created_by_id=None)
        rows.append(row)
        links.append((person_id, category))
        if rng.random() < 0.3:
            links.append((person_id, rng.choices(categories, weights)[0]))
    return rows, links


def load(rows: list[dict], links: list[tuple[int, str]]) -> None:
    """Create units, one supervisor, the charge list and the persons with their charges."""
    seed_charges(CHARGES)

    def add_units(node: names.UnitSeed, parent: str | None) -> None:
        auth.create_unit(node.code, node.name, parent)
        for child in node.children:
            add_units(child, node.code)

    add_units(names.UNIT_TREE, None)
    auth.create_user("bench", role="supervisor", unit_code="BS", password="bench-password-1",
                     full_name="Bench")
    units = dict(db.session.execute(text("SELECT code, id FROM units")).all())
    charges: dict[str, list[int]] = {}
    for charge_id, category in db.session.execute(select(Charge.id, Charge.category)):
        charges.setdefault(category, []).append(charge_id)
    rng = random.Random(7)
    pairs = {(person_id, rng.choice(charges[category])) for person_id, category in links}
    for start in range(0, len(rows), BATCH):
        batch = [{**{k: v for k, v in row.items() if k != "unit_code"},
                  "unit_id": units[row["unit_code"]]} for row in rows[start:start + BATCH]]
        db.session.execute(insert(WantedPerson.__table__), batch)
    ordered = sorted(pairs)
    for start in range(0, len(ordered), BATCH * 4):
        db.session.execute(insert(person_charges), [
            {"person_id": p, "charge_id": c} for p, c in ordered[start:start + BATCH * 4]])
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('wanted_persons', 'id'), "
                                "(SELECT max(id) FROM wanted_persons))"))
    db.session.commit()


def analyze() -> None:
    """Refresh planner statistics (and, on PostgreSQL, the visibility map and GIN list)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def searches(rows: list[dict]) -> list[tuple[str, dict]]:
    """Return (label, query arguments) of the searches to time."""
    some_id = next(row["id_number"] for row in rows[len(rows) // 2:] if row["id_number"])
    return [
        ("q=nguyen van hung", {"q": "nguyen van hung"}),
        ("q=Nguyễn Văn Hùng", {"q": "Nguyễn Văn Hùng"}),
        ("q=nguyen", {"q": "nguyen"}),
        ("q=hung", {"q": "hung"}),
        ("q=tran thi", {"q": "tran thi"}),
        ("q=le van", {"q": "le van"}),
        ("q=quach (rare)", {"q": "quach"}),
        ("q=<12-digit id>", {"q": some_id}),
        ("status+unit", {"status": "wanted", "unit": "BS-DT"}),
        ("q=nguyen+status+unit", {"q": "nguyen", "status": "wanted", "unit": "BS-PC02"}),
        ("charge_category=corruption", {"charge_category": "corruption"}),
        ("born 1980-1985", {"born_from": "1980", "born_to": "1985"}),
        ("(no query) page 1", {}),
        ("(no query) sort=newest", {"sort": "newest"}),
    ]


def percentile(values: list[float], pct: float) -> float:
    """Return the nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def run_searches(rows: list[dict], runs: int, warmup: int, commit: bool,
                 page: bool = False) -> dict[str, list]:
    """Time every search `runs` times after `warmup` untimed runs; return ms per label."""
    actor = auth.user_by_username("bench")
    find = ((lambda filters: search_listing(actor, filters, primary_photo_id())) if page
            else (lambda filters: search_person_snapshots(actor, filters)))
    results = {}
    for label, args in searches(rows):
        times, total = [], None
        for index in range(warmup + runs):
            started = time.perf_counter()
            total = find(parse_filters(args)).total
            if commit:
                db.session.commit()
            else:
                db.session.rollback()
            if index >= warmup:
                times.append((time.perf_counter() - started) * 1000)
        results[label] = (times, total)
    return results


def report(dialect: str, results: dict[str, tuple[list[float], int]]) -> bool:
    """Print the table of one database; return whether it meets its target."""
    target = TARGET_P95_MS[dialect]
    print(f"\n{dialect}: {'search':<28} {'matches':>8} {'median ms':>10} {'p95 ms':>8}")
    everything = []
    for label, (times, total) in results.items():
        everything += times
        flag = "" if percentile(times, 95) < target else "  <-- over target"
        print(f"{'':<{len(dialect) + 2}}{label:<28} {total:>8} {statistics.median(times):>10.1f}"
              f" {percentile(times, 95):>8.1f}{flag}")
    median, p95 = statistics.median(everything), percentile(everything, 95)
    passed = p95 < target
    print(f"{'':<{len(dialect) + 2}}{'ALL SEARCHES':<28} {'':>8} {median:>10.1f} {p95:>8.1f}")
    print(f"{dialect}: overall p95 {p95:.1f} ms vs target < {target:.0f} ms: "
          f"{'PASS' if passed else 'FAIL'}")
    return passed


def bench(dialect: str, url: str, rows, links, args, *, build: bool = True) -> bool:
    """Build, load and time one database (`build` False: time the one already loaded)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if build:
            started = time.perf_counter()
            upgrade_database()
            load(rows, links)
            loaded = time.perf_counter()
            analyze()
            print(f"{dialect}: schema + load of {len(rows)} persons {loaded - started:.1f} s, "
                  f"analyze {time.perf_counter() - loaded:.1f} s")
        results = run_searches(rows, args.runs, args.warmup, args.commit, args.page)
        passed = report(dialect, results)
        db.session.remove()
        db.engine.dispose()
    return passed


def admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--commit", action="store_true",
                        help="commit each search (and its audit event) instead of rolling back")
    parser.add_argument("--page", action="store_true",
                        help="time the registry page's path (search_listing, the rows with "
                             "their photo) instead of the API's (search_person_snapshots)")
    parser.add_argument("--keep", metavar="NAME",
                        help="PostgreSQL: load into database NAME and keep it (for EXPLAIN, or "
                             "to time other code on the same data with --reuse)")
    parser.add_argument("--reuse", metavar="NAME",
                        help="PostgreSQL: time the searches on database NAME, loaded before "
                             "with --keep and the same --persons")
    args = parser.parse_args()
    started = time.perf_counter()
    rows, links = make_rows(args.persons)
    print(f"generated {len(rows)} persons, {len(links)} charge links in "
          f"{time.perf_counter() - started:.1f} s; {args.warmup} warm-up + {args.runs} timed "
          f"runs per search, {'commit' if args.commit else 'rollback'} after each")
    outcomes = {}
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="wanted-bench-") as tmp:
            outcomes["sqlite"] = bench("sqlite", f"sqlite:///{tmp}/bench.db", rows, links, args)
    if args.db in ("postgresql", "both"):
        name = args.reuse or args.keep or f"wanted_bench_{uuid.uuid4().hex[:10]}"
        if not args.reuse:
            admin(f'CREATE DATABASE "{name}"')
        try:
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
            outcomes["postgresql"] = bench("postgresql", url, rows, links, args,
                                           build=not args.reuse)
        finally:
            if not (args.keep or args.reuse):
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\n" + ", ".join(f"{k}: {'PASS' if v else 'FAIL'}" for k, v in outcomes.items())
          + f" (total {time.perf_counter() - started:.0f} s)")
    return 0 if all(outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
