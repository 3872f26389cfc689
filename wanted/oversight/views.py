"""Pages of oversight: the dashboard, campaigns, exports and the printable wanted notice."""

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user

from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.session import roles_required
from wanted.auth.views import attach_errors
from wanted.errors import ValidationFailed
from wanted.extensions import commit_for_reading, db
from wanted.oversight import exports, services
from wanted.oversight.forms import CampaignForm
from wanted.pursuit import services as pursuit
from wanted.pursuit.views import banner_hits
from wanted.registry import services as registry

bp = Blueprint("oversight", __name__)


@bp.app_template_filter("from_iso")
def from_iso(value: str) -> datetime:
    """Read a stored UTC time back from the ISO text the figures carry ("…Z")."""
    return datetime.fromisoformat(value.removesuffix("Z"))


def dashboard_figures() -> tuple[dict, dict]:
    """Read the dashboard's filters from the query and compute its figures."""
    try:
        unit, period, campaign = services.parse_stats_args(current_user, request.args)
    except ValidationFailed as err:
        db.session.rollback()
        flash(err.message + " " + "; ".join(err.fields.values()), "danger")
        unit, period, campaign = current_user.unit, services.Period(), None
    stats = services.unit_stats(unit, period, campaign)
    return stats, {"unit": unit, "period": period, "campaign": campaign}


@bp.route("/dashboard")
def dashboard():
    stats, chosen = dashboard_figures()
    audit.record("stats.view", object_type="unit", object_id=stats["unit"])
    units, campaigns = visible_units(), services.campaign_choices()
    banner_hits()
    commit_for_reading()  # everything the page shows is read: the template queries nothing
    return render_template("oversight/dashboard.html", stats=stats, **chosen, units=units,
                           campaigns=campaigns)


def visible_units() -> list[tuple[str, str]]:
    """List the units the current user may see figures of, indented by depth."""
    scope = None if current_user.role == "admin" else auth.subtree_ids(current_user.unit_id)
    return [(code, auth.unit_label(name, depth))
            for unit_id, code, name, depth in auth.unit_tree().outline
            if scope is None or unit_id in scope]


@bp.route("/dashboard/<table>.<fmt>")
def dashboard_export(table: str, fmt: str):
    stats, _chosen = dashboard_figures()
    tables = exports.dashboard_tables(stats)
    if table not in tables or fmt not in exports.FORMATS:
        abort(404)
    audit.record("export.dashboard", object_type="unit", object_id=stats["unit"],
                 details={"table": table, "format": fmt, "rows": len(tables[table].rows)})
    db.session.commit()
    return download(tables[table], fmt,
                    f"thong-ke-{table}-{stats['unit']}-{pursuit.local_today().isoformat()}")


@bp.route("/registry/export.<fmt>")
def registry_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    filters = registry.parse_filters(request.args, current_app.config["PER_PAGE"])
    try:
        export = exports.registry_export(current_user, filters,
                                         current_app.config["EXPORT_MAX_ROWS"])
    except exports.TooManyRows as err:
        db.session.rollback()
        flash(_("%(count)s persons match these filters, more than the %(limit)s one export may "
                "hold. Narrow the filters (status, unit, charge, class, year of birth or name) "
                "and export again.", count=format_number(err.count),
                limit=format_number(err.limit)), "danger")
        return redirect(url_for("registry.index", **request.args.to_dict()))
    db.session.commit()
    name = "-".join(["danh-sach-truy-na", filters.status or "", filters.unit or "",
                     pursuit.local_today().isoformat()]).replace("--", "-").replace("--", "-")
    rows = exports.registry_rows(export.ids)
    if fmt == "csv":
        return Response(stream_with_context(exports.csv_chunks(export.header, rows)),
                        mimetype=exports.FORMATS[fmt], headers=attachment(f"{name}.csv"))
    return send_file(exports.xlsx_file(export.title, export.header, rows),
                     mimetype=exports.FORMATS[fmt], as_attachment=True,
                     download_name=f"{name}.xlsx")


def attachment(filename: str) -> dict[str, str]:
    """Return the header that makes the browser save the response as a file."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def download(table: exports.Table, fmt: str, name: str) -> Response:
    """Answer with the table as a file to save."""
    return Response(exports.render(table, fmt), mimetype=exports.FORMATS[fmt],
                    headers=attachment(f"{name}.{fmt}"))


@bp.route("/campaigns")
def campaigns():
    rows = [(c, services.campaign_progress(c)) for c in services.list_campaigns()]
    return render_template("oversight/campaigns.html", rows=rows)


@bp.route("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    found = services.get_campaign(campaign_id)
    return render_template("oversight/campaign.html", campaign=found,
                           progress=services.campaign_progress(found))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required("supervisor")
def new_campaign():
    form = CampaignForm()
    units = [(u, depth) for u, depth in auth.units_in_tree_order()
             if auth.in_scope(current_user, u.id)]
    if request.method == "GET":
        for unit, _depth in units:
            form.targets.append_entry({"unit": unit.code})
    if form.validate_on_submit():
        try:
            created = services.create_campaign(current_user, form.to_data())
        except ValidationFailed as err:
            db.session.rollback()
            attach_errors(form, err)
        else:
            db.session.commit()
            flash(_("Campaign created."), "success")
            return redirect(url_for("oversight.campaign", campaign_id=created.id))
    names = {unit.code: auth.unit_label(unit.name, depth) for unit, depth in units}
    return render_template("oversight/campaign_form.html", form=form, unit_names=names), (
        422 if form.errors else 200)


@bp.route("/persons/<int:person_id>/notice")
def notice(person_id: int):
    person = registry.view_person(current_user, person_id)
    audit.record("person.notice", object_type="person", object_id=person.id)
    db.session.commit()
    return render_template("oversight/notice.html", person=person,
                           closure=pursuit.last_change(person), issued_on=pursuit.local_today(),
                           notice_number=f"{person.id}/TB-{person.unit.code}")
