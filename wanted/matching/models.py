"""Photos, faces, the gallery version, match searches and their reviews."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wanted.auth.models import User
from wanted.extensions import db
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow

REVIEW_DECISIONS = ("candidate", "not_candidate", "inconclusive")


class Photo(db.Model):
    """An image file, content-addressed by the SHA-256 of its stripped, re-encoded bytes."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="registry")  # registry | field
    source: Mapped[str] = mapped_column(String(200), default="")
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_primary: Mapped[bool] = mapped_column(default=False)
    # The staging name of a confirmed upload: unique, so a confirmation adds one photo at most.
    upload_token: Mapped[str | None] = mapped_column(String(32), unique=True)

    person: Mapped[WantedPerson | None] = relationship()
    added_by: Mapped[User | None] = relationship()
    faces: Mapped[list["Face"]] = relationship(back_populates="photo", cascade="all, delete-orphan")


# A person's registry photos, primary first: the person page loads them with the person.
WantedPerson.registry_photos = relationship(
    Photo, primaryjoin=lambda: and_(Photo.person_id == WantedPerson.id, Photo.kind == "registry"),
    order_by=lambda: (Photo.is_primary.desc(), Photo.id.desc()), viewonly=True)


class Face(db.Model):
    """One face found in a photo; the faces of wanted persons form the matching gallery."""

    __tablename__ = "faces"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    top: Mapped[int]
    right: Mapped[int]
    bottom: Mapped[int]
    left: Mapped[int]
    encoding: Mapped[bytes] = mapped_column(LargeBinary)  # 128 float32, little-endian
    model: Mapped[str] = mapped_column(String(64))
    quality: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    photo: Mapped[Photo] = relationship(back_populates="faces")

    @property
    def box(self) -> list[int]:
        return [self.top, self.right, self.bottom, self.left]


class GalleryState(db.Model):
    """A single row whose version moves on every change to the gallery's faces.

    Writers update it before adding their change, so the row lock orders the changes: a
    version that a reader sees committed has every change up to it committed too.
    """

    __tablename__ = "gallery_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


GALLERY_CHANGE_KINDS = ("face_added", "face_removed", "person_closed", "person_reopened",
                        "reindex")


class GalleryChange(db.Model):
    """One change to the gallery, numbered by the version it moved the gallery to."""

    __tablename__ = "gallery_changes"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None]  # no foreign key: the log outlives what it names
    face_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchSearch(db.Model):
    """One uploaded field photo searched against the gallery."""

    __tablename__ = "match_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(300))
    case_ref: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    error: Mapped[str] = mapped_column(Text, default="")
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    gallery_version: Mapped[int] = mapped_column(default=0)
    # Faces of wanted persons in the gallery when the search ran (None while pending).
    gallery_size: Mapped[int | None] = mapped_column()
    k: Mapped[int] = mapped_column(default=5)

    photo: Mapped[Photo | None] = relationship()
    uploaded_by: Mapped[User] = relationship()
    faces: Mapped[list["MatchFace"]] = relationship(
        back_populates="search", order_by="MatchFace.index", cascade="all, delete-orphan")


class MatchFace(db.Model):
    """A face found in a field photo."""

    __tablename__ = "match_faces"

    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(
        ForeignKey("match_searches.id", ondelete="CASCADE"), index=True)
    index: Mapped[int]
    top: Mapped[int]
    right: Mapped[int]
    bottom: Mapped[int]
    left: Mapped[int]
    quality: Mapped[dict] = mapped_column(JSON, default=dict)

    search: Mapped[MatchSearch] = relationship(back_populates="faces")
    candidates: Mapped[list["MatchCandidate"]] = relationship(
        back_populates="face", order_by="MatchCandidate.rank", cascade="all, delete-orphan")

    @property
    def box(self) -> list[int]:
        return [self.top, self.right, self.bottom, self.left]


class MatchCandidate(db.Model):
    """A registry person near a field face: a lead for a person to verify."""

    __tablename__ = "match_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    face_id: Mapped[int] = mapped_column(
        ForeignKey("match_faces.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("wanted_persons.id"), index=True)
    gallery_face_id: Mapped[int | None] = mapped_column(ForeignKey("faces.id", ondelete="SET NULL"))
    rank: Mapped[int]
    distance: Mapped[float]
    # The score the band was read from: normalised (S-norm) or the mean distance to the person.
    score: Mapped[float | None]
    band: Mapped[str] = mapped_column(String(16))

    face: Mapped[MatchFace] = relationship(back_populates="candidates")
    person: Mapped[WantedPerson] = relationship()
    reviews: Mapped[list["MatchReview"]] = relationship(
        back_populates="candidate", order_by="MatchReview.reviewed_at")


class MatchReview(db.Model):
    """A person's judgement of one candidate."""

    __tablename__ = "match_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("match_candidates.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))

    candidate: Mapped[MatchCandidate] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
