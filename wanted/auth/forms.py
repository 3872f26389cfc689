"""Login and account forms."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from wanted.auth.services import MIN_PASSWORD_LENGTH
from wanted.forms import PageForm


class LoginForm(PageForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class MfaForm(PageForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])


class EnrolForm(PageForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=256)])
    current_code = StringField(_l("Code from your current authenticator"),
                               validators=[Length(max=32)])
    code = StringField(_l("Code shown by the app"), validators=[DataRequired(), Length(max=32)])


class ChangePasswordForm(PageForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=256)])
    code = StringField(_l("Second-factor code"), validators=[Length(max=32)])
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=256)])


class UserForm(PageForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=64),
        Regexp(r"^[a-z0-9_.-]+$", message=_l("Lower-case letters, digits, . _ - only."))])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[
        ("officer", _l("Officer")), ("supervisor", _l("Supervisor")), ("admin", _l("Admin"))])
    unit = SelectField(_l("Unit"))
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=256)])


class PasswordForm(PageForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=256)])


class UnitForm(PageForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=32),
        Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, _ and - only."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    parent = SelectField(_l("Parent unit"))
    address = StringField(_l("Address (printed on notices)"), validators=[Length(max=300)])
    phone = StringField(_l("Phone (printed on notices)"), validators=[Length(max=64)])


class UnitContactForm(PageForm):
    address = StringField(_l("Address (printed on notices)"), validators=[Length(max=300)])
    phone = StringField(_l("Phone (printed on notices)"), validators=[Length(max=64)])
