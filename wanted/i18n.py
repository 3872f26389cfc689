"""Language choice: Vietnamese by default, English a click away."""

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations


def select_locale() -> str:
    """Return the language the user chose, else the default."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel with the session-based language choice."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.before_request(translate_form_messages)


def translate_form_messages() -> None:
    """Give Flask-WTF our catalogue, which holds WTForms' messages (see form_messages.py)."""
    # Flask-WTF looks for the request's WTForms translations here before loading its own.
    request.wtforms_translations = get_translations()
