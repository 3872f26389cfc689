"""Forms of the pursuit, short enough to fill on a phone; they speak the API's shape."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from wanted.forms import PageForm
from wanted.labels import STATUS

CHANNEL = {"visit": _l("Home visit"), "phone": _l("Phone call"), "letter": _l("Letter"),
           "via_commune": _l("Through commune police"), "other": _l("Other")}
OUTREACH_OUTCOME = {"refused": _l("Refused"), "will_persuade": _l("Will persuade him or her"),
                    "info_obtained": _l("Information obtained"),
                    "promised_surrender": _l("Promised to surrender"), "other": _l("Other")}
ATTEMPT_OUTCOME = {"arrested": _l("Arrested"), "not_found": _l("Not found"),
                   "escaped": _l("Escaped"), "wrong_person": _l("Wrong person")}
TIP_SOURCE = {"officer": _l("An officer"), "public": _l("The public"),
              "match": _l("Face match")}
TIP_STATUS = {"new": _l("New"), "verifying": _l("Being verified"), "confirmed": _l("Confirmed"),
              "false": _l("False")}
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
REOPEN = _l("Reopen the case (back to wanted)")


def _iso(value: datetime | None) -> str | None:
    return value.strftime(LOCAL_MINUTE) if value else None


def _day(value) -> str | None:
    return value.isoformat() if value else None


class ActionForm(PageForm):
    """A button that posts: only the CSRF token."""


class OutreachForm(PageForm):
    contacted_at = DateTimeLocalField(_l("When"), format=LOCAL_MINUTE,
                                      validators=[DataRequired()])
    channel = SelectField(_l("How"), choices=list(CHANNEL.items()), default="visit")
    contact_name = StringField(_l("Whom (name)"), validators=[Length(max=200)])
    relation = StringField(_l("Relation to the person"), validators=[Length(max=100)])
    outcome = SelectField(_l("Outcome"), choices=list(OUTREACH_OUTCOME.items()),
                          default="will_persuade")
    notes = TextAreaField(_l("What was said"), validators=[Length(max=5000)])
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()])

    def to_data(self) -> dict:
        """Return the values in API shape."""
        return {"contacted_at": _iso(self.contacted_at.data), "channel": self.channel.data,
                "contact_name": self.contact_name.data or "", "relation": self.relation.data or "",
                "outcome": self.outcome.data, "notes": self.notes.data or "",
                "follow_up_on": _day(self.follow_up_on.data)}


class AttemptForm(PageForm):
    attempted_at = DateTimeLocalField(_l("When"), format=LOCAL_MINUTE,
                                      validators=[DataRequired()])
    location = StringField(_l("Where"), validators=[Length(max=300)])
    officers = StringField(_l("Officers taking part"), validators=[Length(max=500)])
    outcome = SelectField(_l("Outcome"), choices=list(ATTEMPT_OUTCOME.items()),
                          default="not_found")
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()])

    def to_data(self) -> dict:
        """Return the values in API shape."""
        return {"attempted_at": _iso(self.attempted_at.data),
                "location": self.location.data or "", "officers": self.officers.data or "",
                "outcome": self.outcome.data, "notes": self.notes.data or "",
                "follow_up_on": _day(self.follow_up_on.data)}


class TipForm(PageForm):
    received_at = DateTimeLocalField(_l("Received"), format=LOCAL_MINUTE,
                                     validators=[DataRequired()])
    source = SelectField(_l("From"), choices=[(k, TIP_SOURCE[k]) for k in ("public", "officer")])
    location = StringField(_l("Where the person was seen"), validators=[Length(max=300)])
    text = TextAreaField(_l("What was reported"), validators=[DataRequired(), Length(max=5000)])
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()])

    def to_data(self) -> dict:
        """Return the values in API shape."""
        return {"received_at": _iso(self.received_at.data), "source": self.source.data,
                "location": self.location.data or "", "text": self.text.data or "",
                "follow_up_on": _day(self.follow_up_on.data)}


class StatusForm(PageForm):
    status = SelectField(_l("New status"))
    document_number = StringField(_l("Document number"), validators=[Length(max=64)])
    document_date = DateField(_l("Document date"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])

    def set_choices(self, statuses: tuple[str, ...]) -> None:
        """Offer only the statuses the person may move to; "wanted" is a reopening."""
        self.status.choices = [(s, REOPEN if s == "wanted" else STATUS[s]) for s in statuses]

    def validate_document_number(self, field: StringField) -> None:
        if self.status.data != "wanted" and not (field.data or "").strip():
            raise ValidationError(_l("Closing a case needs the number of its document."))

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then require the document date of a closure."""
        valid = super().validate(extra_validators)
        date_field = self.document_date
        if self.status.data != "wanted" and date_field.data is None and not date_field.errors:
            date_field.errors = [_l("Closing a case needs the date of its document.")]
            return False
        return valid


class ReassignForm(PageForm):
    officer = SelectField(_l("Assigned officer"))


class SettleTipForm(PageForm):
    status = SelectField(choices=[(k, TIP_STATUS[k]) for k in ("verifying", "confirmed", "false")])
