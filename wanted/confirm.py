"""A second step before an irreversible or outward action: say what will happen, then do it."""

from flask import render_template, request


def confirmed() -> bool:
    """Tell whether the officer confirmed the action on the confirmation page."""
    return request.form.get("confirmed") == "1"


def ask_confirmation(title: str, consequences: list[str], button: str, back: str,
                     style: str = "danger"):
    """Show what the submitted form will do, with a button that re-posts it confirmed."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name != "confirmed"]
    return render_template("confirm.html", title=title, consequences=consequences,
                           button=button, back=back, style=style, fields=fields,
                           action=request.full_path.rstrip("?"))
