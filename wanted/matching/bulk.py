"""Bulk enrolment of registry photos: the heavy part runs in worker processes on every core."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from wanted.auth.models import User
from wanted.extensions import db
from wanted.matching import engine, services
from wanted.matching.imaging import ImageRejected, check_image
from wanted.matching.models import Face, Photo
from wanted.registry import services as registry
from wanted.registry.models import WantedPerson

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}


@dataclass(frozen=True)
class ImportItem:
    """One photo to enrol and whom it belongs to."""

    path: Path
    source: str  # "import:<path as given>", which makes a run resumable
    person_id: int | None = None
    full_name: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class Limits:
    """Intake and detection settings, handed to worker processes (which have no app)."""

    max_bytes: int
    max_pixels: int
    model: str
    upsample: int
    max_side: int
    jitters: int


def read_items(path: Path) -> list[ImportItem]:
    """List the photos of a CSV (photo, person_id or full_name[, id_number]) or a folder tree."""
    if path.is_file():
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        return [ImportItem(path.parent / row["photo"], f"import:{row['photo']}"[:200],
                           int(row["person_id"]) if row.get("person_id") else None,
                           (row.get("full_name") or "").strip(),
                           (row.get("id_number") or "").strip()) for row in rows]
    return [ImportItem(photo, f"import:{photo.relative_to(path)}"[:200],
                       full_name=folder.name.replace("_", " "))
            for folder in sorted(p for p in path.iterdir() if p.is_dir())
            for photo in sorted(folder.iterdir()) if photo.suffix.lower() in IMAGE_SUFFIXES]


def pending_items(items: list[ImportItem]) -> list[ImportItem]:
    """Drop the photos an earlier run already enrolled."""
    done = set(db.session.scalars(select(Photo.source).where(Photo.source.like("import:%"))))
    return [item for item in items if item.source not in done]


def process(args: tuple[ImportItem, Limits]) -> tuple[ImportItem, object]:
    """Check and encode one photo in a worker; return the result or the reason it was refused."""
    item, limits = args
    try:
        checked = check_image(item.path.read_bytes(), max_bytes=limits.max_bytes,
                              max_pixels=limits.max_pixels)
    except OSError as err:
        return item, f"unreadable: {err.strerror or err}"
    except ImageRejected as rejected:
        return item, f"{rejected.code}: {rejected.message}"
    faces = engine.find_faces(engine.load_rgb(checked.data), model=limits.model,
                              upsample=limits.upsample, max_side=limits.max_side,
                              jitters=limits.jitters)
    return item, (checked, faces)


def person_for(actor: User, item: ImportItem) -> WantedPerson:
    """Find the item's person (by id, ID number or name) or add them to the registry."""
    if item.person_id:
        return registry.get_person(item.person_id)
    query = select(WantedPerson)
    query = query.where(WantedPerson.id_number == item.id_number) if item.id_number else (
        query.where(WantedPerson.full_name == item.full_name))
    found = db.session.scalars(query.limit(1)).first()
    if found:
        return found
    data = {"full_name": item.full_name, **({"id_number": item.id_number}
                                            if item.id_number else {})}
    return registry.create_person(actor, data)


def enrol(actor: User, item: ImportItem, checked, faces) -> int:
    """Save one processed photo for its person; return the number of faces."""
    person = person_for(actor, item)
    check = services.PhotoCheck(checked, faces, duplicates=[])
    services.save_registry_photo(actor, person, check, source=item.source)
    return len(faces)


def registry_photos(missing_only: bool) -> Iterator[Photo]:
    """Yield the registry photos whose faces a reindex recomputes."""
    query = select(Photo).where(Photo.kind == "registry", Photo.person_id.is_not(None))
    if missing_only:
        query = query.where(~select(Face.id).where(Face.photo_id == Photo.id).exists())
    yield from db.session.scalars(query.order_by(Photo.id)).all()
