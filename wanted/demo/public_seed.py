"""Demo data of the public side: published notices, citizen tips and record validations."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from wanted.auth.models import User
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.public import services as publication
from wanted.public.models import CitizenTip
from wanted.registry.models import RecordValidation, WantedPerson
from wanted.timeutil import utcnow

PUBLISHED = 12
VALIDATED_SHARE = 0.85  # the rest of the older records show as overdue for validation
TIP_TEXTS = (
    "Thấy người giống trong ảnh ngồi quán nước đầu chợ, đi xe máy màu đỏ.",
    "Người này hay về nhà mẹ đẻ vào tối thứ bảy, ở lại đến sáng.",
    "Có người lạ thuê phòng trọ gần bến xe, trốn tránh khi gặp người lạ.",
)


def seed_public(rng: random.Random, persons: list[WantedPerson]) -> None:
    """Publish a few wanted persons, validate most records, and leave a few citizen tips."""
    wanted = [p for p in persons if p.status == "wanted"]
    publisher = db.session.scalar(select(User).where(User.username == "chihuy"))
    shown = wanted[:1] + rng.sample(wanted[1:], k=min(PUBLISHED - 1, len(wanted) - 1))
    for person in shown:
        photo = db.session.scalar(select(Photo.id).where(Photo.person_id == person.id))
        publication.publish(publisher, person, {
            "photo_id": photo, "area": publication.suggested_area(person),
            "contact": f"{person.unit.name} · {person.unit.phone}"})
    now = utcnow()
    validate_records(rng, wanted, now)
    leave_tips(rng, shown, now)
    db.session.flush()


def validate_records(rng: random.Random, wanted: list[WantedPerson], now: datetime) -> None:
    """Validate most records created over a year ago at some time in the past eleven months."""
    by_unit = {}
    for user in db.session.scalars(select(User).where(User.role == "officer")):
        by_unit.setdefault(user.unit_id, user)
    for person in wanted:
        officer = person.officer or by_unit.get(person.unit_id)
        if officer is None or person.created_at > now - timedelta(days=365):
            continue
        if rng.random() < VALIDATED_SHARE:
            db.session.add(RecordValidation(
                person=person, validated_by=officer, note="Rà soát định kỳ",
                validated_at=now - timedelta(days=rng.randrange(1, 330))))


def leave_tips(rng: random.Random, shown: list[WantedPerson], now: datetime) -> None:
    """Leave citizen tips: a fresh one, an overdue one, and one for the province's triage."""
    hours = (2, 30, 5)
    for index, (text, ago) in enumerate(zip(TIP_TEXTS, hours, strict=True)):
        person = shown[index] if index < 2 and len(shown) > index else None
        created = now - timedelta(hours=ago)
        db.session.add(CitizenTip(
            receipt_code=publication.new_receipt_code(), person=person,
            unit=person.unit if person else publication.triage_unit(), text=text,
            seen_place="chợ trung tâm" if index == 0 else "", status="received",
            created_at=created, due_at=created + timedelta(hours=24)))
