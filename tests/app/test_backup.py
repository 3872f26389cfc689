"""Backups are proven by restoring them into a fresh database and photo store."""

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import PG_ADMIN_URL, pg_database
from wanted import create_app
from wanted.backup.services import new_identity, table_counts
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.storage import photo_store


def add_photos(app, person_id: int, count: int) -> None:
    """Store `count` distinct small JPEGs as registry photos of a person."""
    with app.app_context():
        for number in range(count):
            buffer = io.BytesIO()
            Image.new("RGB", (40, 40), (number * 40, 90, 200)).save(buffer, "JPEG")
            data = buffer.getvalue()
            digest = hashlib.sha256(data).hexdigest()
            photo_store().put(digest, data)
            db.session.add(Photo(sha256=digest, person_id=person_id, kind="registry"))
        db.session.commit()


def store_checksums(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*.jpg")}


@pytest.fixture
def fresh_database(app, tmp_path):
    """An empty database of the same backend as the app's, dropped afterwards."""
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"wanted_restore_{uuid.uuid4().hex[:10]}"
    pg_database(name, create=True)
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    pg_database(name, create=False)


def test_a_backup_restores_every_row_and_photo_into_a_fresh_installation(
        app, client, login, province, make_person, fresh_database, tmp_path):
    secret, _public = new_identity()
    app.config.update(BACKUP_KEY=secret, AUDIT_CHECKPOINT_EVERY=1)
    person = make_person(full_name="Trần Thị Bích")
    make_person(full_name="Lê Văn Tám")
    add_photos(app, person.id, 3)
    login("off_a")
    client.get(f"/persons/{person.id}")
    with app.app_context(), db.engine.connect() as connection:
        before = table_counts(connection)
    created = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "backups")])
    assert created.exit_code == 0, created.output
    archive = next((tmp_path / "backups").glob("wanted-backup-*.tar.age"))
    assert b"Tr\xe1\xba\xa7n" not in archive.read_bytes()  # encrypted: no name in clear
    client.get(f"/persons/{person.id}")  # events and checkpoints newer than the backup

    restored = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database,
                           "STORAGE_DIR": str(tmp_path / "restored-photos"),
                           "AUDIT_ANCHOR_DIR": app.config["AUDIT_ANCHOR_DIR"],
                           "BACKUP_KEY": secret})
    verified = restored.test_cli_runner().invoke(args=["backup", "verify", str(archive)])
    assert verified.exit_code == 0 and "OK" in verified.output, verified.output
    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Chuỗi nhật ký nguyên vẹn" in result.output  # checkpoints past the backup ignored
    with restored.app_context(), db.engine.connect() as connection:
        after = table_counts(connection)
    with restored.app_context():
        db.engine.dispose()
    # The restore's own audit verification stores where it got to; every other table is as was.
    assert after.pop("audit_verification") == 1 and before.pop("audit_verification") == 0
    assert after == before and before["wanted_persons"] == 2 and before["photos"] == 3
    source_photos = store_checksums(Path(app.config["STORAGE_DIR"]))
    assert len(source_photos) == 3
    assert store_checksums(tmp_path / "restored-photos") == source_photos


def test_a_damaged_archive_or_a_busy_database_is_refused(app, province, make_person, tmp_path):
    person = make_person()
    add_photos(app, person.id, 1)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "create", str(tmp_path)]).exit_code == 0
    archive = next(tmp_path.glob("wanted-backup-*.tar"))
    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code != 0 and "not empty" in refused.output
    data = bytearray(archive.read_bytes())
    photo_at = data.index(b"\xff\xd8\xff")  # the JPEG's first bytes inside the tar
    data[photo_at + 200] ^= 0xFF
    archive.write_bytes(bytes(data))
    damaged = runner.invoke(args=["backup", "verify", str(archive)])
    assert damaged.exit_code == 1 and "checksum differs" in damaged.output
