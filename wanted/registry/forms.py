"""The person form; it speaks the same shape as the API so one service checks both."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from wanted.forms import PageForm
from wanted.labels import CAUTION_FLAG, DANGER_CLASS, SEX
from wanted.validation import DIGITS, MAX_ID


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(PageForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    aliases = TextAreaField(_l("Aliases (one per line)"), validators=[Length(max=2000)])
    sex = SelectField(_l("Sex"), choices=list(SEX.items()), default="unknown")
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    birth_year = IntegerField(_l("Year of birth (if the date is unknown)"),
                              validators=[Optional(), NumberRange(1900, 2100)])
    birth_place = StringField(_l("Place of birth"), validators=[Length(max=300)])
    ethnicity = StringField(_l("Ethnicity"), validators=[Length(max=64)])
    nationality = StringField(_l("Nationality"), validators=[Length(max=64)])
    id_number = StringField(_l("ID number (CCCD)"), validators=[Length(max=20)])
    id_number_confirmed = BooleanField(
        _l("I have checked: this is a different person who shares the ID number"))
    registered_address = StringField(_l("Registered residence"), validators=[Length(max=300)])
    last_known_address = StringField(_l("Last known address"), validators=[Length(max=300)])
    description = TextAreaField(_l("Physical description"), validators=[Length(max=5000)])
    marks = TextAreaField(_l("Scars, marks, tattoos"), validators=[Length(max=5000)])
    caution_flags = MultiCheckboxField(_l("Caution"), choices=list(CAUTION_FLAG.items()))
    danger_class = SelectField(_l("Class"), choices=list(DANGER_CLASS.items()), default="normal")
    charges = MultiCheckboxField(_l("Charges"))
    decision_number = StringField(_l("Wanted decision number"), validators=[Length(max=64)])
    decision_date = DateField(_l("Decision date"), validators=[Optional()])
    decision_agency = StringField(_l("Issuing agency"), validators=[Length(max=300)])
    decision_issued_by = StringField(_l("Issued by"), validators=[Length(max=200)])
    unit = SelectField(_l("Owning unit"))
    assigned_officer = SelectField(_l("Assigned officer"))
    version = HiddenField()

    def validate_version(self, field: HiddenField) -> None:
        if field.data and (not DIGITS.fullmatch(field.data) or int(field.data) > MAX_ID):
            raise ValidationError(_l("This form is out of date; reload the page."))

    def to_data(self) -> dict:
        """Return the submitted values in API shape."""
        data = {
            "full_name": self.full_name.data,
            "aliases": [a for a in (self.aliases.data or "").splitlines() if a.strip()],
            "sex": self.sex.data,
            "birth_date": self.birth_date.data.isoformat() if self.birth_date.data else None,
            "birth_year": self.birth_year.data,
            **{name: getattr(self, name).data or "" for name in (
                "birth_place", "ethnicity", "nationality", "registered_address",
                "last_known_address", "description", "marks")},
            "id_number": (self.id_number.data or "").strip() or None,
            "id_number_confirmed": bool(self.id_number_confirmed.data),
            "caution_flags": self.caution_flags.data or [],
            "danger_class": self.danger_class.data,
            "charges": self.charges.data or [],
            "decision": {
                "number": self.decision_number.data or "",
                "date": self.decision_date.data.isoformat() if self.decision_date.data else None,
                "agency": self.decision_agency.data or "",
                "issued_by": self.decision_issued_by.data or "",
            },
            "unit": self.unit.data,
        }
        if self.assigned_officer is not None:  # only supervisors are shown the field
            data["assigned_officer"] = self.assigned_officer.data or None
        return data

    def fill(self, snapshot: dict) -> None:
        """Load a person's API-shaped values into the form."""
        for name in ("full_name", "sex", "birth_year", "birth_place", "ethnicity", "nationality",
                     "id_number", "registered_address", "last_known_address", "description",
                     "marks", "caution_flags", "danger_class", "charges", "unit", "version"):
            getattr(self, name).data = snapshot[name]
        self.aliases.data = "\n".join(snapshot["aliases"])
        self.birth_date.data = _date(snapshot["birth_date"])
        if self.assigned_officer is not None:
            self.assigned_officer.data = snapshot["assigned_officer"] or ""
        for key in ("number", "agency", "issued_by"):
            getattr(self, f"decision_{key}").data = snapshot["decision"][key]
        self.decision_date.data = _date(snapshot["decision"]["date"])


def _date(value: str | None):
    from datetime import date

    return date.fromisoformat(value) if value else None


class ValidateForm(PageForm):
    """The periodic confirmation that a wanted record is still right."""

    confirm = BooleanField(_l("I checked that the decision, the charges and the photos are "
                              "still right"), validators=[DataRequired(_l("Tick to confirm."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])
