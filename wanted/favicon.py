"""The site icon, served where browsers ask for it unprompted: /favicon.ico."""

from flask import Flask, send_from_directory

ICON_MAX_AGE = 7 * 24 * 3600  # seconds a browser may keep the icon without asking again


def add_favicon(app: Flask) -> None:
    """Serve static/favicon.ico at /favicon.ico (endpoint `favicon`) on the app."""

    def favicon():
        return send_from_directory(app.static_folder, "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon", max_age=ICON_MAX_AGE)

    app.add_url_rule("/favicon.ico", "favicon", favicon)
