"""The audit log in the API, for admins."""

from flask import abort, g, request

from wanted.api.core import api_route
from wanted.api.schemas import error_responses
from wanted.audit import services
from wanted.audit.schemas import AuditQuery, VerifyQuery
from wanted.validation import parse_query


def require_admin() -> None:
    """Refuse anyone but an admin with 403."""
    if g.actor.role != "admin":
        abort(403)


@api_route("/audit", "GET", "List audit events (admin)", tag="audit",
           query=AuditQuery,
           responses={200: {"description": "{items, total, page, per_page}, newest first"},
                      **error_responses(401, 403, 422)})
def audit_events():
    require_admin()
    filters = services.parse_filters(request.args)
    paging = parse_query(AuditQuery, request.args)
    page = services.page_of_events(filters, paging.page,
                                   paging.per_page or services.configured_per_page())
    services.record("audit.read", details={**filters.as_details(), "page": page.page,
                                           "total": page.total})
    return {"items": [services.event_json(e) for e in page.items], "total": page.total,
            "page": page.page, "per_page": page.per_page}


@api_route("/audit/verify", "GET", "Check the audit chain and its anchors (admin)", tag="audit",
           query=VerifyQuery,
           responses={200: {"description": "{ok, events, ...} or where the chain breaks"},
                      **error_responses(401, 403)})
def audit_verify():
    require_admin()
    result = services.verify_chain(full=parse_query(VerifyQuery, request.args).full == "1")
    return {**result, "message": services.describe(result)}
