"""Input shapes of the registry: a person (new or edited) and a registry search."""

from datetime import date, datetime
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, Field, model_validator

from wanted.registry.models import CAUTION_FLAGS, DANGER_CLASSES, SEXES, STATUSES
from wanted.validation import (
    MAX_PAGE,
    MAX_PER_PAGE,
    Day,
    QueryInt,
    QuerySchema,
    Schema,
    Text,
    local_zone,
    refuse,
)

# The choices are the models' own tuples, so that a new one is accepted everywhere at once.
Sex = Literal[SEXES]
DangerClass = Literal[DANGER_CLASSES]
CautionFlag = Literal[CAUTION_FLAGS]
Status = Literal[STATUSES]
Sort = Literal["name", "-name", "newest", "oldest", "born", "-born", "updated", "quiet"]


def _not_future(value: date | int) -> date | int:
    today = datetime.now(local_zone()).date()
    if value > (today.year if isinstance(value, int) else today):
        raise refuse(_("Cannot be in the future."))
    return value


# A birth or decision date that has come; a birth year that has come.
PastDay = Annotated[Day, AfterValidator(_not_future)]
Year = Annotated[int, Field(ge=1900, le=2100, strict=True), AfterValidator(_not_future)]
# Fields a client may send back as it read them; they are not input and are ignored.
READ_ONLY = ("id", "version", "status")


class Decision(Schema):
    """The wanted decision: its number, date, issuing agency and signer."""

    number: Text(64) | None = None
    date: PastDay | None = None
    agency: Text(300) | None = None
    issued_by: Text(200) | None = None


class PersonChanges(Schema):
    """The fields of a person that an edit may change; every one optional."""

    full_name: Text(200, min_length=1) | None = None
    aliases: Annotated[list[Text(100, min_length=1)], Field(max_length=20)] | None = None
    sex: Sex | None = None
    birth_date: PastDay | None = None
    birth_year: Year | None = None
    birth_place: Text(300) | None = None
    ethnicity: Text(64) | None = None
    nationality: Text(64) | None = None
    id_number: Annotated[str, Field(pattern=r"^([0-9]{9}|[0-9]{12})$")] | None = Field(
        None, description="Citizen ID (CCCD): 9 or 12 digits")
    id_number_confirmed: Annotated[bool, Field(strict=True)] | None = Field(None, description=(
        "true: the ID number is knowingly shared with another record (audited)"))
    registered_address: Text(300) | None = None
    last_known_address: Text(300) | None = None
    description: Text(5000, lines=True) | None = None
    marks: Text(5000, lines=True) | None = None
    caution_flags: Annotated[list[CautionFlag], Field(max_length=len(CAUTION_FLAGS))] | None = None
    danger_class: DangerClass | None = None
    charges: Annotated[list[Text(16)], Field(max_length=20)] | None = Field(
        None, description='Penal Code article numbers, e.g. "173"')
    decision: Decision | None = None
    unit: Text(32) | None = Field(None, description="Unit code; default: the caller's unit")
    assigned_officer: Text(64) | None = Field(None, description="Username")

    @model_validator(mode="before")
    @classmethod
    def drop_read_only(cls, data: object) -> object:
        """Accept a person as read back from the API: its id, version and status are ignored."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in READ_ONLY}
        return data


class PersonInput(PersonChanges):
    """A new person: only the full name is required, a record often starts incomplete."""

    full_name: Text(200, min_length=1)


class PersonQuery(QuerySchema):
    """A registry search; every filter optional."""

    q: Text(200) = Field("", description=(
        "Words of name or aliases (no case or diacritics needed), or an exact ID number"))
    status: Status | None = None
    unit: Text(32) | None = Field(None, description="Unit code; includes its sub-units")
    charge_category: Text(32) | None = None
    danger_class: DangerClass | None = None
    born_from: QueryInt(1900, 2100) | None = Field(None, description="Year")
    born_to: QueryInt(1900, 2100) | None = Field(None, description="Year")
    sort: Sort = "name"
    page: QueryInt(1, MAX_PAGE) = 1
    per_page: QueryInt(1, MAX_PER_PAGE) | None = Field(None, description="At most 100")


class ValidationInput(Schema):
    """The periodic confirmation that a wanted record is still right."""

    note: Text(2000, lines=True) = ""
