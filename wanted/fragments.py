"""Forms the person page fetches into its folds: each is its own page, or only its card."""

from flask import render_template, request


def wants_card() -> bool:
    """Tell whether the person page asked for the form's card alone, to fold it in."""
    return request.method == "GET" and request.args.get("fragment") == "1"


def page_or_card(page: str, card: str, **context) -> str:
    """Render a form's own page, or only its card when the person page fetches it."""
    return render_template(card if wants_card() else page, **context)
