"""Matching on real photos: the right person comes first, strangers get no strong candidate."""

import csv
from pathlib import Path

import pytest

from wanted.matching.engine import DetectedFace, find_faces, load_rgb
from wanted.matching.gallery import DEFAULT_THRESHOLDS, Gallery, band

K = 5


def search(gallery: Gallery, face: DetectedFace) -> list:
    return gallery.search(face.encoding, k=K, max_distance=DEFAULT_THRESHOLDS["weak"])


def probes(faces_dir: Path, names: list[str]) -> list[str]:
    return [f"{name}/2.jpg" for name in names if (faces_dir / name / "2.jpg").exists()]


def test_another_photo_of_an_enrolled_person_puts_that_person_first(
        faces_dir, identities, held_out, person_ids, enrolled, portrait_face):
    enrolled_names = [name for name in identities if name not in held_out]
    checked = probes(faces_dir, enrolled_names)
    assert len(checked) >= 8
    for photo in checked:
        candidates = search(enrolled, portrait_face(photo))
        assert candidates, f"{photo}: no candidate"
        assert candidates[0].person_id == person_ids[photo.split("/")[0]], photo


def test_a_person_never_enrolled_gets_no_strong_candidate(
        faces_dir, held_out, enrolled, portrait_face):
    photos = [p.relative_to(faces_dir).as_posix()
              for name in held_out for p in sorted((faces_dir / name).glob("*.jpg"))]
    assert len(photos) >= 6
    for photo in photos:
        candidates = search(enrolled, portrait_face(photo))
        assert "strong" not in [band(c.distance, DEFAULT_THRESHOLDS) for c in candidates], photo


def test_a_photo_without_a_face_gives_no_face(faces_dir, faces_in):
    photos = sorted((faces_dir / "_noface").glob("*.jpg"))
    assert photos
    for photo in photos:
        assert faces_in(f"_noface/{photo.name}") == [], photo.name


@pytest.mark.parametrize(("photo", "people"), [
    ("_multiface/2.jpg", {"obama", "biden"}),
    ("_multiface/3.jpg", {"kit_harington", "rose_leslie"}),
])
def test_a_group_photo_gives_a_candidate_list_per_face(
        photo, people, enrolled, faces_in, person_ids):
    faces = faces_in(photo)
    assert len(faces) >= len(people)
    assert len({face.box for face in faces}) == len(faces)
    firsts = {results[0].person_id
              for results in (search(enrolled, face) for face in faces) if results}
    assert {person_ids[name] for name in people} <= firsts


def test_each_face_of_a_crowd_is_found_and_encoded(faces_in):
    faces = faces_in("_multiface/4.jpg")
    assert len(faces) >= 20
    assert all(face.encoding.shape == (128,) for face in faces)


def test_an_east_asian_stranger_gets_no_strong_candidate(sample_faces_dir):
    """Zhang Qiang's closest look-alikes in the calibration set are Vicki Zhao and Yao Ming."""
    def face(relative: str) -> DetectedFace:
        return max(find_faces(load_rgb(sample_faces_dir / relative)),
                   key=lambda f: f.quality["size"])

    gallery = Gallery()
    gallery.build([(1, 1, face("Yao_Ming/1.jpg").encoding),
                   (2, 2, face("Vicki_ZhaoWei/1.jpg").encoding)])
    for photo in sorted((sample_faces_dir / "Zhang_Qiang").glob("*.jpg")):
        candidates = search(gallery, face(f"Zhang_Qiang/{photo.name}"))
        assert "strong" not in [band(c.distance, DEFAULT_THRESHOLDS) for c in candidates], photo


def test_every_committed_photo_is_attributed_to_a_source_whose_licence_allows_it(faces_dir):
    with (faces_dir / "MANIFEST.tsv").open(newline="") as manifest:
        rows = {row["path"]: row for row in csv.DictReader(manifest, delimiter="\t")}
    files = {p.relative_to(faces_dir).as_posix() for p in faces_dir.rglob("*.jpg")}
    assert files == set(rows)
    licence_files = {"MIT": "face_recognition-MIT.txt", "BSL-1.0": "dlib-BSL-1.0.txt"}
    sources = {"MIT": "ageitgey/face_recognition", "BSL-1.0": "davisking/dlib"}
    for path, row in rows.items():
        licence = row["license"].split()[0]
        assert licence in licence_files, path
        assert row["source"] == sources[licence] and row["commit"] and row["source_path"], path
        assert (faces_dir / "LICENSES" / licence_files[licence]).is_file()
