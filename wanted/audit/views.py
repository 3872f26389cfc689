"""The audit log page for admins, with the chain check."""

from datetime import datetime, time

from flask import Blueprint, render_template, request

from wanted.audit import services
from wanted.audit.schemas import AuditQuery
from wanted.auth.session import roles_required
from wanted.validation import parse_query

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def event_filters(args) -> dict:
    """Read the audit filters of a query string (422 naming a bad one) as list_events arguments."""
    query = parse_query(AuditQuery, args)
    return {"actor": query.actor or None, "action": query.action or None,
            "object_ref": query.object or None,
            "start": datetime.combine(query.start, time()) if query.start else None,
            "end": datetime.combine(query.end, time()) if query.end else None}


@bp.route("/")
@roles_required("admin")
def index():
    events = services.list_events(**event_filters(request.args))
    return render_template("audit/index.html", events=events, chain=services.verify_chain())
