"""Text follows the language of the moment, also when it changes within one request."""

from flask import render_template_string, session
from flask_babel import force_locale, gettext, refresh

PAGE = '{{ _("Sign out") }} | {{ STATUS["wanted"] }} | {{ ngettext("%(num)d person", ' \
       '"%(num)d persons", 2) }}'


def test_text_follows_force_locale_and_refresh_within_a_request(app):
    with app.test_request_context("/"):
        session["lang"] = "vi"
        assert render_template_string(PAGE) == "Đăng xuất | Đang truy nã | 2 đối tượng"
        with force_locale("en"):
            assert render_template_string(PAGE) == "Sign out | Wanted | 2 persons"
            assert gettext("Sign out") == "Sign out"
        assert render_template_string(PAGE) == "Đăng xuất | Đang truy nã | 2 đối tượng"
        session["lang"] = "en"
        refresh()
        assert render_template_string(PAGE) == "Sign out | Wanted | 2 persons"
        assert gettext("Sign out") == "Sign out"


def test_text_outside_a_request_is_in_the_default_language(app):
    with app.app_context():  # e.g. a CLI command
        assert render_template_string(PAGE) == "Đăng xuất | Đang truy nã | 2 đối tượng"
    assert gettext("Sign out") == "Sign out"  # no app at all: the text as written
