"""Input shapes of face matching: a search request and a candidate review."""

from typing import Literal

from pydantic import Field

from wanted.matching.models import REVIEW_DECISIONS
from wanted.validation import Id, Schema, Text

MAX_FACES = 1000


class SearchRequest(Schema):
    """Why a field photo is searched: every search names its purpose and case."""

    purpose: Text(300, min_length=1)
    case_ref: Text(100, min_length=1)


class PhotoUpload(Schema):
    """A registry photo upload: the photo is its only field."""


class ReviewInput(Schema):
    """A person's judgement of one candidate of one face."""

    face: int = Field(ge=0, le=MAX_FACES, strict=True, description="Index of the face")
    person_id: Id
    decision: Literal[REVIEW_DECISIONS]
    note: Text(2000, lines=True) = ""
