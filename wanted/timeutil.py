"""Time helpers: the database keeps naive UTC; pages show local time."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso_utc(value: datetime) -> str:
    """Return a stored (naive UTC) time as the API shows every time: ISO 8601 ending in Z."""
    return value.isoformat() + "Z"
