"""Rules of face matching: photo intake, the gallery kept in step, searches and reviews."""

import base64
import functools
import hashlib
import json
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, Text, cast, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Load, joinedload, outerjoin

from wanted import timeline
from wanted.audit import services as audit
from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from wanted.extensions import db
from wanted.matching import engine, scoring
from wanted.matching.gallery import Gallery, encoding_matrix
from wanted.matching.imaging import CheckedImage, ImageRejected, check_image
from wanted.matching.models import (
    Face,
    GalleryChange,
    GalleryState,
    MatchCandidate,
    MatchFace,
    MatchReview,
    MatchSearch,
    Photo,
)
from wanted.matching.schemas import ReviewInput, SearchRequest
from wanted.ratelimit import require_within
from wanted.registry import services as registry
from wanted.registry.models import WantedPerson
from wanted.storage import photo_store, promote_on_commit, put_on_commit
from wanted.timeutil import iso_utc, utcnow
from wanted.validation import parse

# A process further behind than this many changes rebuilds its gallery rather than replaying.
REBUILD_AFTER_CHANGES = 20_000
CATCH_UP_CHUNK = 1000


class PhotoRejected(ServiceError):
    """An upload refused by the intake checks; nothing was stored."""

    def __init__(self, rejected: ImageRejected) -> None:
        super().__init__(str(rejected.message), {"photo": str(rejected.message)},
                         code=rejected.code)
        self.status = rejected.status


class EngineBusy(ServiceError):
    """Every inline encoding slot of this process is taken; the client should retry."""

    status, code = 503, "busy"


class DuplicateCheckUnavailable(ServiceError):
    """No search worker answered a registry photo's duplicate check in time; nothing was stored."""

    status, code = 503, "duplicate_check_unavailable"


def thresholds() -> dict:
    """Return the bands and calibration figures in force (config overrides the distance bands)."""
    override = current_app.config.get("MATCH_THRESHOLDS") or {}
    return scoring.calibration({**scoring.DISTANCE_THRESHOLDS, **override})


def intake(data: bytes) -> CheckedImage:
    """Check an upload with the configured limits; raise PhotoRejected with the reason."""
    try:
        return check_image(data, max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                           max_pixels=current_app.config["MAX_IMAGE_PIXELS"])
    except ImageRejected as rejected:
        raise PhotoRejected(rejected) from None


def store_photo(checked: CheckedImage, *, actor: User | None, kind: str,
                person: WantedPerson | None = None, source: str = "",
                staged: str | None = None) -> Photo:
    """Add a photo's record; its file is moved into the store when the record commits.

    `staged` names bytes an earlier request staged for confirmation: each staging name is
    recorded once (a unique column), so a replayed confirmation cannot add a second photo.
    """
    if staged is None:
        put_on_commit(db.session, checked.data, checked.sha256)
    else:
        promote_on_commit(db.session, photo_store(), staged, checked.sha256)
    photo = Photo(sha256=checked.sha256, person=person, kind=kind, source=source[:200],
                  width=checked.width, height=checked.height, upload_token=staged,
                  added_by_id=actor.id if actor else None)
    db.session.add(photo)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_("This photo was already added."), code="already_added") from None
    return photo


def detect_faces(data: bytes, jitters: int = 1) -> list[engine.DetectedFace]:
    """Find and encode the faces of stored photo bytes, within this process's encoding bound."""
    slots = encoding_slots()
    if not slots.acquire(timeout=current_app.config["MATCH_SLOT_WAIT"]):
        raise EngineBusy(_("The face engine is busy. Please try again in a moment."))
    try:
        config = current_app.config
        return engine.find_faces(engine.load_rgb(data), model=config["FACE_MODEL"],
                                 upsample=config["FACE_UPSAMPLE"],
                                 max_side=config["FACE_MAX_SIDE"], jitters=jitters)
    finally:
        slots.release()


def encoding_slots() -> threading.BoundedSemaphore:
    """Return the semaphore that bounds concurrent encodes in this process."""
    extensions = current_app.extensions
    if "face_slots" not in extensions:
        extensions["face_slots"] = threading.BoundedSemaphore(
            current_app.config["MATCH_INLINE_SLOTS"])
    return extensions["face_slots"]


# --- the gallery change log and each process's copy of the gallery ----------------------------

def gallery_version() -> int:
    """Return the gallery version stored in the database (0 before any change)."""
    return db.session.scalar(select(GalleryState.version).where(GalleryState.id == 1)) or 0


def gallery_changed(kind: str, person_id: int | None = None, face_id: int | None = None) -> int:
    """Log a change to the gallery under the next version and return that version."""
    # The UPDATE takes the row lock first, so versions commit in the order they are given.
    updated = db.session.execute(
        update(GalleryState).where(GalleryState.id == 1)
        .values(version=GalleryState.version + 1)).rowcount
    if not updated:
        db.session.add(GalleryState(id=1, version=1))
        db.session.flush()
    version = gallery_version()
    db.session.add(GalleryChange(version=version, kind=kind, person_id=person_id,
                                 face_id=face_id))
    db.session.flush()
    return version


def person_status_changed(person_id: int, wanted: bool) -> None:
    """Log that a person left the gallery (closed) or came back (reopened)."""
    gallery_changed("person_reopened" if wanted else "person_closed", person_id=person_id)


@dataclass
class SyncedGallery:
    """A process's gallery and the log version it has caught up to."""

    gallery: Gallery
    version: int = -1
    lock: threading.Lock = field(default_factory=threading.Lock)


def current_gallery() -> Gallery:
    """Return this process's gallery after catching up with the database's change log."""
    extensions = current_app.extensions
    if "face_gallery" not in extensions:
        extensions["face_gallery"] = SyncedGallery(
            Gallery(current_app.config["GALLERY_APPROX_THRESHOLD"]))
    synced: SyncedGallery = extensions["face_gallery"]
    version = gallery_version()
    if version != synced.version:
        with synced.lock:
            if version != synced.version:
                catch_up(synced, version)
    return synced.gallery


def active_faces(person_ids: Sequence[int] | None = None) -> list:
    """Select (face id, person id, encoding) of persons still wanted, or of some of them."""
    query = (select(Face.id, Face.person_id, Face.encoding)
             .join(WantedPerson, WantedPerson.id == Face.person_id)
             .where(WantedPerson.status == "wanted").order_by(Face.id))
    if person_ids is None:
        return list(db.session.execute(query))
    return [row for chunk in range(0, len(person_ids), CATCH_UP_CHUNK)
            for row in db.session.execute(
                query.where(Face.person_id.in_(person_ids[chunk:chunk + CATCH_UP_CHUNK])))]


def catch_up(synced: SyncedGallery, version: int) -> None:
    """Bring the gallery to `version`: loaded or built whole at first, then replayed per person.

    Every person a logged change names is taken out and put back with the faces they have now,
    so the order of the changes and later ones already visible cannot leave a face wrong.
    """
    if synced.version < 0:
        synced.version = load_snapshot(synced.gallery, version)
    changes = [] if synced.version < 0 else db.session.execute(
        select(GalleryChange.kind, GalleryChange.person_id)
        .where(GalleryChange.version > synced.version, GalleryChange.version <= version)).all()
    if synced.version < 0 or len(changes) > REBUILD_AFTER_CHANGES or any(
            kind == "reindex" for kind, _ in changes):
        synced.gallery.build(active_faces())
        save_snapshot(synced.gallery, version)
    else:
        persons = sorted({person_id for _, person_id in changes if person_id is not None})
        synced.gallery.remove_persons(persons)
        synced.gallery.add(active_faces(persons))
    synced.version = version


def snapshot_dir() -> Path:
    """Return where gallery snapshots are kept: beside the photos, one folder per version."""
    return Path(current_app.config["STORAGE_DIR"]) / "gallery"


def snapshots() -> dict[int, Path]:
    """Map the version of each saved gallery snapshot to its folder."""
    found = {}
    for path in snapshot_dir().glob("v*"):
        if path.is_dir() and path.name[1:].isdigit():
            found[int(path.name[1:])] = path
    return found


def load_snapshot(gallery: Gallery, version: int) -> int:
    """Load the newest snapshot not newer than `version`; return its version, or -1."""
    usable = [v for v in snapshots() if v <= version]
    if not usable:
        return -1
    try:
        gallery.load(snapshots()[max(usable)])
    except (OSError, ValueError, RuntimeError):
        current_app.logger.warning("gallery snapshot v%s unreadable; rebuilding", max(usable))
        return -1
    return max(usable)


def save_snapshot(gallery: Gallery, version: int) -> None:
    """Save a freshly built gallery for other processes to load, keeping the two newest."""
    saved = snapshots()
    if version not in saved:
        try:
            gallery.save(snapshot_dir() / f"v{version}")
        except OSError:
            current_app.logger.warning("could not save the gallery snapshot v%s", version)
            return
    for old in sorted(saved)[:-1]:
        if old < version:
            shutil.rmtree(saved[old], ignore_errors=True)


# --- registry photos --------------------------------------------------------------------------

@dataclass
class PhotoCheck:
    """An accepted registry photo before it is saved: its faces and possible duplicates."""

    checked: CheckedImage
    faces: list[engine.DetectedFace]
    duplicates: list[dict]
    staged: str | None = None  # the staging name of bytes awaiting the officer's confirmation


def check_registry_photo(actor: User, person: WantedPerson, data: bytes) -> PhotoCheck:
    """Check a photo for a person and list other persons whose faces are near."""
    registry.ensure_can_work_on(actor, person, "photo.add")
    release_transaction()
    checked = intake(data)
    faces = detect_faces(checked.data, jitters=current_app.config["FACE_ENROL_JITTERS"])
    return PhotoCheck(checked, faces, possible_duplicates(faces, exclude=person.id))


def stage_for_confirmation(check: PhotoCheck, person: WantedPerson) -> dict:
    """Stage a checked photo until the officer confirms it; return what the form must carry."""
    checked = check.checked
    return {"person": person.id, "staged": photo_store().stage(checked.data),
            "sha256": checked.sha256, "width": checked.width, "height": checked.height,
            "format": checked.source_format, "duplicates": check.duplicates,
            "faces": [{"box": list(face.box), "model": face.model, "quality": face.quality,
                       "encoding": base64.b64encode(
                           np.asarray(face.encoding, "<f4").tobytes()).decode()}
                      for face in check.faces]}


def confirmed_check(actor: User, person: WantedPerson, pending: dict) -> PhotoCheck:
    """Return the check of a staged photo the officer confirmed; each staging is used once.

    The possible duplicates are those the officer was shown and confirmed over (the signed
    pending upload carries them): they are what the audit event records.
    """
    registry.ensure_can_work_on(actor, person, "photo.add")
    data = photo_store().staged(pending["staged"])
    if data is None or hashlib.sha256(data).hexdigest() != pending["sha256"]:
        raise Conflict(_("This photo was already added, or its confirmation expired. "
                         "Upload it again."), code="already_added")
    checked = CheckedImage(data, pending["sha256"], pending["width"], pending["height"],
                           pending["format"])
    faces = [engine.DetectedFace(tuple(face["box"]), np.frombuffer(
        base64.b64decode(face["encoding"]), "<f4").copy(), face["model"], face["quality"])
        for face in pending["faces"]]
    return PhotoCheck(checked, faces, list(pending.get("duplicates", [])),
                      staged=pending["staged"])


def possible_duplicates(faces: list[engine.DetectedFace], exclude: int) -> list[dict]:
    """List other persons within the 'possible' band of any face, nearest first.

    Where searches go through the queue (production), web processes hold no gallery: a search
    worker, which keeps it warm, answers the look-up while the request waits (tasks.py).
    """
    if not faces or gallery_is_empty():
        return []
    encodings = [np.asarray(face.encoding, "<f4").tobytes() for face in faces]
    from wanted.matching import tasks

    if tasks.uses_queue():
        release_transaction()  # hold no transaction open while waiting for the worker
        return tasks.duplicates_from_worker(encodings, exclude)
    return duplicates_in_gallery(encodings, exclude)


def duplicates_in_gallery(encodings: list[bytes], exclude: int) -> list[dict]:
    """Search this process's gallery for persons other than `exclude` near any encoding."""
    limit = thresholds()["possible"]
    gallery = current_gallery()
    best: dict[int, float] = {}
    for encoding in encodings:
        for hit in gallery.search(encoding, k=current_app.config["MATCH_K"] + 1,
                                  max_distance=limit):
            if hit.person_id != exclude:
                best[hit.person_id] = min(best.get(hit.person_id, 9.0), hit.distance)
    return [{"person_id": pid, "distance": round(d, 4)}
            for pid, d in sorted(best.items(), key=lambda item: item[1])]


def save_registry_photo(actor: User, person: WantedPerson, check: PhotoCheck,
                        source: str = "") -> Photo:
    """Store a checked photo as the person's, with its faces in the gallery."""
    registry.ensure_can_work_on(actor, person, "photo.add")
    photo = store_photo(check.checked, actor=actor, kind="registry", person=person,
                        source=source or _("uploaded"), staged=check.staged)
    photo.is_primary = not db.session.scalar(
        select(Photo.id).where(Photo.person_id == person.id, Photo.id != photo.id,
                               Photo.kind == "registry").limit(1))
    add_faces(photo, check.faces)
    audit.record("photo.add", actor=actor, object_type="person", object_id=person.id,
                 details={"photo": photo.id, "faces": len(check.faces),
                          "possible_duplicates": check.duplicates})
    return photo


def add_faces(photo: Photo, faces: list[engine.DetectedFace]) -> None:
    """Record a photo's faces and log each one in the gallery's change log."""
    rows = [_face_row(photo, face) for face in faces]
    db.session.add_all(rows)
    db.session.flush()
    for row in rows:
        gallery_changed("face_added", person_id=photo.person_id, face_id=row.id)


def _face_row(photo: Photo, face: engine.DetectedFace) -> Face:
    """Return the database row of a detected face of a photo."""
    top, right, bottom, left = face.box
    return Face(photo=photo, person_id=photo.person_id, top=top, right=right, bottom=bottom,
                left=left, model=face.model, quality=face.quality,
                encoding=np.asarray(face.encoding, "<f4").tobytes())


def replace_faces(found: dict[int, list[engine.DetectedFace]]) -> None:
    """Replace the faces of registry photos (by photo id) and log one gallery reindex."""
    ids = list(found)
    for chunk in range(0, len(ids), CATCH_UP_CHUNK):
        for photo in db.session.scalars(
                select(Photo).where(Photo.id.in_(ids[chunk:chunk + CATCH_UP_CHUNK]))):
            photo.faces.clear()
            db.session.flush()
            db.session.add_all(_face_row(photo, face) for face in found[photo.id])
    db.session.flush()
    gallery_changed("reindex")


def release_transaction() -> None:
    """End the current transaction so that slow work that follows holds no database lock.

    Called only after reads (or writes the caller means to keep): it commits what is there.
    """
    db.session.commit()


def delete_registry_photo(actor: User, person: WantedPerson, photo_id: int) -> None:
    """Remove one of a person's registry photos and take its faces out of the gallery."""
    registry.ensure_can_work_on(actor, person, "photo.delete")
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.person_id != person.id or photo.kind != "registry":
        raise NotFound(_("No such photo of this person."))
    for face in photo.faces:
        gallery_changed("face_removed", person_id=person.id, face_id=face.id)
    was_primary = photo.is_primary
    db.session.delete(photo)
    db.session.flush()
    if was_primary and (photos := person_photos(person.id)):
        photos[0].is_primary = True
    audit.record("photo.delete", actor=actor, object_type="person", object_id=person.id,
                 details={"photo": photo_id, "sha256": photo.sha256})


def sweep_photo_store(older_than: float) -> tuple[int, int]:
    """Remove staged files and stored files no photo row names, older than `older_than` s."""
    store = photo_store()
    staged = store.sweep_staging(older_than)
    digests = list(store.digests(older_than))
    known: set[str] = set()
    for chunk in range(0, len(digests), CATCH_UP_CHUNK):
        known.update(db.session.scalars(select(Photo.sha256).where(
            Photo.sha256.in_(digests[chunk:chunk + CATCH_UP_CHUNK]))))
    orphans = [digest for digest in digests if digest not in known]
    for digest in orphans:
        store.remove(digest)
    return staged, len(orphans)


def duplicate_persons(check: PhotoCheck) -> list[tuple[WantedPerson, float]]:
    """Return the possible duplicates of a photo check as persons with their distance."""
    return [(registry.get_person(d["person_id"]), d["distance"]) for d in check.duplicates]


def primary_photos_of(search: MatchSearch) -> dict[int, int]:
    """Map each candidate person of a search to the registry photo to show beside them."""
    from wanted.matching.photos import primary_photo_ids

    return primary_photo_ids([c.person_id for f in search.faces for c in f.candidates])


@functools.cache
def with_photos() -> Load:
    """Return the loader option that reads a person's registry photos with the person.

    One option per process, so that statements built with it can be built once and reused.
    """
    return joinedload(WantedPerson.registry_photos).joinedload(Photo.added_by)


def person_photos(person_id: int) -> list[Photo]:
    """Return a person's registry photos, primary first."""
    return list(db.session.scalars(
        select(Photo).where(Photo.person_id == person_id, Photo.kind == "registry")
        .order_by(Photo.is_primary.desc(), Photo.id.desc())))


# Audited actions that add or remove a person's registry photos.
PHOTO_EVENTS = ("photo.add", "photo.delete", "retention.person_photos")


def timeline_selects(person_id) -> list:
    """Select the audited additions and removals of the person's photos (timeline layout)."""
    actor = timeline.user_alias()
    return [timeline.entry_select(
        "photo_event", AuditEvent.id, AuditEvent.at, actor,
        outerjoin(AuditEvent, actor, AuditEvent.actor_id == actor.id),
        {"t1": AuditEvent.action, "t5": cast(AuditEvent.details, Text)},
        AuditEvent.object_type == "person", AuditEvent.object_id == cast(person_id, String),
        AuditEvent.action.in_(PHOTO_EVENTS), AuditEvent.outcome == "ok")]


def timeline_entries(person: WantedPerson, rows: list) -> list[dict]:
    """Return each registry photo of the person added, and each removed, as timeline entries.

    Kept photos are the person's (loaded with them on the person page); a removed photo's row
    is gone, so its addition and removal are read from the audit log (the timeline's rows).
    """
    photos = person.registry_photos
    entries = [_photo_entry(p.id, "added", p.added_at, p.added_by.username if p.added_by
                            else None, p.added_by.display_name if p.added_by else "")
               for p in photos]
    kept = {p.id for p in photos}
    for row in sorted((r for r in rows if r.kind == "photo_event"), key=lambda r: r.id):
        details = json.loads(row.t5 or "{}")
        if row.t1 == "retention.person_photos":
            entries.extend(_photo_entry(photo_id, "retention", row.at, row.by, row.by_name)
                           for photo_id in details.get("photos", []))
        elif row.t1 != "photo.add" or details.get("photo") not in kept:
            action = "added" if row.t1 == "photo.add" else "removed"
            entries.append(_photo_entry(details.get("photo") or 0, action, row.at, row.by,
                                        row.by_name))
    return entries


def _photo_entry(photo_id: int, action: str, at: datetime, by: str | None,
                 by_name: str) -> dict:
    return {"kind": "photo", "id": photo_id, "action": action, "at": at, "by": by,
            "by_name": by_name or ""}


# --- match searches ---------------------------------------------------------------------------

def validate_search_request(purpose: str | None, case_ref: str | None) -> tuple[str, str]:
    """Require a purpose and a case reference for every search (422 naming what is missing)."""
    errors = {}
    if not (purpose or "").strip():
        errors["purpose"] = _("Say why you search (the purpose).")
    if not (case_ref or "").strip():
        errors["case_ref"] = _("Give the case reference.")
    if errors:
        raise ValidationFailed(_("A search needs a purpose and a case reference."), errors)
    given = parse(SearchRequest, {"purpose": purpose, "case_ref": case_ref})
    return given.purpose, given.case_ref


def start_search(actor: User, data: bytes, purpose: str | None, case_ref: str | None,
                 *, inline: bool) -> MatchSearch:
    """Check the request and the photo, then record the search: done if inline, else pending.

    Decoding and (inline) encoding happen before the write transaction opens.
    """
    if actor.role not in ("officer", "supervisor"):
        raise Forbidden(_("Only officers and supervisors search faces."),
                        audit={"action": "match.search", "actor": actor})
    purpose, case_ref = validate_search_request(purpose, case_ref)
    require_within(f"match:{actor.id}", "MATCH_RATE_LIMIT",
                   _("Too many face searches. Please wait and try again."),
                   {"action": "match.search", "actor": actor})
    release_transaction()
    checked = intake(data)
    faces = detect_faces(checked.data) if inline else None
    photo = store_photo(checked, actor=actor, kind="field", source=case_ref)
    search = MatchSearch(photo=photo, uploaded_by=actor, purpose=purpose, case_ref=case_ref,
                         thresholds=thresholds(), k=current_app.config["MATCH_K"])
    db.session.add(search)
    db.session.flush()
    audit.record("match.search", actor=actor, object_type="match", object_id=search.id,
                 details={"purpose": purpose, "case_ref": case_ref, "photo": photo.id})
    return search if faces is None else record_results(search, faces)


def run_search(search_id: int) -> MatchSearch | None:
    """Run a pending search (in a worker): encode outside any transaction, then store results."""
    search = db.session.get(MatchSearch, search_id)
    if search is None or search.status != "pending":
        return None
    sha256 = search.photo.sha256
    release_transaction()
    faces = detect_faces(photo_store().get(sha256))
    search = db.session.get(MatchSearch, search_id)
    if search.status != "pending":
        return None
    return record_results(search, faces)


def record_results(search: MatchSearch, faces: list[engine.DetectedFace]) -> MatchSearch:
    """Store the candidates of each encoded face of a search and mark it done."""
    settings = search.thresholds
    found = gallery_hits(faces, k=search.k, settings=settings)
    search.gallery_version = gallery_version()
    search.gallery_size = gallery_size()
    search.thresholds = {**settings, "method": scoring.method_for(current_gallery(), settings)}
    for index, (face, hits) in enumerate(zip(faces, found, strict=True)):
        top, right, bottom, left = face.box
        quality = {**face.quality,
                   "low_quality": scoring.low_quality(face.quality, settings["quality_gate"])}
        row = MatchFace(index=index, top=top, right=right, bottom=bottom, left=left,
                        quality=quality)
        search.faces.append(row)
        for rank, hit in enumerate(hits):
            row.candidates.append(MatchCandidate(
                person_id=hit.person_id, gallery_face_id=hit.face_id, rank=rank,
                distance=round(hit.distance, 4), score=hit.score, band=hit.band))
    search.status = "done"
    db.session.flush()
    audit.record("match.result", actor=search.uploaded_by, object_type="match",
                 object_id=search.id, details={
                     "faces": len(faces), "gallery_version": search.gallery_version,
                     "gallery_size": search.gallery_size,
                     "thresholds": search.thresholds,
                     "candidates": [[(c.person_id, c.distance, c.score, c.band)
                                     for c in f.candidates] for f in search.faces]})
    return search


def gallery_hits(faces: list[engine.DetectedFace], *, k: int,
                 settings: dict) -> list[list[scoring.ScoredCandidate]]:
    """Score the gallery's persons for each face; only faces still in the database are returned."""
    for _attempt in range(2):
        gallery = current_gallery()
        found = [scoring.score_face(gallery, face.encoding, registry_encodings, k=k,
                                    settings=settings, quality=face.quality) for face in faces]
        ids = {hit.face_id for hits in found for hit in hits}
        existing = set(db.session.scalars(select(Face.id).where(Face.id.in_(ids)))) if ids else ids
        if existing == ids:
            return found
        # A change committed after this process caught up: catch up again and search again.
    return [[hit for hit in hits if hit.face_id in existing] for hits in found]


def registry_encodings(person_ids: Sequence[int]) -> dict[int, np.ndarray]:
    """Return the registry encodings of each of these persons still wanted, one row a face."""
    rows: dict[int, list[bytes]] = {}
    for _face_id, person_id, encoding in active_faces(sorted(set(person_ids))):
        rows.setdefault(person_id, []).append(encoding)
    return {person_id: encoding_matrix(encodings) for person_id, encodings in rows.items()}


def empty_gallery_message() -> str:
    """Say that a search cannot find anyone because no registry photo holds a face."""
    return _("The gallery is empty: no wanted person has a registry photo with a detectable "
             "face, so a face search cannot find anyone. Add registry photos first.")


def gallery_is_empty() -> bool:
    """Tell whether no wanted person has a face, from the database (no gallery is built)."""
    return not db.session.scalar(
        select(Face.id).join(WantedPerson, WantedPerson.id == Face.person_id)
        .where(WantedPerson.status == "wanted").limit(1))


def gallery_size() -> int:
    """Return how many faces of wanted persons the gallery holds now."""
    return len(current_gallery())


def fail_search(search: MatchSearch, message: str) -> None:
    """Mark a search that could not run, keeping why."""
    search.status, search.error = "failed", message[:2000]
    audit.record("match.result", actor=search.uploaded_by, object_type="match",
                 object_id=search.id, outcome="failed", details={"error": message[:200]})


def can_see_search(user: User, search: MatchSearch) -> bool:
    """The uploader, supervisors above the uploader's unit, and admins see a search."""
    return user.role == "admin" or search.uploaded_by_id == user.id or (
        user.role == "supervisor" and auth.in_scope(user, search.uploaded_by.unit_id))


def get_search(actor: User, search_id: int) -> MatchSearch:
    """Return a search the actor may see, or raise NotFound / Forbidden (audited)."""
    search = db.session.get(MatchSearch, search_id)
    if search is None:
        raise NotFound(_("No such search."))
    if not can_see_search(actor, search):
        raise Forbidden(_("This search belongs to someone else."),
                        audit={"action": "match.view", "actor": actor, "object_type": "match",
                               "object_id": search.id})
    return search


def view_search(actor: User, search_id: int, waiting: bool = False) -> MatchSearch:
    """Return a search and audit that the actor looked at it.

    A page that refreshes itself while its search runs (`waiting`) is not audited at each
    refresh: there is nothing new to see until the search is done or failed.
    """
    search = get_search(actor, search_id)
    expire_if_stale(search)
    if not (waiting and search.status == "pending"):
        audit.record("match.view", actor=actor, object_type="match", object_id=search.id)
    return search


def expire_if_stale(search: MatchSearch) -> None:
    """Fail a search still pending long after any worker would have finished it."""
    limit = timedelta(seconds=current_app.config["MATCH_PENDING_TIMEOUT"])
    if search.status == "pending" and utcnow() - search.created_at > limit:
        fail_search(search, _("No search worker finished this search in time. Try again."))


def visible_searches(actor: User, limit: int = 100) -> list[MatchSearch]:
    """Return the newest searches the actor may see."""
    query = select(MatchSearch).order_by(MatchSearch.id.desc()).limit(limit)
    if actor.role == "officer":
        query = query.where(MatchSearch.uploaded_by_id == actor.id)
    elif actor.role == "supervisor":
        query = query.join(User, User.id == MatchSearch.uploaded_by_id).where(
            User.unit_id.in_(auth.subtree_ids(actor.unit_id)))
    return list(db.session.scalars(query))


def find_candidate(search: MatchSearch, face_index: int, person_id: int) -> MatchCandidate | None:
    """Return the candidate of one face of a search, or None."""
    return next((c for f in search.faces if f.index == face_index for c in f.candidates
                 if c.person_id == person_id), None)


def review_candidate(actor: User, search: MatchSearch, face_index: int, person_id: int,
                     decision: str, note: str = "") -> MatchReview:
    """Record a person's judgement of a candidate; a 'candidate' review becomes a Tip."""
    if actor.role not in ("officer", "supervisor") or not can_see_search(actor, search):
        raise Forbidden(_("You may not review this search."),
                        audit={"action": "match.review", "actor": actor,
                               "object_type": "match", "object_id": search.id})
    given = parse(ReviewInput, {"face": face_index, "person_id": person_id,
                                "decision": decision, "note": note})
    candidate = find_candidate(search, given.face, given.person_id)
    if candidate is None:
        raise ValidationFailed(_("The review is not valid."), {
            "person_id": _("This person is not a candidate for that face.")})
    note = given.note
    if decision == "candidate" and any(r.reviewer_id == actor.id and r.decision == "candidate"
                                       for r in candidate.reviews):
        raise Conflict(_("You have already raised this hit; another officer confirms it."),
                       code="hit_already_raised",
                       audit={"action": "match.review", "actor": actor, "object_type": "match",
                              "object_id": search.id,
                              "details": {"face": face_index, "person": person_id,
                                          "decision": decision}})
    # The tip first: creating it flushes, and a review attached to its candidate but not yet
    # in the session would be skipped by that flush.
    tip_id = tip_from_review(actor, search, candidate, note).id if decision == "candidate" \
        else None
    review = MatchReview(candidate=candidate, decision=decision, note=note, reviewer=actor,
                         tip_id=tip_id)
    db.session.add(review)
    db.session.flush()
    audit.record("match.review", actor=actor, object_type="match", object_id=search.id,
                 details={"face": face_index, "person": person_id, "decision": decision,
                          "tip": review.tip_id})
    return review


def tip_from_review(actor: User, search: MatchSearch, candidate: MatchCandidate, note: str):
    """Put a reviewed face candidate on the person's timeline as a tip from a match."""
    from wanted.pursuit.services import record_match_tip

    text = _("Face search #%(id)d (%(case)s): a reviewer marked this person as a possible "
             "candidate (distance %(d).2f, %(band)s). %(note)s", id=search.id,
             case=search.case_ref, d=candidate.distance, band=candidate.band, note=note)
    return record_match_tip(actor, candidate.person, text=text.strip(),
                            received_at=search.created_at)


def search_as_json(search: MatchSearch, with_reviews: bool = False) -> dict:
    """Return a search in the shape API.md gives."""
    def candidate(c: MatchCandidate) -> dict:
        body = {"person_id": c.person_id, "distance": c.distance, "score": c.score,
                "band": c.band,
                "full_name": c.person.full_name}
        if with_reviews:
            body["reviews"] = [{"decision": r.decision, "note": r.note,
                                "by": r.reviewer.username, "at": iso_utc(r.reviewed_at),
                                "tip_id": r.tip_id} for r in c.reviews]
        return body

    return {"id": search.id, "status": search.status, "error": search.error or None,
            "purpose": search.purpose, "case_ref": search.case_ref,
            "created_at": iso_utc(search.created_at),
            "gallery_version": search.gallery_version, "gallery_size": search.gallery_size,
            "message": empty_gallery_message() if search.gallery_size == 0 else None,
            "thresholds": search.thresholds,
            "faces": [{"index": f.index, "box": f.box, "quality": f.quality,
                       "candidates": [candidate(c) for c in f.candidates]}
                      for f in search.faces]}
