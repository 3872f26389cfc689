"""The portal's pages: the searchable list, a notice, the tip form and tip status."""

from io import BytesIO
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from wanted.errors import ValidationFailed
from wanted.extensions import db
from wanted.matching.services import PhotoRejected
from wanted.public import abuse, services
from wanted.public.forms import TipForm
from wanted.public.schemas import NoticeQuery
from wanted.validation import parse_query

bp = Blueprint("portal", __name__)
LANG_COOKIE = "wanted_public_lang"


def portal_locale() -> str:
    """Return the visitor's language from a cookie (the portal keeps no session)."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/language/<code>")
def set_language(code: str):
    target = request.args.get("next") or ""
    if urlsplit(target).netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("portal.index")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True)
    return response


def _search_args() -> tuple[dict, dict]:
    """Read the list's filters; a filter the schema refuses is ignored and named."""
    args = {name: value for name, value in request.args.items()
            if name in NoticeQuery.model_fields}
    try:
        query, errors = parse_query(NoticeQuery, args), {}
    except ValidationFailed as err:
        errors = err.fields
        query = parse_query(NoticeQuery, {k: v for k, v in args.items() if k not in errors})
    return {"q": query.q, "area": query.area, "birth_year": query.year,
            "page": query.page}, errors


@bp.route("/")
def index():
    filters, errors = _search_args()
    page = services.published_page(**filters, per_page=current_app.config["PUBLIC_PER_PAGE"])
    return render_template("public/index.html", page=page, filters=filters, errors=errors)


@bp.route("/notices/<int:person_id>")
def notice(person_id: int):
    card = services.public_card(services.published_notice(person_id))
    return render_template("public/notice.html", card=card)


@bp.route("/notices/<int:person_id>/photo.jpg")
def photo(person_id: int):
    response = send_file(BytesIO(services.notice_photo(person_id)), mimetype="image/jpeg",
                         max_age=300)
    return response


@bp.route("/tip", methods=["GET", "POST"])
def tip():
    form = TipForm()
    about = _about(request.values.get("person_id") or request.args.get("person"))
    if request.method == "GET" and about:
        form.person_id.data = str(about["person_id"])
    status, refusal = 200, None
    if request.method == "POST":
        status, refusal = _refusal(form)
        if refusal is None and form.validate():
            try:
                tip = services.submit_tip(_tip_data(form), _photo_bytes(form))
            except PhotoRejected as err:
                db.session.rollback()
                form.photo.errors = [err.message]
                status = err.status
            except ValidationFailed as err:
                db.session.rollback()
                _attach(form, err)
                status = 422
            else:
                db.session.commit()
                return render_template("public/receipt.html",
                                       code=services.format_receipt(tip.receipt_code)), 201
        elif refusal is None:
            status = 422
    question, form.challenge.data = abuse.new_challenge()
    form.answer.data = ""
    return render_template("public/tip.html", form=form, about=about, question=question,
                           refusal=refusal), status


def _about(person_id: str | None) -> dict | None:
    """Return the card of the published person a tip is about, if any."""
    notice = services.notice_for(person_id)
    return services.public_card(notice) if notice else None


def _refusal(form: TipForm) -> tuple[int, str | None]:
    """Apply the rate limit, the honeypot and the question; return the status and why refused.

    The reason is None when the tip may go on, and empty when the form itself says what is wrong.
    """
    if not abuse.allow("tip", request.remote_addr or ""):
        return 429, _("Too many tips from your connection. Please wait an hour and try again, "
                      "or call the police.")
    if getattr(form, abuse.HONEYPOT_FIELD).data:
        return 400, _("The tip was refused. Leave the field marked 'Leave this field empty' "
                      "empty.")
    if not abuse.check_answer(form.challenge.data, form.answer.data):
        form.answer.errors = [_("Wrong or expired answer. Answer the new question.")]
        return 422, ""
    return 200, None


def _tip_data(form: TipForm) -> dict:
    return {"person_id": form.person_id.data, "text": form.text.data,
            "seen_place": form.seen_place.data, "seen_at": form.seen_at.data,
            "contact": form.contact.data}


def _photo_bytes(form: TipForm) -> bytes | None:
    upload = form.photo.data
    if upload is None or not getattr(upload, "filename", None):
        return None
    return upload.read()


def _attach(form: TipForm, err: ValidationFailed) -> None:
    for name, message in err.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) \
                else [message]


@bp.route("/status")
def status():
    code = (request.args.get("code") or "").strip()[:40]
    found, limited = None, False
    if code:
        limited = not abuse.allow("status", request.remote_addr or "")
        found = None if limited else services.receipt_status(code)
    answer = render_template("public/status.html", code=code, found=found, limited=limited)
    return answer, 429 if limited else 404 if code and found is None else 200
