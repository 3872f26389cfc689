"""Input shape of the audit log's filters and paging (page and API)."""

from typing import Literal

from pydantic import Field, model_validator

from wanted.validation import MAX_PAGE, Day, QueryInt, QuerySchema, Text, refuse_field

OUTCOMES = ("ok", "denied", "failed", "rate_limited", "error")
# The audit page and API page through at most this many events at once.
MAX_PER_PAGE = 200


class AuditQuery(QuerySchema):
    """Which events to list, and which page of them."""

    actor: Text(64) | None = Field(None, description="Username")
    action: Text(64) | None = Field(None, description="Action name")
    object: Text(100) | None = Field(None, description="type or type:id")
    outcome: Literal[OUTCOMES] | None = None
    start: Day | None = Field(None, alias="from", description="YYYY-MM-DD (local day)")
    end: Day | None = Field(None, alias="to", description="YYYY-MM-DD (local day, included)")
    page: QueryInt(1, MAX_PAGE) = Field(1, description="Page number")
    per_page: QueryInt(1, MAX_PER_PAGE) | None = Field(
        None, description="Events per page (at most 200)")

    @model_validator(mode="after")
    def period_is_ordered(self) -> "AuditQuery":
        """The period ends after it starts."""
        from flask_babel import gettext as _

        if self.start and self.end and self.end < self.start:
            raise refuse_field("to", _("The end of the period is before its start."))
        return self


class VerifyQuery(QuerySchema):
    """How far back a chain check goes."""

    full: Literal["0", "1"] | None = Field(
        None, description="1: from the first event, not from the last verified point")
