"""Text follows the language of the moment, also when it changes within one request."""

from datetime import datetime

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


def test_times_follow_the_language_each_time_they_are_shown(app):
    # Formatted times are remembered by what they depend on (language and time zone): asking
    # again in another language never gives back the text made for the first.
    moment = '{{ at | moment }} | {{ at | day }}'
    at = datetime(2026, 3, 1, 17, 30)  # stored UTC: 00:30 on 2 March in Ho Chi Minh City
    with app.test_request_context("/"):
        session["lang"] = "vi"
        assert render_template_string(moment, at=at) == "00:30 02/03/2026 | 02/03/2026"
        with force_locale("en"):
            assert render_template_string(moment, at=at) == "2 Mar 2026, 00:30 | 2 Mar 2026"
        assert render_template_string(moment, at=at) == "00:30 02/03/2026 | 02/03/2026"
        session["lang"] = "en"
        refresh()
        assert render_template_string(moment, at=at) == "2 Mar 2026, 00:30 | 2 Mar 2026"
