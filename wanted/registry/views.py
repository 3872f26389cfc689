"""Registry pages: the searchable list, a person's page, and the person form."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from wanted import timeutil
from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.auth.views import attach_errors, unit_choices
from wanted.errors import NotFound, ServiceError, StaleVersion, ValidationFailed
from wanted.extensions import commit_for_reading, db
from wanted.fragments import page_or_card
from wanted.labels import CHARGE_CATEGORY, DANGER_CLASS, STATUS
from wanted.matching.photos import primary_photo_id
from wanted.matching.services import with_photos
from wanted.public.views import notice_panel
from wanted.pursuit import services as pursuit
from wanted.pursuit.views import banner_hits, person_panel
from wanted.registry import services, validation
from wanted.registry.forms import PersonForm, ValidateForm

bp = Blueprint("registry", __name__)

# Service field names that a form shows under another name.
FORM_FIELD = {"decision.number": "decision_number", "decision.date": "decision_date",
              "decision.agency": "decision_agency", "decision.issued_by": "decision_issued_by"}


@bp.app_context_processor
def validation_globals() -> dict:
    """Give templates the user's overdue validations."""
    return {"my_overdue_validations": my_overdue}


def validation_state(person, entries: list[dict]) -> dict:
    """Return a person's last validation, when the next is due, and whether the user may
    validate it (the form is fetched from its own page when opened)."""
    last = validation.last_of(entries)
    due = validation.due_after(person, last["at"] if last else None)
    can = person.status == "wanted" and auth.can_work_on(current_user, person.unit_id)
    return {"last": last, "due": due,
            "overdue": person.status == "wanted" and due < timeutil.utcnow(), "can": can}


def my_overdue() -> list[validation.OverdueRecord]:
    """List the overdue validations the signed-in user should see on the home page.

    Read once per request: the home page's view reads it before it commits.
    """
    if "my_overdue" in g:
        return g.my_overdue
    g.my_overdue = []
    if current_user.role in ("officer", "supervisor"):
        officer = current_user.id if current_user.role == "officer" else None
        g.my_overdue = validation.overdue_list(
            auth.subtree_ids(current_user.unit_id), timeutil.utcnow(), officer_id=officer,
            limit=10)
    return g.my_overdue


@bp.route("/persons/<int:person_id>/validate", methods=["GET", "POST"])
def validate(person_id: int):
    person = services.get_person(person_id)
    form = ValidateForm()
    if request.method == "GET":
        validation.ensure_can_validate(current_user, person)
        return page_or_card("registry/validate.html", "registry/_validate_card.html", form=form,
                            person=person)
    if form.validate_on_submit():
        validation.validate_record(current_user, person, form.note.data or "")
        db.session.commit()
        flash(_("Record validated."), "success")
    else:
        form.flash_errors()
    return redirect(url_for("registry.person", person_id=person.id, _anchor="validation"))


@bp.route("/")
def index():
    errors: dict[str, str] = {}
    try:
        filters = services.parse_filters(request.args, current_app.config["PER_PAGE"])
        page = services.search_listing(current_user, filters, primary_photo_id())
    except (ValidationFailed, NotFound) as err:  # NotFound: an unknown unit code
        db.session.rollback()
        errors, page = err.fields or {"unit": err.message}, None
        filters = services.SearchFilters(**{  # the officer's input, kept as typed
            name: (request.args.get(name) or "")[:200]
            for name in ("q", "status", "unit", "charge_category", "danger_class", "born_from",
                         "born_to", "sort")})
    units = unit_choices()
    my_overdue()
    banner_hits()
    commit_for_reading()  # everything the page shows is read: the template queries nothing
    return render_template("registry/index.html", page=page, filters=filters, errors=errors,
                           units=units, categories=translated_labels(CHARGE_CATEGORY),
                           danger_classes=translated_labels(DANGER_CLASS),
                           statuses=translated_labels(STATUS),
                           person_url=UrlOf("registry.person", "person_id"),
                           photo_url=UrlOf("matching.photo", "photo_id")), (
        422 if errors else 200)


class UrlOf:
    """The URLs of an endpoint whose one varying argument is an id, built once for a page.

    A list links each row; Flask builds each URL through the URL map, which took about a
    twentieth of a search page's time in a profile.
    """

    MARK = 918273645  # an id no row has, cut out of the URL built once

    def __init__(self, endpoint: str, argument: str) -> None:
        self.head, self.tail = url_for(endpoint, **{argument: self.MARK}).split(str(self.MARK))

    def __call__(self, value: int) -> str:
        """Return the URL for this id."""
        return f"{self.head}{value:d}{self.tail}"


def translated_labels(labels: dict) -> dict[str, str]:
    """Translate a label table of `wanted.labels` once per locale and process.

    A search page shows three tables; each lazy label found its catalogue through Flask-Babel's
    proxies on every page. The catalogues do not change while the process runs.
    """
    key = (id(labels), str(get_locale()))  # the tables are module constants
    if key not in _TRANSLATED:
        _TRANSLATED[key] = {code: str(label) for code, label in labels.items()}
    return _TRANSLATED[key]


_TRANSLATED: dict[tuple[int, str], dict[str, str]] = {}


@bp.route("/persons/<int:person_id>")
def person(person_id: int):
    person = services.view_person(current_user, person_id, with_photos())
    photos = person.registry_photos
    rows = pursuit.timeline_rows(person.id)
    entries = pursuit.timeline(person, rows)
    page = {"photos": photos, "panel": person_panel(person, entries),
            "np": notice_panel(person, rows, photos), "vs": validation_state(person, entries),
            "can_edit": auth.can_work_on(current_user, person.unit_id),
            "can_close": auth.can_close_case(current_user, person.unit_id)}
    banner_hits()
    commit_for_reading()  # everything the page shows is read: the template queries nothing
    return render_template("registry/person.html", person=person, **page)


@bp.route("/persons/new", methods=["GET", "POST"])
def create():
    form = person_form()
    if request.method == "GET":
        form.unit.data = current_user.unit.code
    if form.validate_on_submit():
        try:
            person = services.create_person(current_user, form.to_data(), complete=True)
        except ValidationFailed as err:
            db.session.rollback()
            attach_form_errors(form, err)
        else:
            db.session.commit()
            flash(_("Person added to the registry."), "success")
            return redirect(url_for("registry.person", person_id=person.id))
    return render_template("registry/form.html", form=form, person=None), (
        422 if form.errors else 200)


@bp.route("/persons/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    person = services.get_person(person_id)
    services.ensure_can_work_on(current_user, person, "person.update")
    form = person_form()
    conflict = None
    if request.method == "GET":
        form.fill(services.person_snapshot(person))
    elif form.validate_on_submit():
        try:
            services.update_person(current_user, person, form.to_data(),
                                   int(form.version.data or 0), complete=True)
        except StaleVersion:
            db.session.rollback()
            conflict = edit_conflict(form, person)
        except ValidationFailed as err:
            db.session.rollback()
            attach_form_errors(form, err)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("registry.person", person_id=person.id))
    for message in form.version.errors:  # a hidden field: say it above the form
        flash(message, "danger")
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("registry/form.html", form=form, person=person,
                           conflict=conflict), status


def edit_conflict(form: PersonForm, person) -> list[tuple[str, object, object]]:
    """List fields where the officer's values differ from the newer saved record."""
    current = services.person_snapshot(services.get_person(person.id))
    mine = form.to_data()
    rows = []
    for key, value in mine.items():
        if key not in current:
            continue
        saved = current[key]
        if (value or None) != (saved or None):
            label = getattr(form, key).label.text if hasattr(form, key) else key
            rows.append((label, saved, value))
    # Resubmitting now applies the officer's values over the newer version, knowingly.
    form.version.data = current["version"]
    return rows


def person_form() -> PersonForm:
    """Build the person form with the choices of this installation."""
    form = PersonForm()
    form.unit.choices = unit_choices()
    form.charges.choices = [(c.article, str(c)) for group in
                            services.charges_by_category().values() for c in group]
    if current_user.role != "supervisor":
        del form.assigned_officer  # officers do not reassign; supervisors do
        return form
    officers = db.session.scalars(select(User).where(User.role != "admin", User.active)
                                  .order_by(User.username))
    form.assigned_officer.choices = [("", "—")] + [(u.username, f"{u.display_name} ({u.username})")
                                                   for u in officers]
    return form


def attach_form_errors(form: PersonForm, err: ServiceError) -> None:
    """Show service field errors on the form, mapping nested names to form fields."""
    mapped = ServiceError(err.message, {FORM_FIELD.get(k, k): v for k, v in err.fields.items()})
    attach_errors(form, mapped)
    if mapped.fields and not any(hasattr(form, name) for name in mapped.fields):
        flash(err.message, "danger")
