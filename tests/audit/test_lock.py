"""The chain lock is taken at commit only: a slow request never makes a fast one wait."""

import threading
import time

import pytest
from sqlalchemy import func, select

from wanted.audit import services
from wanted.audit.models import AuditEvent
from wanted.extensions import db


def test_an_open_transaction_with_an_audit_event_does_not_hold_up_another_commit(
        app, client, token, province):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time: every transaction takes the write "
                        "lock when it begins (BEGIN IMMEDIATE), audit or not")
    headers = token("off_a")
    recorded, release = threading.Event(), threading.Event()

    def slow_request() -> None:
        with app.app_context():
            services.record("match.search", details={"slow": True})
            db.session.scalar(select(AuditEvent.id).limit(1))  # the transaction is open
            recorded.set()
            release.wait(timeout=10)
            db.session.commit()

    slow = threading.Thread(target=slow_request)
    slow.start()
    assert recorded.wait(timeout=10)
    began = time.monotonic()
    response = client.get("/api/v1/persons", headers=headers)
    elapsed = time.monotonic() - began
    release.set()
    slow.join()
    assert response.status_code == 200 and elapsed < 3
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions[-2:] == ["api.call", "match.search"]  # in commit order
        assert services.verify_chain(full=True)["ok"] is True


def test_writers_committing_at_once_keep_one_unbroken_chain(app, province):
    """Eight writers append at once: every event gets the next id and the chain verifies."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time: its transactions never interleave")
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                for step in range(12):
                    services.record("person.view", object_type="person",
                                    object_id=f"{number}-{step}")
                    db.session.commit()
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            failures.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.app_context():
        ids = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
        assert len(ids) == before + 96
        assert ids == list(range(ids[0], ids[0] + len(ids)))
        report = services.verify_chain(full=True)
        assert report["ok"] is True and report["events"] == len(ids)
