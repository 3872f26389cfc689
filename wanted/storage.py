"""The photo store: content-addressed files under one interface, outside static/."""

import os
import tempfile
from pathlib import Path

from flask import current_app


class LocalPhotoStore:
    """Keep photos as files named by their SHA-256 under a directory (local or shared volume)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.jpg"

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

    def remove(self, sha256: str) -> bool:
        """Delete a stored photo; tell whether there was one."""
        path = self._path(sha256)
        if not path.exists():
            return False
        path.unlink()
        return True

    def count(self) -> int:
        """Count the stored files."""
        return sum(1 for _ in self.root.rglob("*.jpg")) if self.root.exists() else 0


def photo_store() -> LocalPhotoStore:
    """Return the store configured for this app."""
    return LocalPhotoStore(current_app.config["STORAGE_DIR"])
