"""Time a person's timeline as the audit log of the person grows (photo removals are read there).

    .venv/bin/python bench/timeline.py [--views 100,1000,20000] [--others 200000]
                                       [--db sqlite|postgresql|both]

For each database: a fresh schema via `upgrade_database()`, one unit and officer, `--others`
audit events on 3,000 other persons (views, and a photo added to each now and then), then one
person with 10 outreach contacts, 10 tips, 10 arrest attempts, 5 registry photos and one photo
removed, whose audit events (page views, mostly) grow to each count of `--views`. The audit
rows are inserted directly, numbered as the chain would (the chain is not what is timed).
Printed: the median of 20 calls of the whole timeline (`pursuit.services.timeline`) and of its
photo entries alone (the timeline's one read, then the photo entries made from its rows). The
PostgreSQL database is created on WANTED_BENCH_PG (default postgresql://127.0.0.1:5432/test)
and dropped at the end.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WANTED_ENV", "test")

import psycopg
from sqlalchemy import func, insert, select, text

from wanted import create_app
from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.commands import upgrade_database
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.matching.models import Photo
from wanted.pursuit import services as pursuit
from wanted.pursuit.models import ArrestAttempt, OutreachContact, Tip
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow

PG_ADMIN_URL = os.environ.get("WANTED_BENCH_PG", "postgresql://127.0.0.1:5432/test")
BATCH = 10_000


def audit_rows(count: int, object_id, action_of) -> None:
    """Insert `count` audit rows on persons (object_id(i)), committed in batches."""
    now, first = utcnow(), (db.session.scalar(select(func.max(AuditEvent.id))) or 0) + 1
    for start in range(0, count, BATCH):
        db.session.execute(insert(AuditEvent), [
            {"id": first + i, "at": now, "actor_name": "bench", "source_ip": "",
             "action": action_of(i), "object_type": "person", "object_id": str(object_id(i)),
             "outcome": "ok",
             "details": {"photo": i}, "chain": "bench", "prev_hash": "0",
             "hash": uuid.uuid4().hex} for i in range(start, min(count, start + BATCH))])
        db.session.commit()


def busy_person() -> WantedPerson:
    """A person with pursuit records and registry photos, one of them removed."""
    unit = auth.create_unit("BS", "Công an tỉnh Bình Sơn")
    officer = auth.create_user("bench.cb1", role="officer", unit_code=unit.code,
                               password="bench-password-2026", full_name="Cán bộ Bench")
    person = WantedPerson(full_name="Nguyễn Văn Hùng", unit=unit, created_by=officer)
    db.session.add(person)
    now = utcnow()
    for n in range(10):
        at = now - timedelta(days=n, minutes=n)
        db.session.add_all([
            OutreachContact(person=person, officer=officer, contacted_at=at, channel="visit",
                            outcome="refused"),
            Tip(person=person, logged_by=officer, received_at=at, source="public", text="tin"),
            ArrestAttempt(person=person, officer=officer, attempted_at=at,
                          outcome="not_found")])
    for n in range(5):
        db.session.add(Photo(sha256=f"{n:064x}", person=person, kind="registry",
                             added_by=officer))
    db.session.commit()
    audit_rows(1, lambda _i: person.id, lambda _i: "photo.delete")
    return person


def median_ms(function, *args) -> float:
    """Call a function 20 times (after one warm-up); return the median milliseconds."""
    function(*args)
    times = []
    for _ in range(20):
        began = time.perf_counter()
        function(*args)
        times.append((time.perf_counter() - began) * 1000)
        db.session.rollback()
    return statistics.median(times)


def bench(url: str, views: list[int], others: int) -> None:
    """Fill one database and print the timeline times at each count of the person's events."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade_database()
        audit_rows(others, lambda i: 100_000 + i % 3000,
                   lambda i: "photo.add" if i % 50 == 0 else "person.view")
        person_id = busy_person().id
        name, written = db.engine.dialect.name, 1
        for count in views:
            audit_rows(count - written, lambda _i: person_id, lambda _i: "person.view")
            written = count
            if name == "postgresql":
                db.session.execute(text("ANALYZE audit_events"))
                db.session.commit()
            person = db.session.get(WantedPerson, person_id)
            whole = median_ms(pursuit.timeline, person)
            # The photo entries come in the timeline's one statement (a UNION ALL); timed here
            # with that read, as the person page pays it.
            photos = median_ms(lambda p: matching.timeline_entries(p, pursuit.timeline_rows(p.id)),
                               person)
            print(f"{name}: {count} audit events on the person ({others} on others): "
                  f"timeline {whole:.1f} ms, its photo entries {photos:.1f} ms")
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", default="100,1000,20000")
    parser.add_argument("--others", type=int, default=200_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    views = sorted(int(v) for v in args.views.split(","))
    with tempfile.TemporaryDirectory(prefix="wanted-bench-timeline-") as tmp:
        if args.db in ("sqlite", "both"):
            bench(f"sqlite:///{tmp}/timeline.db", views, args.others)
        if args.db in ("postgresql", "both"):
            name = f"wanted_bench_timeline_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                bench(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", views, args.others)
            finally:
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
