"""One consistent archive of the database and the photo store: create, verify, restore."""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyrage
from flask import current_app
from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Connection

from wanted.audit.chain import chain_head
from wanted.extensions import db
from wanted.timeutil import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
AGE_HEADER = b"age-encryption.org/v1"
CHUNK = 1 << 20


class BackupError(RuntimeError):
    """The archive cannot be made, read or restored; the message says why."""


@dataclass
class Report:
    """What a verification or a restore found."""

    manifest: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- keys -----------------------------------------------------------------------------------


def backup_key() -> str | None:
    """Return the configured backup key (an age identity or recipient), if any."""
    return current_app.config.get("BACKUP_KEY") or None


def recipient() -> pyrage.x25519.Recipient | None:
    """Return whom archives are encrypted to, derived from the configured key."""
    key = backup_key()
    if key is None:
        return None
    if key.startswith("age1"):
        return pyrage.x25519.Recipient.from_str(key)
    return identity().to_public()


def identity() -> pyrage.x25519.Identity:
    """Return the identity that decrypts archives; a recipient alone cannot."""
    key = backup_key()
    if key is None or not key.startswith("AGE-SECRET-KEY-"):
        raise BackupError("The archive is encrypted: set WANTED_BACKUP_KEY to the age identity "
                          "(AGE-SECRET-KEY-1…) that decrypts it.")
    return pyrage.x25519.Identity.from_str(key)


def new_identity() -> tuple[str, str]:
    """Generate an age identity and return it with its public recipient."""
    generated = pyrage.x25519.Identity.generate()
    return str(generated), str(generated.to_public())


# --- helpers --------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts(connection: Connection) -> dict[str, int]:
    """Count the rows of every table of a database."""
    names = sorted(inspect(connection).get_table_names())
    return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names}


def libpq_url() -> tuple[str, dict[str, str]]:
    """Return the database URL for pg_dump/pg_restore and an environment holding its password."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def check_pg_tool(tool: str, connection: Connection) -> None:
    """Refuse a pg_dump/pg_restore older than the server (it cannot read newer servers)."""
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: postgresql-client).")
    output = subprocess.run([tool, "--version"], capture_output=True, text=True,  # noqa: S603
                            check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    tool_major = int(match.group(1)) if match else 0
    server_major = connection.execute(text("SHOW server_version_num")).scalar_one()
    server_major = int(server_major) // 10000
    if tool_major < server_major:
        raise BackupError(f"{tool} {tool_major} is older than the server ({server_major}); "
                          f"install the client of version {server_major} or newer.")


def run_tool(args: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client tool; raise with its message if it fails."""
    result = subprocess.run(args, capture_output=True, text=True, env=env)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


# --- create ---------------------------------------------------------------------------------


def snapshot_database(work: Path) -> tuple[str, dict[str, int]]:
    """Write a consistent copy of the database into `work`; return its name and table counts."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        target = work / SQLITE_FILE
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        with sqlite3.connect(target) as copy:
            names = [row[0] for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            counts = {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                      for name in names}
        return SQLITE_FILE, counts
    url, env = libpq_url()
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        check_pg_tool("pg_dump", connection)
        # Count and dump in one snapshot, so the manifest describes exactly what was dumped.
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = table_counts(connection)
        run_tool(["pg_dump", "--format=custom", f"--snapshot={snapshot}",
                  f"--file={work / PG_FILE}", f"--dbname={url}"], env)
        connection.rollback()
    return PG_FILE, counts


def create_archive(directory: Path) -> tuple[Path, dict]:
    """Write an archive of the database and the photo store into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    store = Path(current_app.config["STORAGE_DIR"])
    head = chain_head()
    with tempfile.TemporaryDirectory(prefix="wanted-backup-") as tmp:
        work = Path(tmp)
        db_name, counts = snapshot_database(work)
        photos = {str(path.relative_to(store)): file_sha256(path)
                  for path in sorted(store.glob("??/??/*.jpg"))} if store.exists() else {}
        manifest = {"format": FORMAT, "created_at": utcnow().isoformat(timespec="seconds"),
                    "dialect": db.engine.dialect.name, "tables": counts,
                    "database": {"file": db_name, "sha256": file_sha256(work / db_name)},
                    "photos": photos, "encrypted": recipient() is not None,
                    "audit_head": {"id": head[0], "hash": head[1]} if head else None}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        plain = work / "archive.tar"
        with tarfile.open(plain, "w") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            archive.add(work / db_name, db_name)
            for name in photos:
                archive.add(store / name, f"photos/{name}")
        target = directory / f"wanted-backup-{stamp}.tar"
        to = recipient()
        if to is not None:
            target = target.with_suffix(".tar.age")
            pyrage.encrypt_file(str(plain), str(target) + ".part", [to])
        else:
            shutil.copyfile(plain, str(target) + ".part")
        os.chmod(str(target) + ".part", 0o600)  # the data is sensitive, encrypted or not
        os.replace(str(target) + ".part", target)
    return target, manifest


# --- verify and restore ---------------------------------------------------------------------


def open_archive(archive: Path, work: Path) -> Path:
    """Return a plain tar of the archive, decrypting it into `work` if it is encrypted."""
    with archive.open("rb") as handle:
        encrypted = handle.read(len(AGE_HEADER)) == AGE_HEADER
    if not encrypted:
        return archive
    plain = work / "archive.tar"
    try:
        pyrage.decrypt_file(str(archive), str(plain), [identity()])
    except pyrage.DecryptError as err:
        raise BackupError(f"The archive cannot be decrypted with this key: {err}") from err
    return plain


def unpack(archive: Path, work: Path) -> Report:
    """Unpack an archive into `work` and check every member against the manifest."""
    report = Report()
    try:
        with tarfile.open(open_archive(archive, work)) as tar:
            tar.extractall(work / "content", filter="data")
    except (tarfile.TarError, OSError, EOFError) as err:
        raise BackupError(f"The archive cannot be read: {err}") from err
    content = work / "content"
    try:
        report.manifest = json.loads((content / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        raise BackupError("The archive has no readable manifest.") from err
    database = report.manifest["database"]
    if file_sha256(content / database["file"]) != database["sha256"]:
        report.problems.append(f"{database['file']}: checksum differs from the manifest")
    for name, digest in report.manifest["photos"].items():
        path = content / "photos" / name
        if not path.exists():
            report.problems.append(f"photos/{name}: missing")
        elif file_sha256(path) != digest or path.stem != digest:
            report.problems.append(f"photos/{name}: checksum differs from the manifest")
    extra = {str(p.relative_to(content / "photos")) for p in (content / "photos").rglob("*")
             if p.is_file()} - set(report.manifest["photos"]) if (content / "photos").exists() \
        else set()
    report.problems += [f"photos/{name}: not in the manifest" for name in sorted(extra)]
    if database["file"] == SQLITE_FILE:
        with sqlite3.connect(content / SQLITE_FILE) as copy:
            status = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            report.problems.append(f"{SQLITE_FILE}: integrity check says {status}")
    return report


def verify_archive(archive: Path) -> Report:
    """Check an archive: it decrypts, and every file matches the manifest's checksum."""
    with tempfile.TemporaryDirectory(prefix="wanted-verify-") as tmp:
        return unpack(archive, Path(tmp))


def refuse_unless_empty(store: Path) -> None:
    """Restore only into an empty database and an empty photo store."""
    with db.engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        raise BackupError(f"The database is not empty ({len(tables)} tables): restore into a "
                          "new, empty database.")
    if store.exists() and any(path.is_file() for path in store.rglob("*")):
        raise BackupError(f"The photo store {store} is not empty: restore into an empty one.")


def load_database(content: Path, manifest: dict) -> None:
    """Load the archived database into the configured (empty) one."""
    database = manifest["database"]["file"]
    if (database == SQLITE_FILE) != (db.engine.dialect.name == "sqlite"):
        raise BackupError(f"The archive holds a {manifest['dialect']} database; the configured "
                          f"one is {db.engine.dialect.name}.")
    if database == SQLITE_FILE:
        db.engine.dispose()
        with sqlite3.connect(content / SQLITE_FILE) as source, \
                sqlite3.connect(db.engine.url.database) as target:
            source.backup(target)
        return
    url, env = libpq_url()
    with db.engine.connect() as connection:
        check_pg_tool("pg_restore", connection)
    run_tool(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
              f"--dbname={url}", str(content / PG_FILE)], env)


def restore_archive(archive: Path) -> Report:
    """Restore an archive into the empty configured database and photo store, then check it."""
    store = Path(current_app.config["STORAGE_DIR"])
    refuse_unless_empty(store)
    with tempfile.TemporaryDirectory(prefix="wanted-restore-") as tmp:
        report = unpack(archive, Path(tmp))
        if not report.ok:
            return report
        content = Path(tmp) / "content"
        load_database(content, report.manifest)
        for name in report.manifest["photos"]:
            target = store / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(content / "photos" / name, target)
    db.engine.dispose()
    with db.engine.connect() as connection:
        counts = table_counts(connection)
    for name, expected in report.manifest["tables"].items():
        if counts.get(name) != expected:
            report.problems.append(f"table {name}: {counts.get(name)} rows restored, "
                                   f"{expected} in the manifest")
    for name, digest in report.manifest["photos"].items():
        if file_sha256(store / name) != digest:
            report.problems.append(f"photos/{name}: restored file differs")
    return report
