"""Deadlines of face-match hits: when each is due, what is overdue, how fast units answer."""

import statistics
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app
from sqlalchemy import Row, ScalarSelect, Select, func, select

from wanted.auth.models import Unit
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


def _overdue_query(scope: set[int], now: datetime, *columns) -> Select:
    return (select(*columns).select_from(Tip).join(Tip.person)
            .where(Tip.source == "match", Tip.status == "new",
                   WantedPerson.unit_id.in_(scope), WantedPerson.status == "wanted",
                   Tip.created_at < now - hit_window()))


def overdue_hits(scope: set[int], now: datetime, limit: int = 50) -> list[Row]:
    """List the unanswered hits on persons of these units past their deadline, oldest first.

    Each row holds the tip's id, person_id and created_at, and the person's full_name, unit
    and unit_name: what a list shows, read in one statement without loading whole records.
    """
    return list(db.session.execute(
        _overdue_query(scope, now, Tip.id, Tip.person_id, Tip.created_at, WantedPerson.full_name,
                       Unit.code.label("unit"), Unit.name.label("unit_name"))
        .join(WantedPerson.unit).order_by(Tip.created_at, Tip.id).limit(limit)))


def overdue_hit_count(scope: set[int], now: datetime) -> ScalarSelect[int]:
    """Count the unanswered hits on persons of these units past their deadline.

    A scalar subquery: the caller reads it with its other figures in one statement.
    """
    return _overdue_query(scope, now, func.count(Tip.id)).scalar_subquery()


def median_hit_response_minutes(scope: set[int], conditions: list | None = None) -> float | None:
    """Return the median minutes from a hit being raised to the owning unit's first answer."""
    rows = db.session.execute(
        select(Tip.created_at, Tip.handled_at).join(Tip.person)
        .where(Tip.source == "match", Tip.handled_at.is_not(None),
               WantedPerson.unit_id.in_(scope), *(conditions or [])))
    minutes = [(handled - created).total_seconds() / 60 for created, handled in rows]
    return round(statistics.median(minutes), 1) if minutes else None
