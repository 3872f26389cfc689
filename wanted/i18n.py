"""Language choice: Vietnamese by default, English a click away."""

from collections.abc import Callable
from functools import cached_property

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup


class RequestDomain(Domain):
    """The message domain, its catalogue looked up once per locale in an app context.

    Flask-Babel finds the catalogue again on every message (a page asks for hundreds); the
    locale object is the key, so refresh() and force_locale() switch catalogues at once.
    """

    def get_translations(self) -> NullTranslations:
        """Return the catalogue of the current locale."""
        locale = get_locale()
        if locale is None:  # no app context: Flask-Babel's untranslated catalogue
            return super().get_translations()
        held = g.get("_wanted_catalogue")
        if held is None or held[0] is not locale:
            held = g._wanted_catalogue = (locale, super().get_translations())
        return held[1]


def catalogue() -> NullTranslations:
    """Return the catalogue of the current locale (the app has one message domain)."""
    locale = get_locale()
    held = g.get("_wanted_catalogue") if locale is not None else None
    if held is not None and held[0] is locale:
        return held[1]
    return get_translations()


class RequestBabel(Babel):
    """Flask-Babel with the catalogue of each locale looked up once per app context."""

    @cached_property
    def domain_instance(self) -> Domain:
        """Return the app's message domain."""
        return RequestDomain(domain=self.domain)


def select_locale() -> str:
    """Return the language the user chose, else the default."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel with the session-based language choice."""
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    app.jinja_env.globals["get_locale"] = get_locale
    app.before_request(translate_form_messages)


def install_template_gettext(app: Flask) -> None:
    """Give templates gettext functions that go straight to the request's catalogue.

    Each page's templates get them bound to the catalogue and locale of that render (a person
    page translates ~50 messages, and finding the catalogue again through Flask's context
    proxies was most of each); the globals, which look the catalogue up per message, serve the
    macros imported without the page's context.
    """
    app.jinja_env.globals.update(gettext_functions(catalogue))
    app.context_processor(render_translations)


def render_translations() -> dict:
    """Return the gettext functions and the locale of one render, resolved once."""
    locale, translations = get_locale(), catalogue()
    return gettext_functions(lambda: translations) | {"get_locale": lambda: locale}


def gettext_functions(catalogue_of: Callable[[], NullTranslations]) -> dict[str, Callable]:
    """Return templates' gettext functions, translating with the catalogue `catalogue_of` gives.

    They behave as Jinja's new-style ones (escaped, always %-formatted) without its three
    nested calls per message; `_` is gettext itself rather than a name looked up each time.
    """

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, /, **variables) -> str:
        return translated(eval_ctx, catalogue_of().ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /,
                 **variables) -> str:
        variables.setdefault("num", num)
        return translated(eval_ctx, catalogue_of().ungettext(singular, plural, num), variables)

    @pass_eval_context
    def pgettext(eval_ctx: EvalContext, context: str, string: str, /, **variables) -> str:
        variables.setdefault("context", context)
        return translated(eval_ctx, catalogue_of().upgettext(context, string), variables)

    @pass_eval_context
    def npgettext(eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int,
                  /, **variables) -> str:
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        return translated(eval_ctx, catalogue_of().unpgettext(context, singular, plural, num),
                          variables)

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "pgettext": pgettext,
            "npgettext": npgettext}


def translated(eval_ctx: EvalContext, text: str, variables: dict) -> str:
    """Format a translated message as Jinja's new-style gettext does."""
    # Catalogue text is ours and trusted, as in Jinja's; the variables are escaped by `%`.
    message = Markup(text) if eval_ctx.autoescape else text  # noqa: S704
    if not variables and "%" not in text:  # `%` would give it back unchanged
        return message
    return message % variables


def translate_form_messages() -> None:
    """Give Flask-WTF our catalogue, which holds WTForms' messages (see form_messages.py)."""
    # Flask-WTF looks for the request's WTForms translations here before loading its own.
    request.wtforms_translations = get_translations()
