"""One way to show dates and times per language, always in the installation's time zone."""

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, dates
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

# Stored times are naive UTC; Flask-Babel shows them in BABEL_DEFAULT_TIMEZONE.
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
TIME_FORMATS = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}
SECOND_FORMATS = {"vi": "HH:mm:ss dd/MM/yyyy", "en": "d MMM yyyy, HH:mm:ss"}
CLOCK_FORMAT = "HH:mm"


def _language(locale: Locale | None = None) -> str:
    locale = locale or get_locale()
    return locale.language if locale and locale.language in DATE_FORMATS else "vi"


def show_date(value: date | datetime | None) -> str:
    """Return a calendar date (or the local date of a UTC time) in the user's format."""
    if value is None:
        return "—"
    locale = get_locale()
    if isinstance(value, datetime):
        return format_datetime(value, DATE_FORMATS[_language(locale)])
    if locale is None:  # outside a request
        return format_date(value, DATE_FORMATS["vi"])
    return _calendar_date(value, locale)


@lru_cache(maxsize=4096)
def _calendar_date(value: date, locale: Locale) -> str:
    """Format a calendar date as Flask-Babel's format_date does, once per date and locale: a
    list page shows a date per row (no time zone applies to a date)."""
    return dates.format_date(value, DATE_FORMATS[_language(locale)], locale=locale)


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
