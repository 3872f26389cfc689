"""Forms of the public side: the citizen's tip, and the officers' publishing and queue forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from wanted.forms import PageForm


class TipForm(PageForm):
    """A citizen's tip; the portal has no session, so the question stands in for a CSRF token."""

    class Meta:
        csrf = False

    person_id = HiddenField()
    text = TextAreaField(_l("What did you see?"), validators=[
        DataRequired(_l("Say what you saw.")), Length(max=5000)])
    seen_place = StringField(_l("Where"), validators=[Optional(), Length(max=300)])
    seen_at = StringField(_l("When (date and time)"), validators=[Optional(), Length(max=20)],
                          render_kw={"type": "datetime-local"})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})
    contact = StringField(_l("Your name or phone (optional, you may stay anonymous)"),
                          validators=[Optional(), Length(max=300)])
    # The honeypot (abuse.HONEYPOT_FIELD): hidden by the stylesheet; people leave it empty.
    website = StringField(_l("Leave this field empty"),
                          render_kw={"tabindex": "-1", "autocomplete": "off"})
    challenge = HiddenField()
    answer = StringField(_l("Answer"), validators=[DataRequired(_l("Answer the question."))],
                         render_kw={"inputmode": "numeric", "autocomplete": "off"})


class PublishForm(PageForm):
    """What a supervisor chooses when publishing a notice."""

    photo_id = SelectField(_l("Photo shown to the public"), choices=[], validate_choice=False)
    area = StringField(_l("Home address shown (district level only)"),
                       validators=[Optional(), Length(max=150)])
    contact = StringField(_l("Contact of the unit shown to the public"),
                          validators=[Optional(), Length(max=300)])


class WithdrawForm(PageForm):
    """Why a notice is withdrawn."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])


class CloseTipForm(PageForm):
    """What came of a citizen tip."""

    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(), Length(max=2000)])


class TipSearchForm(PageForm):
    """A face search started from a tip's photo."""

    purpose = StringField(_l("Purpose"), validators=[DataRequired(), Length(max=300)])
    case_ref = StringField(_l("Case reference"), validators=[DataRequired(), Length(max=100)])
