"""Fixtures of the public side: the portal app on the suite's database, publishing, photos."""

import io
import re
import uuid

import pytest
from PIL import Image

from wanted import create_public_app
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.public import services as publication
from wanted.registry.services import get_person

SECRET = {"ID": "012345678901", "BORN": "1990-05-17", "STREET": "Số 12 ngõ 5 đường Lê Lợi"}
PERSON = {"full_name": "Nguyễn Văn Hùng", "aliases": ["Hùng Sẹo"], "sex": "male",
          "birth_date": SECRET["BORN"], "id_number": SECRET["ID"], "charges": ["173"],
          "registered_address": f"{SECRET['STREET']}, xã Khe Mây, huyện Sơn Hà, tỉnh Bình Sơn",
          "unit": "A"}


def jpeg_bytes(width: int = 200, height: int = 240, colour: str = "#a08060") -> bytes:
    """Return a small plain JPEG (no face: the intake only checks it is a sound image)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def portal_config(database_url, tmp_path) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_url, "STORAGE_DIR": str(tmp_path / "photos"),
            "RATE_LIMIT_PREFIX": f"wanted:test:{uuid.uuid4().hex}:"}


@pytest.fixture
def public_app(app, portal_config):
    """The portal on the same database as `app` (which empties it after the test)."""
    portal = create_public_app(portal_config)
    yield portal
    with portal.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def public_client(public_app):
    return public_app.test_client()


@pytest.fixture
def published(app, province, make_person):
    """Create a person (of unit A unless told) with a registry photo; publish them as chief."""

    def make(creator: str = "off_a", **overrides):
        person = make_person(creator, **{**PERSON, **overrides})
        with app.app_context():
            actor = auth.user_by_username("chief")
            record = get_person(person.id)
            photo = matching.store_photo(matching.intake(jpeg_bytes()), actor=actor,
                                         kind="registry", person=record)
            publication.publish(actor, record, {
                "photo_id": photo.id, "area": publication.suggested_area(record),
                "contact": "Công an phường Đông Thành, 0203 111 222"})
            db.session.commit()
        return person

    return make


def solve(page: str) -> dict:
    """Read the form's arithmetic question and token from a tip page; return them answered."""
    a, b = map(int, re.search(r"(\d) \+ (\d)", page).groups())
    token = re.search(r'name="challenge" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="challenge" name="challenge" type="hidden" value="([^"]+)"', page)
    return {"challenge": token.group(1), "answer": str(a + b)}


@pytest.fixture
def send_tip(public_client):
    """Fetch the tip form, answer its question, and post the tip with these fields."""

    def send(client=None, photo: bytes | None = None, **fields):
        client = client or public_client
        query = f"?person={fields['person_id']}" if fields.get("person_id") else ""
        page = client.get(f"/tip{query}").get_data(as_text=True)
        data = {**solve(page), "text": "Thấy người này ở chợ", **fields}
        if photo is not None:
            data["photo"] = (io.BytesIO(photo), "seen.jpg")
        return client.post("/tip", data=data, content_type="multipart/form-data")

    return send
