"""Public notices of wanted persons and tips sent by citizens."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wanted.auth.models import Unit, User
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow

CITIZEN_TIP_STATUSES = ("received", "handling", "closed")


class PublicNotice(db.Model):
    """One publication of a person's notice; it is live until withdrawn."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    # The home address as far as the district (or commune), never the exact address.
    area: Mapped[str] = mapped_column(String(200), default="")
    area_search: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(index=True)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdraw_reason: Mapped[str] = mapped_column(String(300), default="")

    person: Mapped[WantedPerson] = relationship()
    photo: Mapped[Photo | None] = relationship()
    published_by: Mapped[User] = relationship(foreign_keys=[published_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])


class CitizenTip(db.Model):
    """A tip sent through the public portal, waiting in a unit's queue."""

    __tablename__ = "citizen_tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="SET NULL"), index=True)
    # The queue it lands in: the person's unit, or the province for triage.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    seen_place: Mapped[str] = mapped_column(String(300), default="")
    seen_at: Mapped[datetime | None]
    contact: Mapped[str] = mapped_column(String(300), default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[WantedPerson | None] = relationship()
    unit: Mapped[Unit] = relationship()
    photo: Mapped[Photo | None] = relationship()
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
