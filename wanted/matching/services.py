"""Rules of face matching: the gallery version that keeps every process in step."""

from sqlalchemy import select, update

from wanted.extensions import db
from wanted.matching.models import GalleryState


def gallery_version() -> int:
    """Return the gallery version stored in the database (0 before any change)."""
    return db.session.scalar(select(GalleryState.version).where(GalleryState.id == 1)) or 0


def gallery_changed() -> int:
    """Move the gallery version on (a face or a person's status changed); return it."""
    updated = db.session.execute(
        update(GalleryState).where(GalleryState.id == 1)
        .values(version=GalleryState.version + 1)).rowcount
    if not updated:
        db.session.add(GalleryState(id=1, version=1))
    db.session.flush()
    return gallery_version()
