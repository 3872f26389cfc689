"""The schema layer: bounded types every input shape is built from, and how a refusal reads.

Each input shape (a JSON body, a query string, a page form's values) is one pydantic model in
its area's `schemas.py`. Services validate through `parse()`, so the page forms, the API and
the OpenAPI document (generated from the same models) cannot drift apart.
"""

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError
from werkzeug.routing import IntegerConverter, Map
from werkzeug.routing import ValidationError as RoutingValidationError

from wanted.errors import BadRequest, ValidationFailed

MAX_ID = 2**31 - 1  # ids are PostgreSQL `integer`
MAX_PAGE = 100_000
MAX_PER_PAGE = 100
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_OFFSET = timedelta(hours=14)  # the widest UTC offset in use (Kiribati)
MAX_JSON_DEPTH = 8
FUTURE_SLACK = timedelta(minutes=10)  # clock skew tolerated on a phone's or server's "now"
# C0 and C1 control characters, DEL, and lone surrogates (which no UTF-8 file can hold).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, but tab and line breaks are allowed: notes keep their layout.
CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
DAY_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MOMENT_FORMAT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.ASCII)
DIGITS = re.compile(r"\d{1,10}", re.ASCII)
M = TypeVar("M", bound=BaseModel)


class Schema(BaseModel):
    """An input shape: unknown fields are refused, text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class QuerySchema(BaseModel):
    """A query string's shape: other arguments (language, paging links) are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def refuse(message: str) -> PydanticCustomError:
    """Return a refusal whose message is shown as it is (already translated)."""
    return PydanticCustomError("refused", "{message}", {"message": message})


def refuse_field(field: str, message: str) -> PydanticCustomError:
    """Return a whole-shape refusal (from a model validator) that names the field at fault."""
    return PydanticCustomError("refused", "{message}", {"message": message, "field": field})


def _no_control(value: str) -> str:
    if CONTROL.search(value):
        raise refuse(_("Contains characters that are not allowed (control characters)."))
    return value


def _no_control_but_lines(value: str) -> str:
    if CONTROL_IN_LINES.search(value):
        raise refuse(_("Contains characters that are not allowed (control characters)."))
    return value


def Text(max_length: int, *, min_length: int = 0, lines: bool = False) -> Any:  # noqa: N802
    """One line of text (or, with `lines`, text with tabs and line breaks) of bounded length."""
    check = _no_control_but_lines if lines else _no_control
    return Annotated[str, Strict(), Field(min_length=min_length, max_length=max_length),
                     AfterValidator(check)]


def _day(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and DAY_FORMAT.fullmatch(value.strip()):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise refuse(_("Must be a date as YYYY-MM-DD.")) from None
    else:
        raise refuse(_("Must be a date as YYYY-MM-DD."))
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise refuse(_("Must be a date from %(first)s to %(last)s.",
                       first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
    return parsed


def _moment(value: object) -> datetime:
    """Read a moment: text without an offset is local time, a naive datetime is UTC."""
    if isinstance(value, datetime):
        parsed = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, str) and MOMENT_FORMAT.fullmatch(value.strip()):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise refuse(_("Must be a date and time as YYYY-MM-DDTHH:MM.")) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=local_zone())
    else:
        raise refuse(_("Must be a date and time as YYYY-MM-DDTHH:MM."))
    offset = parsed.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise refuse(_("The time zone offset must be within ±14 hours."))
    if not FIRST_DAY <= parsed.date() <= LAST_DAY:
        raise refuse(_("Must be a date from %(first)s to %(last)s.",
                       first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
    return parsed


def _past_moment(value: object) -> datetime:
    moment = _moment(value)
    if moment > datetime.now(UTC) + FUTURE_SLACK:
        raise refuse(_("Cannot be in the future."))
    return moment


def local_zone() -> ZoneInfo:
    """Return the installation's time zone."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


# A calendar day from 1900-01-01 to 2100-12-31, given as "YYYY-MM-DD" (never a number).
Day = Annotated[date, PlainValidator(_day), WithJsonSchema(
    {"type": "string", "format": "date", "minLength": 10, "maxLength": 10})]
# A moment in ISO 8601, always read as an aware datetime; without an offset it is local time.
Moment = Annotated[datetime, PlainValidator(_moment), WithJsonSchema(
    {"type": "string", "format": "date-time", "maxLength": 40})]
# A moment that has happened (give or take a phone's clock skew).
PastMoment = Annotated[datetime, PlainValidator(_past_moment), WithJsonSchema(
    {"type": "string", "format": "date-time", "maxLength": 40})]
# A JSON integer (never a string, float or boolean) in the range of a database id.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_ID)]


def _query_int(value: object) -> object:
    """Let a query string's number through only as plain ASCII digits (no "²", no 5000 digits)."""
    if isinstance(value, str):
        if not DIGITS.fullmatch(value.strip()):
            raise refuse(_("Must be a whole number."))
        return int(value.strip())
    return value


def QueryInt(low: int, high: int) -> Any:  # noqa: N802
    """A whole number from a query string or form, bounded."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_query_int)]


QueryId = QueryInt(1, MAX_ID)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a URL: plain digits up to MAX_ID; anything larger is 404, never an error."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 0,  # noqa: A002
                 max: int = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        """Refuse (404) numbers longer than any id before converting them."""
        if len(value) > len(str(MAX_ID)) or not value.isascii():
            raise RoutingValidationError()
        return super().to_python(value)


def parse(schema: type[M], data: object) -> M:
    """Validate `data` against the schema; raise 422 naming each refused field."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("Send a JSON object."), code="invalid")
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise ValidationFailed(_("Some fields are not valid."), field_errors(err)) from None


def parse_query(schema: type[M], args) -> M:
    """Validate query arguments (a MultiDict): empty values count as absent."""
    data = {key: value for key, value in args.items() if value.strip()}
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise ValidationFailed(_("Some filters are not valid."), field_errors(err)) from None


def field_errors(err: ValidationError) -> dict[str, str]:
    """Name each refused field (nested as "decision.date"; a list item by its list)."""
    fields: dict[str, str] = {}
    for error in err.errors(include_url=False):
        parts = []
        for part in error["loc"]:
            if isinstance(part, int):
                break
            parts.append(str(part))
        name = (error.get("ctx") or {}).get("field") or ".".join(parts) or "body"
        fields.setdefault(name, message_of(error))
    return fields


def message_of(error: dict) -> str:
    """Say in the user's language what is wrong with one field."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "refused":
        return ctx["message"]
    messages = {
        "missing": lambda: _("This field is required."),
        "extra_forbidden": lambda: _("Unknown field."),
        "string_type": lambda: _("Must be text."),
        "string_unicode": lambda: _(
            "Contains characters that are not allowed (control characters)."),
        "string_too_short": lambda: _("This field is required."),
        "string_too_long": lambda: _("At most %(n)d characters.", n=ctx["max_length"]),
        "string_pattern_mismatch": lambda: _("Not in the expected format."),
        "int_type": lambda: _("Must be a whole number."),
        "int_parsing": lambda: _("Must be a whole number."),
        "greater_than_equal": lambda: _("Must be at least %(n)s.", n=ctx["ge"]),
        "less_than_equal": lambda: _("Must be at most %(n)s.", n=ctx["le"]),
        "bool_type": lambda: _("Must be true or false."),
        "bool_parsing": lambda: _("Must be true or false."),
        "list_type": lambda: _("Must be a list."),
        "too_long": lambda: _("At most %(n)d items.", n=ctx["max_length"]),
        "model_type": lambda: _("Must be an object."),
        "dict_type": lambda: _("Must be an object."),
        "literal_error": lambda: _("Must be one of: %(values)s.",
                                   values=ctx["expected"].replace("'", "")),
        "enum": lambda: _("Must be one of: %(values)s.", values=ctx["expected"].replace("'", "")),
    }
    return messages[kind]() if kind in messages else _("Not valid.")


def load_json(raw: bytes) -> dict:
    """Parse a request body as a JSON object; 400 if it is not JSON, not an object, or too deep."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest(_("The body is not valid JSON."), code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."), code="invalid_json")
    if too_deep(data):
        raise BadRequest(_("The body is nested too deeply."), code="invalid_json")
    return data


def too_deep(value: object, level: int = 1) -> bool:
    """Tell whether lists and objects nest deeper than MAX_JSON_DEPTH."""
    if not isinstance(value, dict | list):
        return False
    if level > MAX_JSON_DEPTH:
        return True
    children = value.values() if isinstance(value, dict) else value
    return any(too_deep(child, level + 1) for child in children)
