"""Pages of face matching, and the one view that serves stored photos."""

from io import BytesIO

from flask import Blueprint, abort, send_file
from flask_login import current_user

from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.matching.photos import can_see_photo
from wanted.storage import photo_store

bp = Blueprint("matching", __name__)


@bp.route("/photos/<int:photo_id>")
def photo(photo_id: int):
    record = db.get_or_404(Photo, photo_id)
    if not can_see_photo(current_user, record):
        abort(403)
    response = send_file(BytesIO(photo_store().get(record.sha256)), mimetype="image/jpeg",
                         max_age=3600, etag=record.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
