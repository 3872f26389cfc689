"""The audit log in the API, for admins."""

from flask import abort, g, request

from wanted.api.core import api_route
from wanted.api.schemas import error_responses
from wanted.audit import services
from wanted.audit.views import parse_day


def require_admin() -> None:
    """Refuse anyone but an admin with 403."""
    if g.actor.role != "admin":
        abort(403)


@api_route("/audit", "GET", "List audit events (admin)", tag="audit",
           query={"actor": "Username", "action": "Action name", "object": "type:id",
                  "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"},
           responses={200: {"description": "Events, newest first"},
                      **error_responses(401, 403)})
def audit_events():
    require_admin()
    events = services.list_events(
        actor=request.args.get("actor") or None, action=request.args.get("action") or None,
        object_ref=request.args.get("object") or None,
        start=parse_day(request.args.get("from")), end=parse_day(request.args.get("to")))
    services.record("audit.read", details={"filters": request.args.to_dict(),
                                           "count": len(events)})
    return {"items": [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor_name,
                       "source_ip": e.source_ip, "action": e.action,
                       "object": f"{e.object_type}:{e.object_id}" if e.object_type else None,
                       "outcome": e.outcome, "details": e.details} for e in events]}


@api_route("/audit/verify", "GET", "Check the audit hash chain (admin)", tag="audit",
           responses={200: {"description": "{ok, events} or where the chain breaks"},
                      **error_responses(401, 403)})
def audit_verify():
    require_admin()
    return services.verify_chain()
