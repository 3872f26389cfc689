"""The campaign form: a period, and targets for each unit the supervisor oversees."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from wanted.forms import PageForm
from wanted.oversight.schemas import MAX_TARGET


class TargetForm(Form):
    unit = HiddenField()
    arrests = IntegerField(_l("Arrests"), validators=[Optional(), NumberRange(0, MAX_TARGET)])
    surrenders = IntegerField(_l("Surrenders"),
                              validators=[Optional(), NumberRange(0, MAX_TARGET)])


class CampaignForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    targets = FieldList(FormField(TargetForm))

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end comes before the start."))

    def to_data(self) -> dict:
        """Return the values in API shape; units left blank take no part."""
        return {"name": self.name.data, "description": self.description.data or "",
                "starts_on": self.starts_on.data.isoformat(),
                "ends_on": self.ends_on.data.isoformat(),
                "targets": [{"unit": t.unit.data, "arrests": t.arrests.data or 0,
                             "surrenders": t.surrenders.data or 0} for t in self.targets
                            if t.arrests.data or t.surrenders.data]}
