"""Pages of face matching, and the one view that serves stored photos."""

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from wanted.audit import services as audit
from wanted.confirm import ask_confirmation, confirmed
from wanted.errors import Conflict, ValidationFailed
from wanted.extensions import db
from wanted.matching import scoring, services, tasks
from wanted.matching.forms import ConfirmPhotoForm, PhotoForm, ReviewForm, SearchForm
from wanted.matching.imaging import crop_jpeg
from wanted.matching.models import Photo
from wanted.matching.photos import can_see_photo
from wanted.registry import services as registry
from wanted.storage import photo_store

bp = Blueprint("matching", __name__)
# A pending registry photo waits this long for the officer's confirmation.
CONFIRM_MAX_AGE = 3600


def jpeg_response(data: bytes, name: str):
    """Send JPEG bytes shown inline under a neutral file name; never stored by a cache."""
    return send_file(BytesIO(data), mimetype="image/jpeg", download_name=f"{name}.jpg",
                     as_attachment=False, etag=False, last_modified=None, max_age=0)


@bp.route("/photos/<int:photo_id>")
def photo(photo_id: int):
    record = db.get_or_404(Photo, photo_id)
    allowed = can_see_photo(current_user, record)
    audit.record("photo.read", object_type="photo", object_id=record.id,
                 outcome="ok" if allowed else "denied",
                 details={"kind": record.kind, "person_id": record.person_id})
    db.session.commit()
    if not allowed:
        abort(403)
    return jpeg_response(photo_store().get(record.sha256), f"photo-{record.id}")


@bp.route("/matches")
def searches():
    return render_template("matching/searches.html",
                           searches=services.visible_searches(current_user))


@bp.route("/matches/new", methods=["GET", "POST"])
def new_search():
    form = SearchForm()
    if form.validate_on_submit():
        try:
            search = tasks.submit(current_user, form.photo.data.read(), form.purpose.data,
                                  form.case_ref.data)
        except services.PhotoRejected as err:
            db.session.rollback()
            form.photo.errors = [err.message]
            return render_template("matching/new.html", form=form,
                                   gallery_empty=services.gallery_is_empty()), err.status
        db.session.commit()
        return redirect(url_for("matching.search", search_id=search.id))
    return render_template("matching/new.html", form=form,
                           gallery_empty=services.gallery_is_empty()), 422 if form.errors else 200


@bp.route("/matches/<int:search_id>")
def search(search_id: int):
    found = services.view_search(current_user, search_id,
                                 waiting=request.args.get("waiting") == "1")
    db.session.commit()
    return render_template("matching/search.html", search=found, review_form=ReviewForm(),
                           persons_photos=services.primary_photos_of(found),
                           stranger_odds=scoring.stranger_odds(found.thresholds))


@bp.route("/matches/<int:search_id>/faces/<int:index>.jpg")
def face_crop(search_id: int, index: int):
    found = services.get_search(current_user, search_id)
    face = next((f for f in found.faces if f.index == index), None)
    if face is None or found.photo is None:  # no photo: removed under the retention rule
        abort(404)
    data = crop_jpeg(photo_store().get(found.photo.sha256), tuple(face.box))
    audit.record("photo.read", object_type="photo", object_id=found.photo.id,
                 details={"kind": found.photo.kind, "search_id": search_id, "face": index})
    db.session.commit()
    return jpeg_response(data, f"search-{search_id}-face-{index}")


@bp.route("/matches/<int:search_id>/reviews", methods=["POST"])
def review(search_id: int):
    found = services.get_search(current_user, search_id)
    form = ReviewForm()
    back = url_for("matching.search", search_id=search_id)
    if not form.validate_on_submit():
        form.flash_errors()
        return redirect(back + f"#face-{form.face.data or 0}")
    if form.decision.data == "candidate" and not confirmed():
        candidate = services.find_candidate(found, form.face.data, form.person_id.data)
        if candidate is not None:
            return ask_confirmation(*hit_confirmation(candidate, back))
    try:
        services.review_candidate(current_user, found, form.face.data, form.person_id.data,
                                  form.decision.data, form.note.data or "")
    except ValidationFailed as err:
        db.session.rollback()
        flash(" ".join(err.fields.values()) or err.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(_("Hit raised: the owning unit must confirm it.") if form.decision.data == "candidate"
          else _("Review recorded."), "success")
    return redirect(back + f"#face-{form.face.data}")


def hit_confirmation(candidate, back: str) -> tuple:
    """Spell out what raising a hit does: title, consequences, button, way back."""
    person = candidate.person
    return (_("Raise a hit on %(name)s?", name=person.full_name), [
        _("%(unit)s, the owning unit, is alerted at once: every officer there sees the hit.",
          unit=person.unit.name),
        _("A face match is a lead, not an identification: another officer or a supervisor of "
          "that unit must verify it, then confirm or dismiss it. You cannot do so yourself."),
        _("The hit goes on the person's timeline and into the audit log, in your name."),
    ], _("Yes, raise the hit"), back, "warning")


def confirm_serializer() -> URLSafeTimedSerializer:
    """Sign pending uploads so a confirmation can only name a photo this flow checked."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registry-photo")


@bp.route("/persons/<int:person_id>/photos/new", methods=["GET", "POST"])
def add_photo(person_id: int):
    person = registry.get_person(person_id)
    registry.ensure_can_work_on(current_user, person, "photo.add")
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            check = services.check_registry_photo(current_user, person, form.photo.data.read())
        except (services.PhotoRejected, services.DuplicateCheckUnavailable) as err:
            form.photo.errors = [err.message]
            return render_template("matching/add_photo.html", form=form, person=person), \
                err.status
        pending = services.stage_for_confirmation(check, person)
        confirm = ConfirmPhotoForm(upload=confirm_serializer().dumps(pending))
        preview = preview_serializer().dumps({"person": person.id, "staged": pending["staged"]})
        return render_template("matching/confirm_photo.html", form=confirm, person=person,
                               check=check, duplicates=services.duplicate_persons(check),
                               preview=preview)
    return render_template("matching/add_photo.html", form=form, person=person), (
        422 if form.errors else 200)


def preview_serializer() -> URLSafeTimedSerializer:
    """Sign the staging name of an upload so only its uploader's page can show it."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registry-photo-preview")


@bp.route("/persons/<int:person_id>/photos/preview/<token>.jpg")
def preview_photo(person_id: int, token: str):
    person = registry.get_person(person_id)
    registry.ensure_can_work_on(current_user, person, "photo.add")
    try:
        pending = preview_serializer().loads(token, max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        abort(404)
    if not isinstance(pending, dict) or pending.get("person") != person.id:
        abort(404)
    data = photo_store().staged(str(pending.get("staged", "")))
    if data is None:
        abort(404)
    return jpeg_response(data, f"person-{person.id}-new-photo")


@bp.route("/persons/<int:person_id>/photos/<int:photo_id>/delete", methods=["POST"])
def delete_photo(person_id: int, photo_id: int):
    services.delete_registry_photo(current_user, registry.get_person(person_id), photo_id)
    db.session.commit()
    flash(_("Photo removed."), "success")
    return redirect(url_for("registry.person", person_id=person_id))


@bp.route("/persons/<int:person_id>/photos/confirm", methods=["POST"])
def confirm_photo(person_id: int):
    person = registry.get_person(person_id)
    form = ConfirmPhotoForm()
    try:
        pending = confirm_serializer().loads(form.upload.data or "", max_age=CONFIRM_MAX_AGE)
    except BadSignature:
        abort(400)
    if not isinstance(pending, dict) or pending.get("person") != person.id \
            or "staged" not in pending or not form.validate_on_submit():
        abort(400)
    try:
        check = services.confirmed_check(current_user, person, pending)
        services.save_registry_photo(current_user, person, check)
        db.session.commit()
    except Conflict as err:
        db.session.rollback()
        flash(err.message, "warning")
        return redirect(url_for("registry.person", person_id=person.id))
    flash(_("Photo added with %(n)d face(s).", n=len(check.faces)), "success")
    return redirect(url_for("registry.person", person_id=person.id))
