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
    return _formatted(babel_format_datetime, value, pattern, str(get_locale()),
                      str(get_timezone()))


@lru_cache(maxsize=16384)
def _formatted(formatter, value: date | datetime, pattern: str, _locale: str, _zone: str) -> str:
    # The text of a date or time (Flask-Babel's `formatter`) depends on these alone; a calendar
    # date's on no time zone, so its callers pass "" for it.
    return formatter(value, pattern)


def _in_language(formats: dict[str, str]) -> tuple[str, str]:
    # The user's pattern and the locale's name, the locale looked up once (through Flask's
    # context proxies, it costs about as much as a remembered text).
    locale = get_locale()
    return formats[locale.language if locale and locale.language in formats else "vi"], str(
        locale)


def _shown(value: datetime, formats: dict[str, str]) -> str:
    pattern, locale = _in_language(formats)
    return _formatted(babel_format_datetime, value, pattern, locale, str(get_timezone()))


def show_date(value: date | datetime | None) -> str:
    """Return a calendar date (or the local date of a UTC time) in the user's format."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return _shown(value, DATE_FORMATS)
    # A list page shows one per row (birth dates on the registry search page).
    return _formatted(format_date, value, *_in_language(DATE_FORMATS), "")


def babel_datetime(value: datetime | None = None, pattern: str | None = None,
                   rebase: bool = True) -> str:
    """Format a time as Flask-Babel's `datetimeformat` filter does, remembering the text of a
    stored UTC time in a named format (the hit banner and the validation panel, every page)."""
    if not isinstance(value, datetime) or pattern is None or not rebase:
        return babel_format_datetime(value, pattern, rebase)
    return format_datetime(value, pattern)


def babel_date(value: date | datetime | None = None, pattern: str | None = None,
               rebase: bool = True) -> str:
    """Format a date as Flask-Babel's `dateformat` filter does, remembering the text."""
    if value is None or pattern is None or not rebase:
        return format_date(value, pattern, rebase)
    if isinstance(value, datetime):  # its local date: the time zone applies
        return _formatted(format_date, value, pattern, str(get_locale()), str(get_timezone()))
    return _formatted(format_date, value, pattern, str(get_locale()), "")


def show_time(value: datetime | None) -> str:
    """Return a stored UTC time as local date and time in the user's format."""
    return "—" if value is None else _shown(value, TIME_FORMATS)


def show_second(value: datetime | None) -> str:
    """Return a stored UTC time as local date and time to the second, in the user's format."""
    return "—" if value is None else _shown(value, SECOND_FORMATS)


def show_clock(value: datetime | None) -> str:
    """Return the local hour and minute of a stored UTC time."""
    return "—" if value is None else format_datetime(value, CLOCK_FORMAT)


def init_dates(app: Flask) -> None:
    """Give templates the `day`, `moment`, `second` and `clock` filters, and Flask-Babel's
    `datetimeformat` and `dateformat` remembering their text."""
    app.jinja_env.filters.update(day=show_date, moment=show_time, second=show_second,
                                 clock=show_clock, datetimeformat=babel_datetime,
                                 dateformat=babel_date)
