"""Encode the calibration sets beside the repository once, caching the numbers under .cache/."""

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wanted.matching.engine import (
    DEFAULT_MAX_SIDE,
    encode_face,
    face_quality,
    load_rgb,
    locate_faces,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
SETS = {"faces": SHARED / "faces", "faces_east_asian": SHARED / "faces_east_asian"}
CACHE = REPO / ".cache" / "matching-bench"
ENROL_JITTERS = 10


@dataclass(frozen=True)
class Photo:
    """One portrait of a calibration set: its largest face, encoded plainly and with jitters."""

    path: str
    identity: str
    group: str
    encoding: np.ndarray
    jittered: np.ndarray
    quality: dict


def photo_groups(root: Path) -> dict[str, str]:
    """Map each photo of a set to its MANIFEST group ('all' where the set has none)."""
    with (root / "MANIFEST.tsv").open(newline="") as manifest:
        return {row["path"]: row.get("group") or "all"
                for row in csv.DictReader(manifest, delimiter="\t")}


def load_set(name: str) -> list[Photo]:
    """Return the portraits of a set with a face, encoding only photos not cached yet."""
    root = SETS[name]
    groups = photo_groups(root)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache_file = CACHE / f"{name}-{DEFAULT_MAX_SIDE}-j{ENROL_JITTERS}.json"
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    photos = []
    for path in sorted(root.glob("[!_]*/*.jpg")):
        relative = path.relative_to(root).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if cache.get(relative, {}).get("sha256") != digest:
            cache[relative] = {"sha256": digest, **_encode(path)}
        entry = cache[relative]
        if entry["encoding"] is not None:
            photos.append(Photo(relative, path.parent.name, groups.get(relative, "all"),
                                np.array(entry["encoding"], np.float32),
                                np.array(entry["jittered"], np.float32), entry["quality"]))
    cache_file.write_text(json.dumps(cache))
    return photos


def _encode(path: Path) -> dict:
    """Encode the largest face of a photo with one and with ENROL_JITTERS jitters."""
    image = load_rgb(path)
    boxes = locate_faces(image, model="hog", upsample=1, max_side=DEFAULT_MAX_SIDE)
    if not boxes:
        return {"encoding": None, "jittered": None, "quality": None}
    box = max(boxes, key=lambda b: b[2] - b[0])
    return {"encoding": encode_face(image, box).tolist(),
            "jittered": encode_face(image, box, ENROL_JITTERS).tolist(),
            "quality": face_quality(image, box)}
