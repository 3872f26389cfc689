"""Fixtures for the face-matching core: the sample photos and their faces, encoded once."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FACES, SHARED_DATA
from wanted.matching.engine import DetectedFace, find_faces, load_rgb
from wanted.matching.gallery import Gallery


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return FACES


def shared_set(name: str) -> Path:
    """Return a calibration set kept beside the repository, or skip the test saying it is absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"calibration set {path} is absent (it is kept beside the repository, "
                    "never in it)")
    return path


@pytest.fixture(scope="session")
def sample_faces_dir() -> Path:
    """The mostly Western calibration set ../shared/data/faces."""
    return shared_set("faces")


@pytest.fixture(scope="session")
def east_asian_dir() -> Path:
    """The East Asian calibration set ../shared/data/faces_east_asian."""
    return shared_set("faces_east_asian")


@pytest.fixture(scope="session")
def faces_in(faces_dir: Path) -> Callable[[str], list[DetectedFace]]:
    """Return the faces of a sample photo, encoding each photo once per session."""
    cache: dict[str, list[DetectedFace]] = {}

    def faces(relative: str) -> list[DetectedFace]:
        if relative not in cache:
            cache[relative] = find_faces(load_rgb(faces_dir / relative))
        return cache[relative]

    return faces


@pytest.fixture(scope="session")
def identities(faces_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in faces_dir.glob("*/1.jpg") if not p.parent.name[0] == "_")


@pytest.fixture(scope="session")
def person_ids(identities: list[str]) -> dict[str, int]:
    return {name: number for number, name in enumerate(identities, start=1)}


@pytest.fixture(scope="session")
def portrait_face(faces_in: Callable[[str], list[DetectedFace]]) -> Callable[[str], DetectedFace]:
    """Return the largest face of a portrait: some portraits catch a second face at the edge."""
    return lambda relative: max(faces_in(relative), key=lambda face: face.quality["size"])


@pytest.fixture(scope="session")
def held_out() -> tuple[str, ...]:
    """Identities never enrolled: two single photos and eleven of one of the dlib Johns."""
    return ("Tom_Cruise", "lin_manuel_miranda", "John_Simm")


@pytest.fixture(scope="session")
def enrolled(identities: list[str], person_ids: dict[str, int], held_out: tuple[str, ...],
             portrait_face: Callable[[str], DetectedFace]) -> Gallery:
    """A gallery holding the first photo of every identity but the held-out ones."""
    gallery = Gallery()
    gallery.build(
        (face_id, person_ids[name], portrait_face(f"{name}/1.jpg").encoding)
        for face_id, name in enumerate(identities, start=100)
        if name not in held_out)
    return gallery
