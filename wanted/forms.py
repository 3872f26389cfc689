"""The base of every page form."""

from collections.abc import Iterable, Iterator

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField

from wanted.validation import CONTROL_IN_LINES

CONTROL_MESSAGE = _l("Contains characters that are not allowed (control characters).")


class PageForm(FlaskForm):
    """A page form: a value holding NUL or another control character is refused at its field.

    The request guard (errors.check_text_inputs) refuses such values in query strings and API
    bodies before any view runs; a page form's body reaches its form, so that the user sees the
    error where they typed it, with the rest of what they typed kept.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in inputs(self):
            if any(isinstance(value, str) and CONTROL_IN_LINES.search(value)
                   for value in field.raw_data or ()):
                field.errors = [CONTROL_MESSAGE]
                valid = False
        return valid

    def flash_errors(self) -> None:
        """Flash the errors, each after its field's label, for a form that answers elsewhere
        (a card on a person's page) and so cannot show them at the fields."""
        flash("; ".join(f"{self[name].label.text}: {error}"
                        for name, errors in self.errors.items() for error in errors), "danger")


def inputs(fields: Iterable[Field]) -> Iterator[Field]:
    """Yield the fields that hold typed values, inside lists and sub-forms too."""
    for field in fields:
        if isinstance(field, FieldList | FormField):
            yield from inputs(field)
        else:
            yield field
