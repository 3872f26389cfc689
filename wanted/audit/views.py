"""The audit log page for admins: filters, pages, the chain check and a CSV export."""

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from wanted.audit import services
from wanted.audit.schemas import OUTCOMES, AuditQuery
from wanted.auth.session import roles_required
from wanted.errors import ValidationFailed
from wanted.extensions import db
from wanted.validation import parse_query

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.app_template_global()
def describe_chain(result: dict) -> str:
    """Say in words what a chain check found."""
    return services.describe(result)


@bp.app_template_global()
def readable_details(details: dict) -> str:
    """Show an event's details as readable text."""
    return services.readable_details(details)


@bp.route("/")
@roles_required("admin")
def index():
    chain = services.verify_chain(full=request.args.get("full") == "1")
    db.session.commit()
    try:
        filters = services.parse_filters(request.args)
    except ValidationFailed as err:
        return render_template("audit/index.html", page=None, chain=chain, errors=err.fields,
                               outcomes=OUTCOMES), 422
    page = services.page_of_events(filters, parse_query(AuditQuery, request.args).page,
                                   services.configured_per_page())
    services.record("audit.read", actor=current_user,
                    details={**filters.as_details(), "page": page.page, "total": page.total})
    db.session.commit()
    return render_template("audit/index.html", page=page, chain=chain, errors={},
                           outcomes=OUTCOMES)


@bp.route("/export.csv")
@roles_required("admin")
def export():
    filters = services.parse_filters(request.args)
    services.record("audit.export", actor=current_user, details=filters.as_details())
    db.session.commit()
    return Response(stream_with_context(services.export_csv(filters)),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=audit.csv"})
