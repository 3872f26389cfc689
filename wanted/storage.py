"""The photo store: content-addressed files under one interface, outside static/.

A photo's file appears only when its row commits: it is written to a staging name first and
moved into place after the commit (or removed after a rollback); `sweep` clears leftovers.
"""

import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

STAGING = "staging"


class LocalPhotoStore:
    """Keep photos as files named by their SHA-256 under a directory (local or shared volume)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.jpg"

    def _staged_path(self, name: str) -> Path:
        if len(name) != 32 or not all(c in "0123456789abcdef" for c in name):
            raise ValueError("not a staging name")
        return self.root / STAGING / f"{name}.jpg"

    def put(self, sha256: str, data: bytes) -> None:
        """Write the bytes once; an existing file with the same digest is kept."""
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def get(self, sha256: str) -> bytes:
        """Read the bytes of a stored photo."""
        return self._path(sha256).read_bytes()

    def stage(self, data: bytes) -> str:
        """Write bytes under a new staging name (not yet a stored photo) and return the name."""
        name = uuid.uuid4().hex
        path = self._staged_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return name

    def staged(self, name: str) -> bytes | None:
        """Read a staged file, or None when it was moved, removed or never there."""
        try:
            return self._staged_path(name).read_bytes()
        except (OSError, ValueError):
            return None

    def promote(self, name: str, sha256: str) -> None:
        """Move a staged file into place as the photo with this digest."""
        staged, path = self._staged_path(name), self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            staged.unlink(missing_ok=True)
        else:
            os.replace(staged, path)

    def discard(self, name: str) -> None:
        """Remove a staged file."""
        self._staged_path(name).unlink(missing_ok=True)

    def digests(self, older_than: float) -> Iterator[str]:
        """Yield the digests of stored photos last written more than `older_than` seconds ago."""
        cutoff = time.time() - older_than
        for path in self.root.glob("??/??/*.jpg"):
            if path.stat().st_mtime < cutoff:
                yield path.stem

    def sweep_staging(self, older_than: float) -> int:
        """Remove staged files older than `older_than` seconds; return how many."""
        cutoff = time.time() - older_than
        removed = 0
        for path in (self.root / STAGING).glob("*.jpg"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def remove(self, sha256: str) -> bool:
        """Delete a stored photo; tell whether there was one."""
        path = self._path(sha256)
        if not path.exists():
            return False
        path.unlink()
        return True

    def count(self) -> int:
        """Count the stored files."""
        return sum(1 for _ in self.root.glob("??/??/*.jpg")) if self.root.exists() else 0


def photo_store() -> LocalPhotoStore:
    """Return the store configured for this app."""
    return LocalPhotoStore(current_app.config["STORAGE_DIR"])


def put_on_commit(session: Session, data: bytes, sha256: str) -> str:
    """Stage a photo's bytes now; move them into place when the session commits."""
    store = photo_store()
    name = store.stage(data)
    promote_on_commit(session, store, name, sha256)
    return name


def promote_on_commit(session: Session, store: LocalPhotoStore, name: str, sha256: str) -> None:
    """Move a staged file into place when the session commits; remove it if it rolls back."""
    session.info.setdefault("staged_photos", []).append((store, name, sha256))


def _staged(session: Session) -> Iterable[tuple[LocalPhotoStore, str, str]]:
    return session.info.pop("staged_photos", [])


@event.listens_for(Session, "after_commit")
def _promote_staged(session: Session) -> None:
    for store, name, sha256 in _staged(session):
        store.promote(name, sha256)


@event.listens_for(Session, "after_soft_rollback")
def _discard_staged(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        return
    for store, name, _sha256 in _staged(session):
        store.discard(name)

