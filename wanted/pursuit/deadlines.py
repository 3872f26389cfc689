"""Deadlines of face-match hits: when each is due, what is overdue, how fast units answer."""

import statistics
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from wanted.extensions import db
from wanted.pursuit.models import Tip
from wanted.registry.models import WantedPerson


def hit_window() -> timedelta:
    """Return how long a raised hit may wait for the owning unit's answer."""
    return timedelta(minutes=current_app.config["HIT_RESPONSE_MINUTES"])


class Raised(Protocol):
    """A hit as the banner or the dashboard holds it: a tip, or its banner columns."""

    created_at: datetime


def hit_due(tip: Raised) -> datetime:
    """Return when the owning unit must have answered the hit."""
    return tip.created_at + hit_window()


def _overdue_query(scope: set[int], now: datetime) -> Select:
    return (select(Tip).join(Tip.person)
            .where(Tip.source == "match", Tip.status == "new",
                   WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
                   Tip.created_at < now - hit_window()))


def overdue_hits(scope: set[int], now: datetime, limit: int = 50) -> list[Tip]:
    """List the unanswered hits on persons of these units past their deadline, oldest first."""
    return list(db.session.scalars(
        _overdue_query(scope, now).options(selectinload(Tip.person).selectinload(
            WantedPerson.unit)).order_by(Tip.created_at, Tip.id).limit(limit)))


def overdue_hit_count(scope: set[int], now: datetime) -> int:
    """Count the unanswered hits on persons of these units past their deadline."""
    return db.session.scalar(select(func.count()).select_from(
        _overdue_query(scope, now).subquery())) or 0


def median_hit_response_minutes(scope: set[int], conditions: list | None = None) -> float | None:
    """Return the median minutes from a hit being raised to the owning unit's first answer."""
    rows = db.session.execute(
        select(Tip.created_at, Tip.handled_at).join(Tip.person)
        .where(Tip.source == "match", Tip.handled_at.is_not(None),
               WantedPerson.unit_id.in_(scope), *(conditions or [])))
    minutes = [(handled - created).total_seconds() / 60 for created, handled in rows]
    return round(statistics.median(minutes), 1) if minutes else None
