"""The audit log cannot be rewritten unseen: append-only triggers, a keyed chain, anchors."""

import hashlib
import hmac
import json
import re
import socket
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, make_url, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import REPO, audit_guard_lifted
from wanted import create_app
from wanted.audit import services
from wanted.audit.chain import keyed_digest, legacy_digest
from wanted.audit.keys import subkey
from wanted.audit.models import LEGACY_CHAIN, AuditEvent
from wanted.extensions import db


def make_events(client, login, make_person, views: int = 3):
    person = make_person()
    login("off_a")
    for _ in range(views):
        client.get(f"/persons/{person.id}")
    client.get("/?q=hung")
    return person


def verify(client, token, full: bool = False):
    """Ask the API; `token` is the token fixture or an Authorization header issued earlier."""
    headers = token if isinstance(token, dict) else token("admin")
    return client.get("/api/v1/audit/verify" + ("?full=1" if full else ""),
                      headers=headers).json


def event_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def anchor_entries(app) -> list[dict]:
    """Read the checkpoints written outside the database."""
    return [json.loads(line) for path in sorted(Path(app.config["AUDIT_ANCHOR_DIR"]).glob("*"))
            for line in path.read_text().splitlines()]


def tamper(app, *statements) -> None:
    """Change the log as a database superuser could, past the append-only triggers."""
    with app.app_context():
        with audit_guard_lifted():
            for statement in statements:
                db.session.execute(statement)
        db.session.commit()


def rehash_from(app, first_id: int, key: bytes) -> None:
    """Recompute every hash from `first_id` on, as an insider holding `key` would."""
    with app.app_context(), audit_guard_lifted():
        prev = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id < first_id)
                                 .order_by(AuditEvent.id.desc()).limit(1))
        for event in db.session.scalars(select(AuditEvent).where(AuditEvent.id >= first_id)
                                        .order_by(AuditEvent.id)).all():
            digest = keyed_digest(key, event.id, prev, event)
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id)
                               .values(prev_hash=prev, hash=digest))
            prev = digest
        db.session.commit()


def test_the_database_refuses_to_change_or_delete_audit_rows(app, client, login, province,
                                                            make_person):
    make_events(client, login, make_person)
    with app.app_context(), db.engine.connect() as connection:
        for statement in ("UPDATE audit_events SET actor_name = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(Exception, match="append-only"):
                connection.execute(text(statement))
            connection.rollback()
        if connection.dialect.name == "postgresql":
            with pytest.raises(Exception, match="append-only"):
                connection.execute(text("TRUNCATE audit_events CASCADE"))
            connection.rollback()
    assert len(event_ids(app)) > 5


def readme_role_statements(role: str) -> list[str]:
    """Return the README's SQL that sets up the app's database role, for a role of this name."""
    block = re.search(r"```sql\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    statements = re.sub(r"--[^\n]*", "", block).split(";")
    return [s.strip().replace("wanted_app", role).replace("'…'", "'unused'")
            for s in statements if s.strip()]


def test_the_readme_names_the_migration_that_installs_the_triggers():
    number = re.search(r"Migration (\d{4}) installs triggers",
                       (REPO / "README.md").read_text()).group(1)
    [migration] = (REPO / "migrations" / "versions").glob(f"{number}_*.py")
    assert "CREATE TRIGGER audit_events" in migration.read_text()


def test_the_readme_role_appends_events_but_cannot_change_drop_or_silence_the_guard(
        app, database_url, province):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("roles and privileges are PostgreSQL's; SQLite has only its triggers")
    role = f"wanted_app_{uuid.uuid4().hex[:8]}"
    with app.app_context():
        for statement in readme_role_statements(role):
            db.session.execute(text(statement))
        db.session.commit()
    restricted = create_app({
        "SQLALCHEMY_DATABASE_URI": make_url(database_url).set(username=role)
        .render_as_string(hide_password=False),
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "AUDIT_ANCHOR_DIR": app.config["AUDIT_ANCHOR_DIR"]})
    try:
        with restricted.app_context():
            assert db.session.scalar(text("SELECT current_user")) == role
            services.record("test.restricted", actor_name="app")
            db.session.commit()
            assert services.verify_chain(full=True)["ok"] is True
            db.session.commit()
            for statement in ("UPDATE audit_events SET actor_name = 'x'",
                              "DELETE FROM audit_events", "TRUNCATE audit_events CASCADE",
                              "DROP TRIGGER audit_events_append_only ON audit_events",
                              "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                              "SET session_replication_role = replica"):
                with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                    db.session.execute(text(statement))
                db.session.rollback()
            db.engine.dispose()
    finally:
        with app.app_context():
            db.session.execute(text(f'DROP OWNED BY "{role}"'))
            db.session.execute(text(f'DROP ROLE "{role}"'))
            db.session.commit()
    assert "test.restricted" in [a for _i, a in event_actions(app)]


def event_actions(app) -> list[tuple[int, str]]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.id, AuditEvent.action)
                                       .order_by(AuditEvent.id)))


def test_an_untouched_chain_verifies_on_the_api_the_cli_and_the_page(app, client, login, token,
                                                                      runner, province,
                                                                      make_person):
    make_events(client, login, make_person)
    result = verify(client, token, full=True)
    assert result["ok"] is True and result["events"] > 5 and result["mode"] == "full"
    cli = runner.invoke(args=["audit", "verify", "--full", "--json"])
    assert cli.exit_code == 0 and json.loads(cli.output)["events"] == result["events"] + 1
    login("admin")
    page = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    assert 'data-ok="true"' in page


def test_incremental_verification_reads_only_the_new_events(app, client, login, token, province,
                                                             make_person):
    make_events(client, login, make_person)
    first = verify(client, token, full=True)
    second = verify(client, token)
    # Since the full check: its own api.call event and the token issued for the second call.
    assert second["ok"] is True and second["mode"] == "incremental"
    assert second["checked"] == 2 and second["events"] == first["events"] + 2


def test_the_key_is_not_in_the_database_and_seals_each_event(app, client, login, province,
                                                             make_person):
    make_events(client, login, make_person)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        key = subkey("chain")
        assert event.hash == keyed_digest(key, event.id, event.prev_hash, event)
        assert event.hash != legacy_digest(event.prev_hash, event)
        dump = json.dumps([list(row) for row in db.session.execute(
            select(AuditEvent.details, AuditEvent.actor_name))], default=str)
    assert app.config["AUDIT_KEY"] not in dump


def test_deleting_the_newest_rows_is_reported_with_the_missing_range(app, client, login, token,
                                                                     runner, province,
                                                                     make_person):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 5
    make_events(client, login, make_person, views=12)
    anchored = max(entry["last_id"] for entry in anchor_entries(app))
    admin = token("admin")
    newest = event_ids(app)[-5:]
    assert anchored >= newest[0]
    tamper(app, delete(AuditEvent).where(AuditEvent.id.in_(newest)))
    cli = runner.invoke(args=["audit", "verify"])
    assert cli.exit_code == 1 and f"{newest[0]} đến {anchored}" in cli.output
    result = verify(client, admin, full=True)
    assert result["ok"] is False and result["problem"] == "truncated"
    assert result["missing"] == [newest[0], anchored]
    login("admin")
    page = client.get("/admin/audit/?lang=en").get_data(as_text=True)
    assert 'data-ok="false"' in page


def test_truncation_below_the_last_verified_point_is_reported_without_a_checkpoint(
        app, client, login, token, province, make_person):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 0
    make_events(client, login, make_person)
    admin = token("admin")
    verified = verify(client, admin)["last_id"]
    tamper(app, delete(AuditEvent).where(AuditEvent.id > verified - 3))
    result = verify(client, admin)
    assert result["ok"] is False and result["problem"] == "truncated"
    assert result["missing"] == [verified - 2, verified]


def test_deleting_a_row_in_the_middle_names_the_missing_id(app, client, login, token, runner,
                                                          province, make_person):
    make_events(client, login, make_person)
    target = event_ids(app)[4]
    tamper(app, delete(AuditEvent).where(AuditEvent.id == target))
    result = verify(client, token, full=True)
    assert result["ok"] is False and result["problem"] == "missing"
    assert result["missing"] == [target, target] and result["broken_at"] == target + 1
    assert runner.invoke(args=["audit", "verify", "--full"]).exit_code == 1


def test_a_rewritten_row_rehashed_without_the_key_is_named(app, client, login, token, province,
                                                           make_person):
    make_events(client, login, make_person)
    target = event_ids(app)[3]
    tamper(app, update(AuditEvent).where(AuditEvent.id == target)
           .values(actor_name="someone_else"))
    guessed_key = hmac.new(b"guess", b"", hashlib.sha256).digest()
    rehash_from(app, target, guessed_key)
    result = verify(client, token, full=True)
    assert result["ok"] is False and result["problem"] == "altered"
    assert result["broken_at"] == target


def test_a_row_rewritten_with_the_stolen_key_is_caught_by_the_checkpoint(app, client, login,
                                                                         token, province,
                                                                         make_person):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 4
    make_events(client, login, make_person, views=8)
    target = event_ids(app)[2]
    tamper(app, update(AuditEvent).where(AuditEvent.id == target)
           .values(actor_name="someone_else"))
    with app.app_context():
        rehash_from(app, target, subkey("chain"))
    result = verify(client, token, full=True)
    assert result["ok"] is False and result["problem"] == "rewritten"
    assert result["after"] < target <= result["broken_at"]


def test_a_log_rewritten_whole_as_the_unkeyed_chain_is_caught_by_the_checkpoints(
        app, client, login, token, province, make_person):
    make_events(client, login, make_person)
    admin = token("admin")
    with app.app_context(), audit_guard_lifted():
        # Without the key, an insider relabels every event as the old unkeyed kind and re-hashes.
        prev = "0" * 64
        for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all():
            event.chain = LEGACY_CHAIN
            digest = legacy_digest(prev, event)
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(
                chain=LEGACY_CHAIN, prev_hash=prev, hash=digest))
            prev = digest
        db.session.commit()
    result = verify(client, admin, full=True)
    assert result["ok"] is False and result["problem"] == "rewritten"


def test_a_log_with_no_checkpoint_outside_the_database_is_reported(app, client, login, token,
                                                                   runner, province,
                                                                   make_person):
    """Without its checkpoints, a log re-hashed whole as the unkeyed chain would pass as valid."""
    make_events(client, login, make_person)
    admin = token("admin")
    assert verify(client, admin)["ok"] is True
    for path in Path(app.config["AUDIT_ANCHOR_DIR"]).glob("*"):
        path.unlink()
    for full in (False, True):
        result = verify(client, admin, full=full)
        assert result["ok"] is False and result["problem"] == "no_anchors", result
    cli = runner.invoke(args=["audit", "verify", "--full"])
    assert cli.exit_code == 1 and app.config["AUDIT_ANCHOR_DIR"] in cli.output


def test_an_old_edit_escapes_the_incremental_check_but_not_the_full_one(app, client, login,
                                                                         token, runner, province,
                                                                         make_person):
    make_events(client, login, make_person)
    assert verify(client, token)["ok"] is True
    target = event_ids(app)[2]
    tamper(app, update(AuditEvent).where(AuditEvent.id == target).values(outcome="failed"))
    assert verify(client, token)["ok"] is True
    full = runner.invoke(args=["audit", "verify", "--full", "--json"])
    assert full.exit_code == 1
    assert json.loads(full.output)["broken_at"] == target


def test_a_forged_checkpoint_line_is_reported(app, client, login, token, province, make_person):
    make_events(client, login, make_person)
    anchor_file = next(Path(app.config["AUDIT_ANCHOR_DIR"]).glob("*.jsonl"))
    with anchor_file.open("a") as handle:
        handle.write(json.dumps({"at": "2026-01-01T00:00:00", "last_id": 1, "hash": "0" * 64,
                                 "count": 1, "genesis": False, "sig": "0" * 64}) + "\n")
    result = verify(client, token, full=True)
    assert result["ok"] is False and result["problem"] == "forged_anchor"


def test_events_from_before_the_key_stay_verifiable_and_the_keyed_chain_follows_them(
        app, client, token, province):
    with app.app_context():
        prev = "0" * 64
        with audit_guard_lifted():
            # Start the log afresh with three events as the unkeyed chain wrote them.
            db.session.execute(delete(AuditEvent))
            for path in Path(app.config["AUDIT_ANCHOR_DIR"]).glob("*"):
                path.unlink()
            for number in range(1, 4):
                event = AuditEvent(id=number * 2, at=services.utcnow(), actor_name="old",
                                   source_ip="cli", action="legacy.event", object_type=None,
                                   object_id=None, outcome="ok", details={"n": number},
                                   chain=LEGACY_CHAIN, actor_id=None)
                event.prev_hash, event.hash = prev, legacy_digest(prev, event)
                prev = event.hash
                db.session.add(event)
        db.session.commit()
    result = verify(client, token, full=True)
    assert result["ok"] is True, result
    assert result["legacy_events"] == 3 and result["events"] == 4  # and the token's issue
    with app.app_context():
        first_keyed = db.session.scalars(select(AuditEvent).where(AuditEvent.id > 6)
                                         .order_by(AuditEvent.id)).first()
    assert first_keyed.id == 7 and first_keyed.prev_hash == prev


def test_a_checkpoint_follows_the_first_event_after_the_set_minutes(app, client, login, province,
                                                                    make_person):
    from wanted.audit import anchors

    app.config.update(AUDIT_CHECKPOINT_EVERY=0, AUDIT_CHECKPOINT_MINUTES=30)
    make_events(client, login, make_person)
    written = len(anchor_entries(app))
    anchors.last_written["at"] = time.time() - 10 * 60
    client.get("/?q=lan")
    assert len(anchor_entries(app)) == written
    anchors.last_written["at"] = time.time() - 31 * 60
    client.get("/?q=lan")
    entries = anchor_entries(app)
    assert len(entries) == written + 1 and entries[-1]["last_id"] == event_ids(app)[-1]


def test_checkpoints_also_go_to_syslog_when_asked(app, client, login, province, make_person,
                                                  tmp_path):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / "log.sock"))
    listener.settimeout(5)
    app.config.update(AUDIT_ANCHOR_SYSLOG=str(tmp_path / "log.sock"), AUDIT_CHECKPOINT_EVERY=2)
    try:
        make_events(client, login, make_person)
        message = listener.recv(4096).decode()
    finally:
        listener.close()
    assert "wanted-audit-checkpoint" in message
    entry = json.loads(message.split("wanted-audit-checkpoint ", 1)[1].rstrip("\x00"))
    assert entry in anchor_entries(app)
