"""Intranet pages of the public side: publishing notices and the queue of citizen tips."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from wanted import timeutil
from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.session import roles_required
from wanted.auth.views import attach_errors
from wanted.errors import ServiceError, ValidationFailed
from wanted.extensions import db
from wanted.matching.services import person_photos
from wanted.matching.views import jpeg_response
from wanted.public import services
from wanted.public.forms import CloseTipForm, PublishForm, TipSearchForm, WithdrawForm
from wanted.registry import services as registry
from wanted.registry.models import WantedPerson
from wanted.storage import photo_store
from wanted.validation import DIGITS

bp = Blueprint("publication", __name__)


@dataclass
class NoticePanel:
    """What the person page shows of the public notice."""

    notice: services.LiveNotice | None
    publish_form: PublishForm | None
    withdraw_form: WithdrawForm | None


@bp.app_context_processor
def publication_globals() -> dict:
    """Give templates the count of open citizen tips."""
    return {"open_tip_count": lambda: services.open_tip_count(
        current_user) if current_user.role in ("officer", "supervisor") else 0}


def notice_panel(person: WantedPerson, timeline_rows: list, photos: list) -> NoticePanel:
    """Build the notice panel of a person for the current user from the timeline's rows."""
    notice = services.live_notice(timeline_rows)
    if not auth.can_close_case(current_user, person.unit_id) or person.status != "wanted":
        return NoticePanel(notice, None, None)
    form = publish_form(person, formdata=None, photos=photos)
    if notice is not None:
        form.photo_id.data = str(notice.photo_id or "")
        form.area.data, form.contact.data = notice.area, notice.contact
    return NoticePanel(notice, form, WithdrawForm(formdata=None) if notice else None)


def publish_form(person: WantedPerson, formdata=None, photos: list | None = None) -> PublishForm:
    """Offer the person's registry photos, and suggest the district-level address."""
    form = PublishForm(formdata=formdata)
    photos = person_photos(person.id) if photos is None else photos
    form.photo_id.choices = [("", _("No photo"))] + [
        (str(p.id), _("Photo #%(id)d", id=p.id)) for p in photos]
    if formdata is None:
        form.photo_id.data = str(photos[0].id) if photos else ""
        form.area.data = services.suggested_area(person)
        form.contact.data = services.unit_contact(person)
    return form


def back_to(person: WantedPerson) -> str:
    return url_for("registry.person", person_id=person.id, _anchor="public-notice")


@bp.route("/persons/<int:person_id>/publication", methods=["POST"])
def publication(person_id: int):
    person = registry.get_person(person_id)
    services.ensure_can_publish(current_user, person, "notice.publish")
    if request.form.get("action") == "withdraw":
        form = WithdrawForm()
        if form.validate_on_submit():
            services.withdraw(current_user, person, form.reason.data or "")
            db.session.commit()
            flash(_("The public notice was withdrawn."), "success")
        else:
            form.flash_errors()
        return redirect(back_to(person))
    form = publish_form(person, request.form)
    if form.validate_on_submit():
        photo = form.photo_id.data
        try:
            services.publish(current_user, person, {
                # Plain digits become an id; anything else goes on for the schema to refuse.
                "photo_id": int(photo) if DIGITS.fullmatch(photo or "") else photo or None,
                "area": form.area.data, "contact": form.contact.data})
        except ServiceError as err:
            db.session.rollback()
            flash(err.message + " " + "; ".join(err.fields.values()), "danger")
        else:
            db.session.commit()
            flash(_("The notice is published on the public portal."), "success")
    else:
        form.flash_errors()
    return redirect(back_to(person))


@bp.route("/tips/queue")
@roles_required("officer", "supervisor")
def queue():
    closed = request.args.get("closed") == "1"
    return render_template("public/queue.html", tips=services.tip_queue(current_user, closed),
                           closed=closed, now=timeutil.utcnow(), triage=services.triage_unit())


@bp.route("/tips/citizen/<int:tip_id>")
@roles_required("officer", "supervisor")
def tip(tip_id: int):
    found = services.view_citizen_tip(current_user, tip_id)
    db.session.commit()
    return render_template("public/tip_detail.html", tip=found, now=timeutil.utcnow(),
                           close_form=CloseTipForm(formdata=None),
                           search_form=TipSearchForm(formdata=None))


@bp.route("/tips/citizen/<int:tip_id>/photo.jpg")
@roles_required("officer", "supervisor")
def tip_photo(tip_id: int):
    found = services.get_citizen_tip(current_user, tip_id)
    if found.photo is None:
        abort(404)
    audit.record("photo.read", object_type="photo", object_id=found.photo.id,
                 details={"kind": found.photo.kind, "citizen_tip_id": found.id})
    db.session.commit()
    return jpeg_response(photo_store().get(found.photo.sha256), f"tip-{found.id}-photo")


@bp.route("/tips/citizen/<int:tip_id>/take", methods=["POST"])
@roles_required("officer", "supervisor")
def take(tip_id: int):
    found = services.get_citizen_tip(current_user, tip_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.take_tip(current_user, found)
    db.session.commit()
    flash(_("You are handling this tip."), "success")
    return redirect(url_for("publication.tip", tip_id=tip_id))


@bp.route("/tips/citizen/<int:tip_id>/close", methods=["POST"])
@roles_required("officer", "supervisor")
def close(tip_id: int):
    found = services.get_citizen_tip(current_user, tip_id)
    services.ensure_open(found)  # the close form is gone from a closed tip's page
    form = CloseTipForm()
    if form.validate_on_submit():
        try:
            services.close_tip(current_user, found, form.outcome.data)
        except ValidationFailed as err:
            db.session.rollback()
            attach_errors(form, err)
        else:
            db.session.commit()
            flash(_("The tip is closed."), "success")
            return redirect(url_for("publication.queue"))
    return render_template("public/tip_detail.html", tip=found, now=timeutil.utcnow(),
                           close_form=form, search_form=TipSearchForm(formdata=None)), 422


@bp.route("/tips/citizen/<int:tip_id>/search", methods=["POST"])
@roles_required("officer", "supervisor")
def search(tip_id: int):
    found = services.get_citizen_tip(current_user, tip_id)
    form = TipSearchForm()
    if form.validate_on_submit():
        try:
            started = services.search_from_tip(current_user, found, form.purpose.data,
                                               form.case_ref.data)
        except ValidationFailed as err:
            db.session.rollback()
            attach_errors(form, err)
        else:
            db.session.commit()
            return redirect(url_for("matching.search", search_id=started.id))
    return render_template("public/tip_detail.html", tip=found, now=timeutil.utcnow(),
                           close_form=CloseTipForm(formdata=None), search_form=form), 422
