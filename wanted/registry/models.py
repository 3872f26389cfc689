"""Charges and wanted persons."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wanted.auth.models import Unit, User
from wanted.extensions import db
from wanted.timeutil import utcnow

STATUSES = ("wanted", "arrested", "surrendered", "deceased", "cancelled", "withdrawn")
SEXES = ("male", "female", "unknown")
DANGER_CLASSES = ("normal", "special")
CAUTION_FLAGS = ("armed", "violent", "drug_user", "escape_risk", "self_harm", "contagious_disease")

person_charges = Table(
    "person_charges",
    db.metadata,
    Column("person_id", Integer, ForeignKey("wanted_persons.id", ondelete="CASCADE"),
           primary_key=True),
    Column("charge_id", Integer, ForeignKey("charges.id"), primary_key=True, index=True),
)


class Charge(db.Model):
    """A Penal Code article a person is wanted for."""

    __tablename__ = "charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    article: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(32), index=True)

    def __str__(self) -> str:
        return f"Điều {self.article}. {self.name}"


class WantedPerson(db.Model):
    """A person under a wanted decision, and the record of their case."""

    __tablename__ = "wanted_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Name and aliases folded (lower case, no diacritics, đ→d), space-delimited for word search.
    # Byte order ("C") on PostgreSQL too, so that both databases sort names alike off the index.
    search_text: Mapped[str] = mapped_column(
        String(1000).with_variant(String(1000, collation="C"), "postgresql"), default="")
    sex: Mapped[str] = mapped_column(String(8), default="unknown")
    birth_date: Mapped[date | None]
    birth_year: Mapped[int | None] = mapped_column(index=True)
    birth_place: Mapped[str] = mapped_column(String(300), default="")
    ethnicity: Mapped[str] = mapped_column(String(64), default="")
    nationality: Mapped[str] = mapped_column(String(64), default="")
    id_number: Mapped[str | None] = mapped_column(String(20), index=True)
    registered_address: Mapped[str] = mapped_column(String(300), default="")
    last_known_address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    marks: Mapped[str] = mapped_column(Text, default="")
    caution_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    danger_class: Mapped[str] = mapped_column(String(8), default="normal", index=True)
    decision_number: Mapped[str] = mapped_column(String(64), default="")
    decision_date: Mapped[date | None]
    decision_agency: Mapped[str] = mapped_column(String(300), default="")
    decision_issued_by: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="wanted", index=True)
    status_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    # Last outreach, attempt, tip or status change: what "gone quiet" is measured from.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # Search reads this index alone: word patterns on the folded names, name order, and the
        # filters most searches add, so neither database has to visit the table's rows.
        Index("ix_wanted_persons_search", "search_text", "id", "status", "unit_id",
              "danger_class", "birth_year"),
        # PostgreSQL only (migration 0002): trigrams of the same text, for rare words. Named as an
        # expression so that autogenerate, which ignores ddl_if, skips it on SQLite.
        Index("ix_wanted_persons_search_trgm", literal_column("search_text"),
              postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
              ).ddl_if(dialect="postgresql"),
    )

    unit: Mapped[Unit] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    charges: Mapped[list[Charge]] = relationship(secondary=person_charges, order_by=Charge.article)

    @property
    def is_closed(self) -> bool:
        return self.status != "wanted"

    def __str__(self) -> str:
        return self.full_name



class RecordValidation(db.Model):
    """A unit's periodic confirmation that a wanted record is still right."""

    __tablename__ = "record_validations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("wanted_persons.id", ondelete="CASCADE"), index=True)
    validated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    validated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[WantedPerson] = relationship()
    validated_by: Mapped[User] = relationship()
