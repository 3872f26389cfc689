"""Input shape of the audit log's filters."""

from pydantic import Field

from wanted.validation import Day, QuerySchema, Text


class AuditQuery(QuerySchema):
    """Which events to list."""

    actor: Text(64) | None = Field(None, description="Username")
    action: Text(64) | None = Field(None, description="Action name")
    object: Text(100) | None = Field(None, description="type:id")
    start: Day | None = Field(None, alias="from", description="First day (YYYY-MM-DD, UTC)")
    end: Day | None = Field(None, alias="to", description="Last day, included (YYYY-MM-DD)")
