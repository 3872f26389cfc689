"""The audit log in the API, for admins."""

from flask import abort, g, request

from wanted.api.core import api_route
from wanted.api.schemas import error_responses
from wanted.audit import services


def require_admin() -> None:
    """Refuse anyone but an admin with 403."""
    if g.actor.role != "admin":
        abort(403)


@api_route("/audit", "GET", "List audit events (admin)", tag="audit",
           query={"actor": "Username", "action": "Action name", "object": "type or type:id",
                  "outcome": "ok | denied | failed | rate_limited",
                  "from": "YYYY-MM-DD (local day)", "to": "YYYY-MM-DD (local day, included)",
                  "page": "Page number", "per_page": "Events per page (at most 200)"},
           responses={200: {"description": "{items, total, page, per_page}, newest first"},
                      **error_responses(401, 403, 422)})
def audit_events():
    require_admin()
    filters = services.parse_filters(request.args)
    page = services.page_of_events(filters, request.args.get("page", 1, type=int),
                                   request.args.get("per_page", services.configured_per_page(),
                                                    type=int))
    return {"items": [services.event_json(e) for e in page.items], "total": page.total,
            "page": page.page, "per_page": page.per_page}


@api_route("/audit/verify", "GET", "Check the audit chain and its anchors (admin)", tag="audit",
           query={"full": "1: from the first event, not from the last verified point"},
           responses={200: {"description": "{ok, events, ...} or where the chain breaks"},
                      **error_responses(401, 403)})
def audit_verify():
    require_admin()
    result = services.verify_chain(full=request.args.get("full") == "1")
    return {**result, "message": services.describe(result)}
