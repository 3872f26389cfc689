"""Stored photos: which may be seen by whom, and the registry photo of each person."""

from functools import cache

from sqlalchemy import ColumnElement, select

from wanted.auth import services as auth
from wanted.auth.models import User
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.registry.models import WantedPerson


def primary_photo_ids(person_ids: list[int]) -> dict[int, int]:
    """Map each person to their registry photo to show (the primary one, else the newest)."""
    rows = db.session.execute(
        select(Photo.person_id, Photo.id).where(Photo.person_id.in_(person_ids),
                                                Photo.kind == "registry")
        .order_by(Photo.is_primary, Photo.id))
    return {person_id: photo_id for person_id, photo_id in rows}


@cache
def primary_photo_id() -> ColumnElement[int]:
    """Select, in a statement on persons, the registry photo to show of each: the primary one,
    else the newest, as `WantedPerson.registry_photos` lists them (one object: statements
    built with it are built once)."""
    return (select(Photo.id).where(Photo.person_id == WantedPerson.id, Photo.kind == "registry")
            .order_by(Photo.is_primary.desc(), Photo.id.desc()).limit(1).scalar_subquery())


def can_see_photo(user: User, photo: Photo) -> bool:
    """Registry photos are for every user; a field photo for its uploader and those above."""
    if photo.kind == "registry":
        return True
    uploader = photo.added_by
    return user.role == "admin" or (uploader is not None and (
        uploader.id == user.id or (user.role == "supervisor" and auth.in_scope(
            user, uploader.unit_id))))
