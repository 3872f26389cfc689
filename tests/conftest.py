"""Fixtures shared by the suite: an app per database backend, clients, factories."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, text

from wanted import create_app
from wanted.auth import services as auth_services
from wanted.commands import upgrade_database
from wanted.extensions import db

REPO = Path(__file__).resolve().parent.parent
# Licence-clean photos committed with the suite (tests/data/faces/README.md says where from).
FACES = REPO / "tests" / "data" / "faces"
# Calibration sets kept beside the repository, never in it; tests that use them skip without.
SHARED_DATA = REPO.parent / "shared" / "data"
PG_ADMIN_URL = os.environ.get("WANTED_TEST_PG", "postgresql://127.0.0.1:5432/test")
BACKENDS = os.environ.get("WANTED_TEST_DATABASES", "sqlite,postgresql").split(",")
PASSWORD = "correct-horse-42"
os.environ["WANTED_ENV"] = "test"

# Argon2 at its production cost would make account fixtures the slowest part of the suite.
auth_services.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def pg_database(name: str, create: bool) -> None:
    """Create or drop a scratch PostgreSQL database."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", autouse=True)
def encode_each_photo_once():
    """Remember face detection per photo for the run: it is deterministic and the slow part."""
    import hashlib

    from wanted.matching import engine

    real = engine.find_faces
    memory: dict[tuple, list] = {}

    def remembered(image, **options):
        digest = hashlib.sha256(image.tobytes()).hexdigest()
        key = (digest, image.size, tuple(sorted(options.items())))
        if key not in memory:
            memory[key] = real(image, **options)
        return memory[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "find_faces", remembered)
        yield


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh, migrated database of each backend for the whole run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        name = None
    else:
        name = f"wanted_test_{uuid.uuid4().hex[:10]}"
        pg_database(name, create=True)
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade_database()
        db.engine.dispose()
    yield url
    if name:
        pg_database(name, create=False)


@pytest.fixture
def app(database_url, tmp_path):
    """An app on the run's database, emptied after each test."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "STORAGE_DIR": str(tmp_path / "photos"),
                      "AUDIT_ANCHOR_DIR": str(tmp_path / "anchors")})
    with app.app_context():
        from wanted.registry.charges_data import CHARGES
        from wanted.registry.services import seed_charges

        seed_charges(CHARGES)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.rollback()
        with audit_guard_lifted():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
        db.session.commit()
        db.engine.dispose()


@contextmanager
def audit_guard_lifted() -> Iterator[None]:
    """Within the session's transaction, let statements change the append-only audit log.

    Tests only, as a database superuser could: on PostgreSQL `session_replication_role` (which
    only a superuser may set) silences the triggers until the transaction ends; on SQLite the
    triggers are dropped and created again, in the same transaction.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        return
    triggers = db.session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = 'audit_events'")).all()
    for name, _sql in triggers:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        db.session.execute(text(sql))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _detached(obj):
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture
def make_unit(app):
    """Create a unit (committed: each request has its own session, as in production)."""

    def make(code: str, name: str | None = None, parent: str | None = None):
        with app.app_context():
            unit = auth_services.create_unit(code, name or f"Unit {code}", parent)
            db.session.commit()
            return _detached(unit)

    return make


@pytest.fixture
def make_user(app):
    """Create an account with the suite's password."""

    def make(username: str, role: str = "officer", unit: str = "P"):
        with app.app_context():
            user = auth_services.create_user(username, role=role, unit_code=unit,
                                             password=PASSWORD, full_name=username.title())
            db.session.commit()
            return _detached(user)

    return make


PROVINCE_UNITS = [("P", "Công an tỉnh Bình Sơn", None), ("A", "Công an phường Đông Thành", "P"),
                  ("B", "Công an xã Khe Mây", "P"), ("A1", "Tổ công tác phường Đông Thành", "A")]
PROVINCE_USERS = [("admin", "admin", "P"), ("chief", "supervisor", "P"),
                  ("sup_a", "supervisor", "A"), ("sup_b", "supervisor", "B"),
                  ("off_a", "officer", "A"), ("off_b", "officer", "B"), ("off_p", "officer", "P")]


def create_province() -> None:
    """Create the test province (inside an app context): units P > A > A1, P > B, and users."""
    for code, name, parent in PROVINCE_UNITS:
        auth_services.create_unit(code, name, parent)
    for username, role, unit in PROVINCE_USERS:
        auth_services.create_user(username, role=role, unit_code=unit, password=PASSWORD,
                                  full_name=username.title())
    db.session.commit()


@pytest.fixture
def province(app):
    """A province with two communes, and officers, supervisors and an admin."""
    with app.app_context():
        create_province()
        return {username: _detached(auth_services.user_by_username(username))
                for username, _role, _unit in PROVINCE_USERS}


@pytest.fixture
def make_person(app):
    """Create a person through the registry service, as `actor` (a username)."""

    def make(actor: str = "off_a", **overrides):
        from wanted.registry.services import create_person

        with app.app_context():
            user = auth_services.user_by_username(actor)
            person = create_person(user, {"full_name": "Nguyễn Văn Hùng", **overrides})
            db.session.commit()
            return _detached(person)

    return make


@pytest.fixture
def login(client):
    """Sign the test client in as a user."""

    def do(username: str, password: str = PASSWORD):
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture
def token(app):
    """Issue an API token and return the Authorization header for it."""

    def issue(username: str) -> dict[str, str]:
        with app.app_context():
            value = auth_services.issue_token(auth_services.user_by_username(username))
            db.session.commit()
        return {"Authorization": f"Bearer {value}"}

    return issue
