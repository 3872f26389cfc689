"""Input shapes of oversight: a campaign, and the period and scope of the figures."""

from datetime import date, timedelta

from flask_babel import gettext as _
from pydantic import Field, model_validator

from wanted.validation import Day, QueryId, QuerySchema, Schema, Text, refuse_field

MAX_TARGET = 100_000
MAX_CAMPAIGN = timedelta(days=5 * 366)  # a campaign runs weeks or months; never decades
MAX_STATS_PERIOD = timedelta(days=10 * 366)


class Target(Schema):
    """A unit's targets in a campaign."""

    unit: Text(32, min_length=1) = Field(description="Unit code")
    arrests: int = Field(0, ge=0, le=MAX_TARGET, strict=True)
    surrenders: int = Field(0, ge=0, le=MAX_TARGET, strict=True)


def check_period(start: date | None, end: date | None, longest: timedelta,
                 end_field: str) -> None:
    """Refuse a period that ends before it starts or lasts longer than `longest`."""
    if start and end and end < start:
        raise refuse_field(end_field, _("The end comes before the start."))
    if start and end and end - start > longest:
        raise refuse_field(end_field, _("A period lasts at most %(years)d years.",
                                        years=longest.days // 366))


class CampaignInput(Schema):
    """A campaign: a name, a period of at most five years, and targets per unit."""

    name: Text(200, min_length=1)
    description: Text(5000, lines=True) = ""
    starts_on: Day
    ends_on: Day
    targets: list[Target] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def period_is_sane(self) -> "CampaignInput":
        """The campaign ends after it starts, within five years."""
        check_period(self.starts_on, self.ends_on, MAX_CAMPAIGN, "ends_on")
        return self


class StatsQuery(QuerySchema):
    """Whose figures, and over which period."""

    unit: Text(32) | None = Field(None, description=(
        "Unit code (default: the caller's unit); includes its sub-units"))
    campaign: QueryId | None = Field(None, description=(
        "Campaign id: its progress, and its dates as the period unless from/to are given"))
    start: Day | None = Field(None, alias="from",
                              description="First day of the period (YYYY-MM-DD, local time)")
    end: Day | None = Field(None, alias="to",
                            description="Last day of the period, included (YYYY-MM-DD)")

    @model_validator(mode="after")
    def period_is_sane(self) -> "StatsQuery":
        """The period ends after it starts, within ten years (an open end is today)."""
        check_period(self.start, self.end, MAX_STATS_PERIOD, "to")
        if self.start and not self.end and date.today() - self.start > MAX_STATS_PERIOD:
            raise refuse_field("from", _("A period lasts at most %(years)d years.",
                                         years=MAX_STATS_PERIOD.days // 366))
        return self

