"""The demo's synthetic faces: made of several people, near none of them, found by field photos."""

import io

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.conftest import REPO, SHARED_DATA
from wanted.demo.faces import FIELD_DIR, demo_faces
from wanted.extensions import db
from wanted.matching.engine import find_faces, load_rgb
from wanted.matching.imaging import check_image
from wanted.matching.models import Face, Photo
from wanted.matching.services import gallery_hits, thresholds

# A demo face must be further than this from every photo of every person it was made from.
SOURCE_MIN = 0.6
# The README's example: with the default demo seed this field photo finds Nguyễn Văn Hùng.
README_FIELD = "field-demo-01.jpg"
README_NAME = "Nguyễn Văn Hùng"


def largest_face(path):
    """Return the encoding of the largest face in a photo."""
    faces = find_faces(load_rgb(path))
    assert faces, f"no face found in {path}"
    return max(faces, key=lambda face: face.quality["size"]).encoding


def test_demo_faces_are_committed_small_and_made_of_four_or_more_people():
    faces = demo_faces()
    assert len(faces) >= 40
    sizes = [face.path.stat().st_size for face in faces]
    sizes += [face.field_path.stat().st_size for face in faces if face.field_path]
    assert max(sizes) <= 40_000 and sum(sizes) < 3_000_000
    for face in faces:
        assert len(set(face.sources)) >= 4, face.file
    assert sum(face.field_photo is not None for face in faces) >= 8
    assert sorted(p.name for p in FIELD_DIR.glob("*.jpg")) == sorted(
        face.field_photo for face in faces if face.field_photo)


SOURCES = SHARED_DATA / "faces"


@pytest.mark.skipif(not SOURCES.is_dir(), reason=f"the sample photos are not beside the repo "
                                                 f"({SOURCES}); they made the demo faces")
def test_no_demo_face_is_within_0_6_of_any_photo_of_its_sources():
    nearest = 9.0
    for face in demo_faces():
        encoding = largest_face(face.path)
        for identity in face.sources:
            photos = sorted((SOURCES / identity).glob("*.jpg"))
            assert photos, f"{face.file}: source {identity} is not in the sample set"
            for photo in photos:
                distance = float(np.linalg.norm(encoding - largest_face(photo)))
                assert distance > SOURCE_MIN, (face.file, photo.name, distance)
                nearest = min(nearest, distance)
    print(f"nearest demo face to one of its sources: {nearest:.3f}")


@pytest.fixture
def demo(app, runner):
    """The demo province seeded with 80 persons: enough men still wanted for every demo face."""
    result = runner.invoke(args=["demo", "seed", "--persons", "80"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        limits = {"max_bytes": app.config["MAX_UPLOAD_BYTES"],
                  "max_pixels": app.config["MAX_IMAGE_PIXELS"]}
        person_of = dict(db.session.execute(select(Photo.sha256, Photo.person_id)).all())
        return {face.file: person_of[check_image(face.path.read_bytes(), **limits).sha256]
                for face in demo_faces()}


def test_the_demo_seed_enrols_every_demo_face(app, demo):
    with app.app_context():
        enrolled = db.session.scalar(select(func.count(func.distinct(Face.person_id))))
    assert len(set(demo.values())) == len(demo_faces()) >= 40
    assert enrolled == len(demo)


def test_each_demo_field_photo_finds_its_demo_person_first(app, client, token, demo):
    headers = token("dt.cb1")
    for face in demo_faces():
        if not face.field_photo:
            continue
        response = client.post("/api/v1/matches", headers=headers,
                               content_type="multipart/form-data",
                               data={"photo": (io.BytesIO(face.field_path.read_bytes()),
                                               face.field_photo),
                                     "purpose": "thử tìm kiếm mẫu", "case_ref": "DEMO-1"})
        assert response.status_code == 201, response.json
        assert response.json["gallery_size"] >= 40
        [found] = response.json["faces"]
        first = found["candidates"][0]
        assert first["person_id"] == demo[face.file], (face.field_photo, found["candidates"])
        assert first["band"] in ("strong", "possible"), (face.field_photo, first)
        print(f"{face.field_photo}: {first['band']}, distance {first['distance']:.3f}")
        others = [c for c in found["candidates"][1:] if c["band"] in ("strong", "possible")]
        assert others == [], (face.field_photo, others)


def test_the_readme_field_photo_finds_the_person_it_names(runner, client, token):
    result = runner.invoke(args=["demo", "seed"])  # as scripts/run.sh loads it
    assert result.exit_code == 0, result.output
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"static/demo/field/{README_FIELD}" in readme and README_NAME in readme
    response = client.post("/api/v1/matches", headers=token("dt.cb1"),
                           content_type="multipart/form-data",
                           data={"photo": (io.BytesIO((FIELD_DIR / README_FIELD).read_bytes()),
                                           README_FIELD),
                                 "purpose": "thử tìm kiếm mẫu", "case_ref": "DEMO-1"})
    first = response.json["faces"][0]["candidates"][0]
    assert (first["full_name"], first["band"]) == (README_NAME, "strong")
    served = client.get(f"/static/demo/field/{README_FIELD}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"


def test_demo_persons_do_not_match_each_other(app, demo):
    """A search of each demo portrait shows no other demo person as strong or possible."""
    with app.app_context():
        settings = thresholds()
        for face in demo_faces():
            [probe] = find_faces(load_rgb(face.path))
            [hits] = gallery_hits([probe], k=app.config["MATCH_K"], settings=settings)
            others = [(hit.person_id, hit.distance, hit.band) for hit in hits
                      if hit.person_id != demo[face.file]]
            assert all(band not in ("strong", "possible") for *_, band in others), (
                face.file, others)
