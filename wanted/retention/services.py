"""Retention of biometric data: photos and faces are removed once they may no longer be kept."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from wanted.audit import services as audit
from wanted.extensions import db
from wanted.matching.models import MatchSearch, Photo
from wanted.matching.services import gallery_changed
from wanted.registry.models import WantedPerson
from wanted.storage import photo_store
from wanted.timeutil import utcnow


@dataclass
class RetentionPlan:
    """What a retention run removes (or, in a dry run, would remove)."""

    closed_before: datetime
    searched_before: datetime
    persons: dict[int, list[int]] = field(default_factory=dict)  # person id -> photo ids
    searches: dict[int, int] = field(default_factory=dict)  # search id -> photo id
    faces: int = 0

    def as_details(self) -> dict:
        """Return the plan as recorded in the audit log."""
        return {"closed_before": self.closed_before.isoformat(timespec="seconds"),
                "searched_before": self.searched_before.isoformat(timespec="seconds"),
                "persons": sorted(self.persons), "searches": sorted(self.searches),
                "photos": sum(map(len, self.persons.values())) + len(self.searches),
                "faces": self.faces}


def plan_retention(now: datetime | None = None) -> RetentionPlan:
    """List the registry photos of long-closed cases and the old field photos of searches."""
    now = now or utcnow()
    config = current_app.config
    plan = RetentionPlan(
        closed_before=now - timedelta(days=round(365.25 * config["RETENTION_CLOSED_YEARS"])),
        searched_before=now - timedelta(days=config["RETENTION_FIELD_PHOTO_DAYS"]))
    photos = db.session.scalars(
        select(Photo).join(WantedPerson, Photo.person_id == WantedPerson.id)
        .where(WantedPerson.status != "wanted",
               WantedPerson.status_changed_at < plan.closed_before)
        .order_by(Photo.id))
    for photo in photos:
        plan.persons.setdefault(photo.person_id, []).append(photo.id)
        plan.faces += len(photo.faces)
    searches = db.session.execute(
        select(MatchSearch.id, MatchSearch.photo_id)
        .where(MatchSearch.photo_id.is_not(None), MatchSearch.status != "pending",
               MatchSearch.created_at < plan.searched_before).order_by(MatchSearch.id))
    plan.searches = {row.id: row.photo_id for row in searches}
    return plan


def apply_retention(plan: RetentionPlan) -> list[str]:
    """Delete the planned photo rows and faces (records and searches stay); return the files
    no longer referenced, to remove once the caller has committed."""
    removed: list[str] = []
    for person_id, photo_ids in plan.persons.items():
        for photo_id in photo_ids:
            photo = db.session.get(Photo, photo_id)
            for face in photo.faces:
                gallery_changed("face_removed", person_id=person_id, face_id=face.id)
            removed.append(photo.sha256)
            db.session.delete(photo)
        audit.record("retention.person_photos", object_type="person", object_id=person_id,
                     details={"photos": photo_ids})
    for search_id, photo_id in plan.searches.items():
        search = db.session.get(MatchSearch, search_id)
        photo = db.session.get(Photo, photo_id)
        search.photo_id = None
        removed.append(photo.sha256)
        db.session.delete(photo)
        audit.record("retention.field_photo", object_type="match", object_id=search_id,
                     details={"photo": photo_id})
    db.session.flush()
    still_used = set(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(removed))))
    return sorted(set(removed) - still_used)


def remove_files(digests: list[str]) -> int:
    """Delete stored files (after the commit that removed their rows); return how many."""
    store = photo_store()
    return sum(store.remove(digest) for digest in digests)
