"""Face matching through the API and pages: enrol, search, review, duplicates, bad uploads."""

import io

import pytest
from PIL import Image, ImageFilter
from sqlalchemy import func, select

from tests.conftest import FACES
from wanted.extensions import db
from wanted.matching import scoring
from wanted.matching.models import Face, MatchSearch, Photo
from wanted.storage import LocalPhotoStore

ENROL = {"obama": "obama/1.jpg", "biden": "biden/2.jpg", "kit_harington": "kit_harington/1.jpg",
         "rose_leslie": "rose_leslie/1.jpg"}


def photo_file(relative: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO((FACES / relative).read_bytes()), relative.replace("/", "_")


def enrol(client, headers, person_id: int, relative: str):
    return client.post(f"/api/v1/persons/{person_id}/photos", headers=headers,
                       data={"photo": photo_file(relative)}, content_type="multipart/form-data")


def match(client, headers, relative: str | None = None, raw: bytes | None = None, **form):
    data = {"purpose": "xác minh đối tượng", "case_ref": "VV-12/2026", **form}
    if relative or raw is not None:
        data["photo"] = photo_file(relative) if relative else (io.BytesIO(raw), "x.jpg")
    return client.post("/api/v1/matches", headers=headers, data=data,
                       content_type="multipart/form-data")


@pytest.fixture
def gallery(client, token, province, make_person):
    """Registry persons, each enrolled with one photo of a real identity (test data only)."""
    headers = token("off_a")
    people = {}
    for name, relative in ENROL.items():
        person = make_person(full_name=f"Test {name}")
        response = enrol(client, headers, person.id, relative)
        assert response.status_code == 201, response.json
        assert response.json["faces"] == 1
        people[name] = person.id
    return people


def test_another_photo_of_each_enrolled_person_puts_them_first(client, token, gallery):
    headers = token("off_b")
    for name, relative in [("obama", "obama/2.jpg"), ("biden", "biden/1.jpg"),
                           ("kit_harington", "kit_harington/3.jpg"),
                           ("rose_leslie", "rose_leslie/2.jpg")]:
        response = match(client, headers, relative)
        assert response.status_code == 201, response.json
        faces = response.json["faces"]
        assert len(faces) == 1
        first = faces[0]["candidates"][0]
        assert first["person_id"] == gallery[name], relative
        assert first["band"] in ("strong", "possible")
        distances = [c["distance"] for c in faces[0]["candidates"]]
        assert distances == sorted(distances)


def test_a_person_not_enrolled_gets_no_strong_candidate(client, token, gallery):
    for relative in ("lin_manuel_miranda/1.jpg", "John_Simm/1.jpg", "Tom_Cruise/1.jpg"):
        faces = match(client, token("off_a"), relative).json["faces"]
        bands = [c["band"] for face in faces for c in face["candidates"]]
        assert "strong" not in bands, relative


def test_no_face_and_many_faces(client, token, login, gallery):
    response = match(client, token("off_a"), "_noface/1.jpg")
    assert response.status_code == 201 and response.json["faces"] == []
    login("off_a")
    page = client.get(f"/matches/{response.json['id']}").get_data(as_text=True)
    assert 'data-testid="no-face"' in page
    multi = sorted(p.name for p in (FACES / "_multiface").iterdir())[0]
    faces = match(client, token("off_a"), f"_multiface/{multi}").json["faces"]
    assert len(faces) >= 2
    assert all("candidates" in face and len(face["box"]) == 4 for face in faces)


def test_purpose_and_case_ref_are_required(client, token, gallery):
    response = match(client, token("off_a"), "obama/2.jpg", purpose="", case_ref="")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"purpose", "case_ref"}
    assert match(client, token("off_a"), None).json["error"]["fields"].keys() == {"photo"}


def counts(app):
    with app.app_context():
        photos = db.session.scalar(select(func.count(Photo.id)))
        searches = db.session.scalar(select(func.count(MatchSearch.id)))
    return photos, searches, LocalPhotoStore(app.config["STORAGE_DIR"]).count()


def bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def jpeg(size=(64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "grey").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(("make", "status", "code"), [
    (lambda: b"", 400, "empty"),
    (lambda: b"<html><script>alert(1)</script></html>" + jpeg(), 415, "unsupported_type"),
    (lambda: jpeg()[:200], 400, "corrupt"),
    (bomb_png, 400, "too_many_pixels"),
    (lambda: jpeg((3000, 16)), 400, "bad_dimensions"),
])
def test_hostile_uploads_get_a_clear_4xx_and_store_nothing(app, client, token, province,
                                                           make, status, code):
    before = counts(app)
    response = match(client, token("off_a"), raw=make())
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["fields"]["photo"]
    assert counts(app) == before


def test_upload_over_the_limit_is_413(app, client, token, province):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    response = match(client, token("off_a"), raw=jpeg((400, 400)) + b"\0" * 2000)
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_review_as_candidate_becomes_a_tip_on_the_timeline(client, token, login, gallery):
    headers = token("off_b")
    search = match(client, headers, "obama/2.jpg").json
    url = f"/api/v1/matches/{search['id']}/reviews"
    bad = client.post(url, json={"face": 0, "person_id": gallery["biden"],
                                 "decision": "candidate"}, headers=headers)
    assert bad.status_code == 422  # biden is not a candidate for this face
    review = client.post(url, json={"face": 0, "person_id": gallery["obama"],
                                    "decision": "candidate", "note": "giống vết sẹo"},
                         headers=headers)
    assert review.status_code == 201 and review.json["tip_id"]
    read = client.get(f"/api/v1/matches/{search['id']}", headers=headers).json
    reviews = read["faces"][0]["candidates"][0]["reviews"]
    assert [(r["decision"], r["by"]) for r in reviews] == [("candidate", "off_b")]
    timeline = client.get(f"/api/v1/persons/{gallery['obama']}/timeline", headers=headers).json
    tips = [e for e in timeline["items"] if e["kind"] == "tip"]
    assert tips and tips[0]["source"] == "match"


def test_others_cannot_see_a_search_but_a_supervisor_above_can(client, token, gallery):
    search = match(client, token("off_a"), "obama/2.jpg").json
    assert client.get(f"/api/v1/matches/{search['id']}", headers=token("off_b")).status_code == 403
    assert client.get(f"/api/v1/matches/{search['id']}", headers=token("sup_b")).status_code == 403
    assert client.get(f"/api/v1/matches/{search['id']}", headers=token("chief")).status_code == 200
    assert match(client, token("admin"), "obama/2.jpg").status_code == 403


def test_duplicate_check_names_the_nearby_person(client, token, gallery, make_person):
    newcomer = make_person(full_name="Bản ghi mới")
    response = enrol(client, token("off_a"), newcomer.id, "obama/4.jpg")
    assert response.status_code == 201
    assert [d["person_id"] for d in response.json["possible_duplicates"]] == [gallery["obama"]]


@pytest.mark.parametrize("changed_at", [None, "2026-01-02T08:00:00"])
def test_closed_person_leaves_the_gallery_at_once(client, token, gallery, changed_at):
    headers = token("off_a")
    first = match(client, headers, "obama/2.jpg").json["faces"][0]["candidates"]
    assert first[0]["person_id"] == gallery["obama"]
    body = {"status": "arrested", "reason": "bắt theo lệnh", "document_number": "BB-3",
            "document_date": "2025-01-02"}
    if changed_at:  # an arrest recorded days later still takes the person out at once
        body["changed_at"] = changed_at
    response = client.post(f"/api/v1/persons/{gallery['obama']}/status", headers=token("sup_a"),
                           json=body)
    assert response.status_code == 200, response.json
    after = match(client, headers, "obama/2.jpg").json["faces"][0]["candidates"]
    assert gallery["obama"] not in [c["person_id"] for c in after]


def test_gallery_faces_are_stored_with_their_model(app, gallery):
    with app.app_context():
        face = db.session.scalars(select(Face)).first()
        assert face.model.startswith("dlib") and len(face.encoding) == 512
        assert face.quality["size"] > 40


def rotated_jpeg_with_gps() -> bytes:
    """A 200x100 photo whose EXIF says: rotate 90° to view; it also carries a GPS position."""
    image = Image.new("RGB", (200, 100), "red")
    image.paste((0, 0, 255), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 12.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def test_registry_photo_is_stored_upright_and_without_gps(app, client, token, login, province,
                                                          make_person):
    person = make_person()
    raw = rotated_jpeg_with_gps()
    assert b"Exif" in raw
    response = client.post(f"/api/v1/persons/{person.id}/photos", headers=token("off_a"),
                           data={"photo": (io.BytesIO(raw), "phone.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["faces"] == 0
    login("off_b")  # registry photos are for every signed-in user
    served = client.get(f"/photos/{response.json['id']}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    stored = Image.open(io.BytesIO(served.data))
    assert stored.size == (100, 200)
    assert stored.getpixel((50, 20))[0] > 200 and stored.getpixel((50, 180))[2] > 200
    assert not stored.getexif() and b"Exif" not in served.data


def test_field_photos_are_served_only_to_those_who_may_see_them(app, client, token, login,
                                                                province):
    search = match(client, token("off_a"), raw=jpeg((120, 120))).json
    with app.app_context():
        photo_id = db.session.get(MatchSearch, search["id"]).photo_id
    login("off_b")
    assert client.get(f"/photos/{photo_id}").status_code == 403
    assert client.get(f"/matches/{search['id']}").status_code == 403
    client.post("/logout")
    login("sup_a")
    assert client.get(f"/photos/{photo_id}").status_code == 200


def test_the_search_page_says_why_an_upload_is_refused(app, client, login, province):
    login("off_a")
    before = counts(app)
    response = client.post("/matches/new", data={
        "photo": (io.BytesIO(b"<html>not a photo</html>"), "x.jpg"), "purpose": "xác minh",
        "case_ref": "VV-1"}, content_type="multipart/form-data")
    assert response.status_code == 415
    assert 'data-field="photo"' in response.get_data(as_text=True)
    assert counts(app) == before


EMPTY_GALLERY_VI = "Kho ảnh khuôn mặt đang trống"


def test_a_search_against_an_empty_gallery_says_so(app, client, token, login, province):
    login("off_a")
    page = client.get("/matches/new").get_data(as_text=True)
    assert 'data-testid="empty-gallery"' in page and EMPTY_GALLERY_VI in page
    response = match(client, token("off_a"), "obama/1.jpg")
    assert response.status_code == 201, response.json
    assert response.json["gallery_size"] == 0
    assert EMPTY_GALLERY_VI in response.json["message"]
    assert response.json["faces"][0]["candidates"] == []
    page = client.get(f"/matches/{response.json['id']}").get_data(as_text=True)
    assert 'data-testid="empty-gallery"' in page and EMPTY_GALLERY_VI in page
    client.get("/lang/en")
    page = client.get(f"/matches/{response.json['id']}").get_data(as_text=True)
    assert "The gallery is empty" in page and "cannot find anyone" in page


def test_a_search_against_a_filled_gallery_gives_its_size_and_no_warning(client, token, login,
                                                                         gallery):
    response = match(client, token("off_a"), "obama/2.jpg")
    assert response.json["gallery_size"] == len(gallery)
    assert response.json["message"] is None
    login("off_a")
    assert "empty-gallery" not in client.get("/matches/new").get_data(as_text=True)
    page = client.get(f"/matches/{response.json['id']}").get_data(as_text=True)
    assert "empty-gallery" not in page


def test_the_result_page_says_how_often_a_stranger_reached_each_band(client, token, login,
                                                                     gallery):
    search = match(client, token("off_a"), "obama/2.jpg").json
    stored = search["thresholds"]
    assert stored["method"] == "distance"  # four registry faces: too few to normalise against
    assert stored["stranger_rates"] == scoring.STRANGER_RATES
    assert stored["calibration_set"] == "faces_east_asian"
    assert search["faces"][0]["candidates"][0]["score"] is not None
    login("off_a")
    page = client.get(f"/matches/{search['id']}").get_data(as_text=True)
    assert 'data-testid="band-meaning"' in page
    odds = {band: round(1 / rate) for band, rate in scoring.STRANGER_RATES["distance"].items()}
    for band, n in odds.items():
        assert f"khoảng 1 trong {n:,} lần so sánh" in page, band
    client.get("/lang/en")
    page = client.get(f"/matches/{search['id']}").get_data(as_text=True)
    assert f"about 1 in {odds['strong']:,} comparisons" in page
    assert "mean distance (the gallery is too small to normalise against)" in page


def blurred(relative: str, radius: float) -> bytes:
    out = io.BytesIO()
    Image.open(FACES / relative).filter(ImageFilter.GaussianBlur(radius)).save(out, "JPEG")
    return out.getvalue()


def test_a_blurred_face_is_flagged_and_gets_no_strong_candidate(client, token, login, gallery):
    sharp = match(client, token("off_a"), "obama/2.jpg").json
    assert sharp["faces"][0]["quality"]["low_quality"] is False
    search = match(client, token("off_a"), raw=blurred("obama/2.jpg", 4)).json
    [face] = search["faces"]
    assert face["quality"]["low_quality"] is True
    assert face["candidates"][0]["person_id"] == gallery["obama"]
    assert "strong" not in [c["band"] for c in face["candidates"]]
    login("off_a")
    assert 'data-testid="low-quality"' in client.get(
        f"/matches/{search['id']}").get_data(as_text=True)
    assert 'data-testid="low-quality"' not in client.get(
        f"/matches/{sharp['id']}").get_data(as_text=True)


def test_registry_faces_are_encoded_with_the_enrolment_jitters_and_searches_with_one(
        app, client, token, province, make_person, monkeypatch):
    from wanted.matching import engine

    real, jitters = engine.find_faces, []

    def spy(image, **options):
        jitters.append(options.get("jitters", 1))
        return real(image, **options)

    monkeypatch.setattr(engine, "find_faces", spy)
    app.config["FACE_ENROL_JITTERS"] = 2
    headers = token("off_a")
    person = make_person(full_name="Test obama")
    assert enrol(client, headers, person.id, "obama/1.jpg").status_code == 201
    assert jitters == [2]
    assert match(client, headers, "obama/2.jpg").status_code in (200, 201)
    assert jitters == [2, 1]
