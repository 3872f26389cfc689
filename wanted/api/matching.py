"""Face matching in the API: searches, reviews and registry photos."""

from flask import g, request
from flask_babel import gettext as _

from wanted.api.core import api_route, json_body
from wanted.api.schemas import error_responses, ref
from wanted.errors import ValidationFailed
from wanted.extensions import db
from wanted.matching import services, tasks
from wanted.matching.schemas import PhotoUpload, ReviewInput, SearchRequest
from wanted.registry import services as registry
from wanted.validation import parse


def uploaded_photo() -> bytes:
    """Return the bytes of the multipart field `photo`, or raise 422 naming it."""
    upload = request.files.get("photo")
    if upload is None:
        raise ValidationFailed(_("Send the photo as the multipart field 'photo'."),
                               {"photo": _("Choose a photo.")})
    return upload.read()


@api_route("/matches", "POST", "Search a field photo against the registry faces", tag="matching",
           body=SearchRequest, body_type="multipart/form-data", files=("photo",),
           responses={201: {"description": "The search; status 'pending' while a worker runs it",
                            "schema": ref("MatchSearch")},
                      **error_responses(400, 401, 403, 413, 415, 422, 429, 503)})
def create_match():
    search = tasks.submit(g.actor, uploaded_photo(), request.form.get("purpose"),
                          request.form.get("case_ref"))
    db.session.commit()
    return services.search_as_json(search), 201


@api_route("/matches/<int:search_id>", "GET", "Read a search with its candidates and reviews",
           tag="matching", responses={200: {"description": "The search",
                                            "schema": ref("MatchSearch")},
                                      **error_responses(401, 403, 404)})
def get_match(search_id: int):
    search = services.view_search(g.actor, search_id)
    db.session.commit()
    return services.search_as_json(search, with_reviews=True)


@api_route("/matches/<int:search_id>/reviews", "POST", "Review one candidate of one face",
           tag="matching", body=ReviewInput,
           responses={201: {"description": "The review"}, **error_responses(401, 403, 404, 422)})
def review_match(search_id: int):
    search = services.get_search(g.actor, search_id)
    given = parse(ReviewInput, json_body())
    review = services.review_candidate(g.actor, search, given.face, given.person_id,
                                       given.decision, given.note)
    db.session.commit()
    return {"id": review.id, "decision": review.decision, "tip_id": review.tip_id}, 201


@api_route("/persons/<int:person_id>/photos", "POST",
           "Add a registry photo; reports persons whose faces are near", tag="persons",
           body=PhotoUpload, body_type="multipart/form-data", files=("photo",),
           responses={201: {"description": "{id, faces, possible_duplicates}"},
                      **error_responses(400, 401, 403, 404, 413, 415, 422, 503)})
def add_person_photo(person_id: int):
    person = registry.get_person(person_id)
    check = services.check_registry_photo(g.actor, person, uploaded_photo())
    photo = services.save_registry_photo(g.actor, person, check)
    db.session.commit()
    return {"id": photo.id, "faces": len(check.faces),
            "possible_duplicates": check.duplicates}, 201


@api_route("/persons/<int:person_id>/photos/<int:photo_id>", "DELETE",
           "Remove a registry photo; its faces leave the gallery", tag="persons",
           responses={204: {"description": "Removed"}, **error_responses(401, 403, 404)})
def delete_person_photo(person_id: int, photo_id: int):
    services.delete_registry_photo(g.actor, registry.get_person(person_id), photo_id)
    db.session.commit()
    return "", 204
