"""Pages of the pursuit: logging work on a person, status changes, follow-ups and hits."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from wanted import timeutil
from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.auth.views import attach_errors, safe_next
from wanted.confirm import ask_confirmation, confirmed
from wanted.dates import show_date
from wanted.errors import Conflict, ValidationFailed
from wanted.extensions import db
from wanted.fragments import page_or_card
from wanted.labels import STATUS
from wanted.pursuit import deadlines, services
from wanted.pursuit.forms import (
    ATTEMPT_OUTCOME,
    CHANNEL,
    OUTREACH_OUTCOME,
    TIP_SOURCE,
    TIP_STATUS,
    ActionForm,
    AttemptForm,
    OutreachForm,
    ReassignForm,
    SettleTipForm,
    StatusForm,
    TipForm,
)
from wanted.registry import services as registry
from wanted.registry.models import WantedPerson

bp = Blueprint("pursuit", __name__)

# Each kind of logged work: its form, its service, and the form field holding its time.
LOGS = {
    "outreach": (OutreachForm, services.log_outreach, "contacted_at"),
    "attempt": (AttemptForm, services.log_attempt, "attempted_at"),
    "tip": (TipForm, services.create_tip, "received_at"),
}


@dataclass
class PersonPanel:
    """What the person page shows of the pursuit: the forms the user may open (each fetched
    from its own page when opened), and the timeline."""

    timeline: list[dict]
    log_kinds: tuple[str, ...]
    can_change_status: bool
    can_reassign: bool


@bp.app_context_processor
def pursuit_globals() -> dict:
    """Give templates the pending hits and the pursuit labels."""
    return {"pending_hits": banner_hits, "CHANNEL": CHANNEL,
            "OUTREACH_OUTCOME": OUTREACH_OUTCOME, "ATTEMPT_OUTCOME": ATTEMPT_OUTCOME,
            "TIP_SOURCE": TIP_SOURCE, "TIP_STATUS": TIP_STATUS,
            "now_utc": lambda: timeutil.utcnow(), "hit_due": deadlines.hit_due}


def banner_hits() -> tuple[list, int]:
    """Return the hits the page's banner shows, read once per request.

    Page views call it before they commit, so that the template finds them already read.
    """
    if "pending_hits" not in g:
        g.pending_hits = services.pending_hits(current_user)
    return g.pending_hits


def person_panel(person: WantedPerson, entries: list[dict]) -> PersonPanel:
    """Build the pursuit panel of a person for the current user, around its timeline."""
    can_work = auth.can_work_on(current_user, person.unit_id)
    log_kinds: tuple[str, ...] = tuple(LOGS) if can_work else ()
    if not can_work and current_user.role in ("officer", "supervisor"):
        log_kinds = ("tip",)  # passed on to the owning unit
    can_change_status = (auth.can_close_case(current_user, person.unit_id)
                         and bool(services.allowed_statuses(person)))
    return PersonPanel(shown(entries, closed=person.is_closed), log_kinds, can_change_status,
                       can_reassign=current_user.role == "supervisor" and can_work)


def shown(entries: list[dict], closed: bool = False) -> list[dict]:
    """Add what the page needs to show each entry: seconds where a minute is shared, and
    where each follow-up stands today (local time; no longer due once the case is closed)."""
    minutes = Counter(services.minute_of(e["at"]) for e in entries)
    today = services.local_today()
    for entry in entries:
        entry["shared_minute"] = minutes[services.minute_of(entry["at"])] > 1
        entry["follow_up_state"] = services.follow_up_state(
            entry.get("follow_up_on"), entry.get("follow_up_done", False), today, closed)
    return entries


def new_log_form(kind: str, formdata=None) -> FlaskForm:
    """Return the form of a kind of work, its time set to now (local) when empty."""
    form = LOGS[kind][0](formdata=formdata)
    time_field = getattr(form, LOGS[kind][2])
    if formdata is None:
        time_field.data = datetime.now(services.local_zone()).replace(second=0, microsecond=0,
                                                                      tzinfo=None)
    return form


def reassign_form_for(person: WantedPerson, formdata=None) -> ReassignForm:
    """Offer the officers of the person's unit and the units around it."""
    form = ReassignForm(formdata=formdata)
    units = auth.subtree_ids(current_user.unit_id)
    users = db.session.scalars(select(User).where(
        User.unit_id.in_(units), User.role.in_(("officer", "supervisor")), User.active)
        .order_by(User.username))
    form.officer.choices = [("", "—")] + [(u.username, f"{u.display_name} ({u.username})")
                                          for u in users]
    if formdata is None:
        form.officer.data = person.officer.username if person.officer else ""
    return form


def back_to(person: WantedPerson) -> str:
    """Return the person page's timeline."""
    return url_for("registry.person", person_id=person.id, _anchor="timeline")


@bp.route("/persons/<int:person_id>/log/<kind>", methods=["GET", "POST"])
def log(person_id: int, kind: str):
    if kind not in LOGS:
        return render_template("errors.html", status=404, message=_("Not found.")), 404
    person = registry.get_person(person_id)
    if kind == "tip":
        services.ensure_can_pass_on_tip(current_user, person)
    else:
        registry.ensure_can_work_on(current_user, person, f"{kind}.create")
    form = new_log_form(kind, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            LOGS[kind][1](current_user, person, form.to_data())
        except ValidationFailed as err:
            db.session.rollback()
            attach_errors(form, err)
        else:
            db.session.commit()
            flash(_("Saved to the timeline."), "success")
            return redirect(back_to(person))
    return page_or_card("pursuit/log.html", "pursuit/_log_card.html", form=form, person=person,
                        kind=kind), 422 if form.errors else 200


@bp.route("/persons/<int:person_id>/status", methods=["GET", "POST"])
def status(person_id: int):
    person = registry.get_person(person_id)
    services.ensure_can_close(current_user, person)
    form = StatusForm()
    form.set_choices(services.allowed_statuses(person))
    if form.validate_on_submit():
        if not confirmed():
            return ask_confirmation(*status_confirmation(person, form))
        try:
            services.change_status(current_user, person, form.status.data, form.reason.data,
                                   form.document_number.data or "",
                                   document_date=form.document_date.data)
        except ValidationFailed as err:
            db.session.rollback()
            attach_errors(form, err)
        except Conflict as err:
            if err.code != "stale_version":
                raise
            db.session.rollback()  # the person reads as the other save left them
            flash(err.message, "danger")
            return page_or_card("pursuit/status.html", "pursuit/_status_card.html", form=form,
                                person=person), 409
        else:
            db.session.commit()
            flash(_("Case reopened.") if form.status.data == "wanted" else _("Status changed."),
                  "success")
            return redirect(back_to(person))
    return page_or_card("pursuit/status.html", "pursuit/_status_card.html", form=form,
                        person=person), 422 if form.errors else 200


def status_confirmation(person: WantedPerson, form: StatusForm) -> tuple:
    """Spell out what a status change will do: title, consequences, button, way back."""
    to_status = form.status.data
    back = url_for("registry.person", person_id=person.id)
    if to_status == "wanted":
        return (_("Reopen the case of %(name)s?", name=person.full_name), [
            _("%(name)s becomes wanted again (now: %(status)s).", name=person.full_name,
              status=STATUS[person.status]),
            _("The person returns to the face-matching gallery: field photos can find them "
              "again."),
            _("The reopening and its reason are recorded in your name on the timeline and in "
              "the audit log."),
        ], _("Reopen the case"), back, "warning")
    lines = [_("%(name)s moves from %(from)s to %(to)s.", name=person.full_name,
               to=STATUS[to_status], **{"from": STATUS[person.status]})]
    if person.status == "wanted":
        lines.append(_("The person leaves the face-matching gallery at once: field photos no "
                       "longer find them, and pending hits on them stop alerting."))
    if to_status == "withdrawn":
        lines.append(_("The wanted decision counts as revoked: the printed notice becomes a "
                       "notice of withdrawal."))
    lines.append(_("Recorded with document %(n)s of %(d)s, the reason and your name, on the "
                   "timeline and in the audit log.", n=form.document_number.data,
                   d=show_date(form.document_date.data)))
    lines.append(_("Only a supervisor of the owning unit can reopen the case, with a reason."))
    return (_("Change the status of %(name)s?", name=person.full_name), lines,
            _("Yes, change the status to %(to)s", to=STATUS[to_status]), back)


@bp.route("/persons/<int:person_id>/assign", methods=["GET", "POST"])
def reassign(person_id: int):
    person = registry.get_person(person_id)
    if request.method == "GET":
        services.ensure_can_reassign(current_user, person)
        return page_or_card("pursuit/reassign.html", "pursuit/_reassign_card.html",
                            form=reassign_form_for(person), person=person)
    registry.ensure_can_work_on(current_user, person, "person.update")
    form = reassign_form_for(person, request.form)
    if form.validate():
        registry.update_person(current_user, person,
                               {"assigned_officer": form.officer.data or None}, person.version)
        db.session.commit()
        flash(_("Assigned officer changed."), "success")
    else:
        flash(_("Choose an officer from the list."), "danger")
    return redirect(back_to(person))


@bp.route("/tips/<int:tip_id>/settle", methods=["POST"])
def settle_tip(tip_id: int):
    tip = services.get_tip(tip_id)
    form = SettleTipForm()
    back = (safe_next(request.args.get("next")) if request.args.get("next")
            else back_to(tip.person))
    if form.validate_on_submit():
        if tip.source == "match" and not confirmed():
            services.ensure_can_settle(current_user, tip, form.status.data)
            return ask_confirmation(*hit_settle_confirmation(tip, form.status.data, back))
        services.settle_tip(current_user, tip, form.status.data)
        db.session.commit()
        flash(_("Tip marked: %(status)s.", status=TIP_STATUS[form.status.data]), "success")
    return redirect(back)


def hit_settle_confirmation(tip, status: str, back: str) -> tuple:
    """Spell out what confirming or dismissing a face-match hit does."""
    name = tip.person.full_name
    lines = {
        "verifying": [_("You confirm that you are verifying the hit on %(name)s: go and check "
                        "the place and the person before any arrest.", name=name),
                      _("The hit leaves the banner of every officer of the unit.")],
        "confirmed": [_("You confirm that the person seen is %(name)s.", name=name)],
        "false": [_("You dismiss the hit on %(name)s: it leaves the banner and stays on the "
                    "timeline as false.", name=name)],
    }[status]
    lines.append(_("Recorded in your name on the timeline and in the audit log; the officer "
                   "who raised the hit sees who settled it."))
    title = _("Dismiss the hit?") if status == "false" else _("Confirm the hit?")
    return (title, lines, _("Yes, mark it: %(status)s", status=TIP_STATUS[status]), back,
            "secondary" if status == "false" else "success")


@bp.route("/followups")
def followups():
    today = services.local_today()
    items = services.followups_due(current_user, today)
    return render_template("pursuit/followups.html", items=items, today=today,
                           form=ActionForm())


@bp.route("/followups/<kind>/<int:record_id>/done", methods=["POST"])
def followup_done(kind: str, record_id: int):
    if ActionForm().validate_on_submit():
        services.complete_followup(current_user, kind, record_id)
        db.session.commit()
        flash(_("Follow-up marked done."), "success")
    return redirect(url_for("pursuit.followups"))
