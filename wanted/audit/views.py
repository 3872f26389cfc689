"""The audit log page for admins, with the chain check."""

from datetime import datetime

from flask import Blueprint, render_template, request

from wanted.audit import services
from wanted.auth.session import roles_required
from wanted.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def parse_day(value: str | None) -> datetime | None:
    """Read a YYYY-MM-DD filter; ignore what does not parse."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/")
@roles_required("admin")
def index():
    filters = {key: request.args.get(key) for key in ("actor", "action", "object", "from", "to")
               if request.args.get(key)}
    events = services.list_events(
        actor=request.args.get("actor") or None, action=request.args.get("action") or None,
        object_ref=request.args.get("object") or None,
        start=parse_day(request.args.get("from")), end=parse_day(request.args.get("to")))
    chain = services.verify_chain()
    services.record("audit.read", details={"filters": filters, "count": len(events)})
    db.session.commit()
    return render_template("audit/index.html", events=events, chain=chain)
