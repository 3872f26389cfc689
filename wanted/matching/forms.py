"""Forms of face matching: a field photo search, a review, a registry photo."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from wanted.forms import PageForm
from wanted.labels import REVIEW_DECISION


class SearchForm(PageForm):
    photo = FileField(_l("Field photo"), validators=[FileRequired(_l("Choose a photo."))])
    purpose = StringField(_l("Purpose of the search"),
                          validators=[DataRequired(), Length(max=300)])
    case_ref = StringField(_l("Case reference"), validators=[DataRequired(), Length(max=100)])


class ReviewForm(PageForm):
    face = IntegerField(validators=[InputRequired()])
    person_id = IntegerField(validators=[InputRequired()])
    decision = SelectField(_l("Your review"),
                           choices=[("", _l("— choose —")), *REVIEW_DECISION.items()],
                           default="", validators=[DataRequired(_l("Choose your review."))])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class PhotoForm(PageForm):
    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Choose a photo."))])


class ConfirmPhotoForm(PageForm):
    upload = HiddenField(validators=[DataRequired()])
