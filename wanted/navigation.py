"""The main menu: each area's pages, shown to the roles that may use them."""

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, roles); an entry shows once its area has registered the endpoint.
MENU = [
    ("pursuit.followups", _l("My follow-ups"), ("officer", "supervisor")),
    ("publication.queue", _l("Citizen tips"), ("officer", "supervisor")),
    ("matching.new_search", _l("Face search"), ("officer", "supervisor")),
    ("matching.searches", _l("Match searches"), ("officer", "supervisor", "admin")),
    ("oversight.dashboard", _l("Dashboard"), ("supervisor", "officer", "admin")),
    ("oversight.campaigns", _l("Campaigns"), ("supervisor", "officer", "admin")),
]


def nav_items() -> list[dict]:
    """Return the menu entries the current user may see."""
    role, views = current_user.role, current_app.view_functions  # each a proxy's lookup
    return [{"url": url_for(endpoint), "label": label} for endpoint, label, roles in MENU
            if endpoint in views and role in roles]


def init_navigation(app: Flask) -> None:
    """Expose the menu to templates."""
    app.jinja_env.globals["nav_items"] = nav_items
