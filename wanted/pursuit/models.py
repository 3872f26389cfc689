"""The work of finding a person: outreach, arrest attempts, tips and status changes."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wanted.auth.models import User
from wanted.extensions import db
from wanted.registry.models import WantedPerson
from wanted.timeutil import utcnow

CHANNELS = ("visit", "phone", "letter", "via_commune", "other")
OUTREACH_OUTCOMES = ("refused", "will_persuade", "info_obtained", "promised_surrender", "other")
ATTEMPT_OUTCOMES = ("arrested", "not_found", "escaped", "wrong_person")
TIP_SOURCES = ("officer", "public", "match")
TIP_STATUSES = ("new", "verifying", "confirmed", "false")


class StatusChange(db.Model):
    """One move of a person's status, with who, when, why and the document where one is due."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    document_number: Mapped[str] = mapped_column(String(64), default="")
    document_date: Mapped[date | None]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The unit credited with the change (the person's unit at the time), for progress by unit.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    person: Mapped[WantedPerson] = relationship()
    changed_by: Mapped[User] = relationship()


class OutreachContact(db.Model):
    """A persuasion contact ("vận động đầu thú") with someone close to the person."""

    __tablename__ = "outreach_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    contacted_at: Mapped[datetime] = mapped_column(index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    relation: Mapped[str] = mapped_column(String(100), default="")
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[WantedPerson] = relationship()
    officer: Mapped[User] = relationship()


class Tip(db.Model):
    """A report of where the person is or was: from an officer, the public or a face match."""

    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[WantedPerson] = relationship()
    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])


class ArrestAttempt(db.Model):
    """An attempt to arrest the person, and how it ended."""

    __tablename__ = "arrest_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    officers: Mapped[str] = mapped_column(String(500), default="")
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))
    match_search_id: Mapped[int | None] = mapped_column(ForeignKey("match_searches.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[WantedPerson] = relationship()
    officer: Mapped[User] = relationship()
    tip: Mapped[Tip | None] = relationship()
