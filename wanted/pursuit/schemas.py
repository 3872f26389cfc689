"""Input shapes of the pursuit: outreach, arrest attempts, tips and status changes."""

from typing import Literal

from pydantic import Field, field_validator

from wanted.pursuit.models import ATTEMPT_OUTCOMES, CHANNELS, OUTREACH_OUTCOMES, TIP_SOURCES
from wanted.registry.models import STATUSES
from wanted.validation import Day, Id, PastMoment, Schema, Text

# A tip of source "match" comes only from the review of a face search.
HAND_TYPED_SOURCES = tuple(source for source in TIP_SOURCES if source != "match")
TIME_NOTE = "ISO 8601; without an offset it is the installation's local time; default: now"
FOLLOW_UP_NOTE = "Date to come back to this"


class OutreachInput(Schema):
    """A persuasion contact: whom, how, and what came of it."""

    contacted_at: PastMoment | None = Field(None, description=TIME_NOTE)
    contact_name: Text(200) = ""
    relation: Text(100) = ""
    channel: Literal[CHANNELS]
    outcome: Literal[OUTREACH_OUTCOMES]
    notes: Text(5000, lines=True) = ""
    follow_up_on: Day | None = Field(None, description=FOLLOW_UP_NOTE)


class AttemptInput(Schema):
    """An arrest attempt and how it ended."""

    attempted_at: PastMoment | None = Field(None, description=TIME_NOTE)
    location: Text(300) = ""
    officers: Text(500) = ""
    outcome: Literal[ATTEMPT_OUTCOMES]
    notes: Text(5000, lines=True) = ""
    tip_id: Id | None = Field(None, description="The tip this attempt followed up")
    follow_up_on: Day | None = Field(None, description=FOLLOW_UP_NOTE)


class TipInput(Schema):
    """A report of where the person is; tips of source `match` come only from a review."""

    received_at: PastMoment | None = Field(None, description=TIME_NOTE)
    source: Literal[HAND_TYPED_SOURCES]
    location: Text(300) = ""
    text: Text(5000, min_length=1, lines=True)
    follow_up_on: Day | None = Field(None, description=FOLLOW_UP_NOTE)


class TipSettle(Schema):
    """How a tip was settled; a face-match hit only by someone of the owning unit other than
    its reviewer."""

    status: Literal["verifying", "confirmed", "false", "dismissed"] = Field(
        description="dismissed is false")

    @field_validator("status")
    @classmethod
    def dismissed_is_false(cls, value: str) -> str:
        """API.md speaks of dismissing a hit; the stored status is "false"."""
        return "false" if value == "dismissed" else value


class StatusInput(Schema):
    """A status change; every closure names its document (number and date)."""

    status: Literal[STATUSES]
    reason: Text(2000, lines=True) = ""
    document_number: Text(64) = Field("", description="Required for every closure")
    document_date: Day | None = Field(None, description=(
        "Date of the document; required for every closure, never in the future"))
    changed_at: PastMoment | None = Field(None, description=TIME_NOTE)
