"""One way to show dates and times per language, always in the installation's time zone."""

from datetime import date, datetime
from functools import lru_cache

from flask import Flask
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import format_datetime as babel_format_datetime

# Stored times are naive UTC; Flask-Babel shows them in BABEL_DEFAULT_TIMEZONE.
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
TIME_FORMATS = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}
SECOND_FORMATS = {"vi": "HH:mm:ss dd/MM/yyyy", "en": "d MMM yyyy, HH:mm:ss"}
CLOCK_FORMAT = "HH:mm"


def format_datetime(value: datetime, pattern: str) -> str:
    """Format a stored UTC time in the request's locale and time zone, remembering the text.

    A page shows the same times again and again (a person's timeline on every visit), and
    Babel's formatting is a good part of its rendering; the text depends only on these four.
    """
    return _formatted(value, pattern, str(get_locale()), str(get_timezone()))


@lru_cache(maxsize=16384)
def _formatted(value: datetime, pattern: str, _locale: str, _zone: str) -> str:
    return babel_format_datetime(value, pattern)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale and locale.language in DATE_FORMATS else "vi"


def show_date(value: date | datetime | None) -> str:
    """Return a calendar date (or the local date of a UTC time) in the user's format."""
    if value is None:
        return "—"
    return format_date(value, DATE_FORMATS[_language()]) if not isinstance(value, datetime) \
        else format_datetime(value, DATE_FORMATS[_language()])


def show_time(value: datetime | None) -> str:
    """Return a stored UTC time as local date and time in the user's format."""
    return "—" if value is None else format_datetime(value, TIME_FORMATS[_language()])


def show_second(value: datetime | None) -> str:
    """Return a stored UTC time as local date and time to the second, in the user's format."""
    return "—" if value is None else format_datetime(value, SECOND_FORMATS[_language()])


def show_clock(value: datetime | None) -> str:
    """Return the local hour and minute of a stored UTC time."""
    return "—" if value is None else format_datetime(value, CLOCK_FORMAT)


def init_dates(app: Flask) -> None:
    """Give templates the `day`, `moment`, `second` and `clock` filters."""
    app.jinja_env.filters.update(day=show_date, moment=show_time, second=show_second,
                                 clock=show_clock)
