"""Fixtures for the face-matching core: the sample photos and their faces, encoded once."""

from collections.abc import Callable
from pathlib import Path

import pytest

from wanted.matching.engine import DetectedFace, find_faces, load_rgb
from wanted.matching.gallery import Gallery


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    path = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces"
    assert path.is_dir(), f"the sample faces are expected beside the repository, at {path}"
    return path


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
    return sorted(p.name for p in faces_dir.iterdir() if p.is_dir() and not p.name.startswith("_"))


@pytest.fixture(scope="session")
def person_ids(identities: list[str]) -> dict[str, int]:
    return {name: number for number, name in enumerate(identities, start=1)}


@pytest.fixture(scope="session")
def portrait_face(faces_in: Callable[[str], list[DetectedFace]]) -> Callable[[str], DetectedFace]:
    """Return the largest face of a portrait: some portraits catch a second face at the edge."""
    return lambda relative: max(faces_in(relative), key=lambda face: face.quality["size"])


@pytest.fixture(scope="session")
def held_out() -> tuple[str, ...]:
    """Identities never enrolled. Zhang Qiang has the closest East Asian look-alikes in the set
    (Vicki Zhao, Yao Ming) and Clapton the closest other one (Bill Gates)."""
    return ("Zhang_Qiang", "clapton", "Tom_Cruise", "adams")


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
