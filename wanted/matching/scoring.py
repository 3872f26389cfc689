"""Candidates and bands calibrated for the registry's population (East and Southeast Asian faces).

A person's score is the mean distance from the searched face to each of their registry faces.
Once the gallery is large enough to be its own cohort the score is normalised by adaptive
S-norm (the probe's and the candidate's nearest faces of other people), otherwise the mean
distance is banded directly. A probe below the quality gate never gets a "strong" candidate.
docs/matching.md gives the method, the calibration protocol and the figures behind each number.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from wanted.matching.gallery import (
    BANDS,
    DEFAULT_THRESHOLDS,
    Encoding,
    Gallery,
    band,
    encoding_matrix,
)

# Adaptive S-norm: statistics of the COHORT_SIZE nearest faces of other people, on both sides.
COHORT_SIZE = 20
# Below this many gallery faces the gallery is too small to be its own cohort.
MIN_COHORT_FACES = 2 * COHORT_SIZE
# Persons scored per searched face (nearest by distance) before the best k are kept.
RETRIEVE = 10
# No one whose nearest registry face is further than this is scored at all.
MAX_DISTANCE = 0.60

# Calibrated by bench/matching.py on ../shared/data/faces_east_asian (two registry photos per
# person, registry photos encoded with ENROL_JITTERS jitters); only these numbers are kept.
SNORM_THRESHOLDS = {"strong": -3.05, "possible": -2.05, "weak": -1.30}
# With S-norm a band also needs the mean distance within these caps (the bands calibrated before
# on ../shared/data/faces): a population whose strangers are far apart (most pairs of Western
# faces) makes a merely fairly close stranger stand out from the cohort.
DISTANCE_CAPS = DEFAULT_THRESHOLDS
# Without a cohort (a small gallery) the mean distance itself is banded; weak stays wide so that
# a small registry still shows the right person, and the page says how often strangers reach it.
DISTANCE_THRESHOLDS = {"strong": 0.39, "possible": 0.43, "weak": 0.55}
# Share of comparisons with a stranger that reached each band in calibration on East Asian
# faces: the larger of the in-sample and held-out figures, rounded up (docs/matching.md).
STRANGER_RATES = {
    "s-norm": {"strong": 0.001, "possible": 0.01, "weak": 0.04},
    "distance": {"strong": 0.0015, "possible": 0.009, "weak": 0.15},
}
ENROL_JITTERS = 10
# A probe face smaller (pixels high), blurrier (variance of the Laplacian) or more turned (yaw,
# 0 frontal to 1 profile) than this gets no "strong" candidate and a warning.
QUALITY_GATE = {"min_size": 60.0, "min_blur": 20.0, "max_yaw": 0.55}

FacesOf = Callable[[Sequence[int]], Mapping[int, np.ndarray]]


@dataclass(frozen=True)
class ScoredCandidate:
    """A registry person near a searched face: nearest face, its distance, score and band."""

    person_id: int
    face_id: int
    distance: float
    score: float
    band: str


def calibration(distance_thresholds: Mapping[str, float] | None = None) -> dict:
    """Return the settings and calibration figures stored with each search."""
    return {**(distance_thresholds or DISTANCE_THRESHOLDS), "score_thresholds": SNORM_THRESHOLDS,
            "distance_caps": DISTANCE_CAPS,
            "cohort_size": COHORT_SIZE, "min_cohort_faces": MIN_COHORT_FACES,
            "max_distance": MAX_DISTANCE, "quality_gate": QUALITY_GATE,
            "stranger_rates": STRANGER_RATES, "calibration_set": "faces_east_asian"}


def method_for(gallery: Gallery, settings: Mapping) -> str:
    """Name the scoring a gallery of this size gets: s-norm, or distance below the cohort size."""
    return "s-norm" if len(gallery) >= settings["min_cohort_faces"] else "distance"


def low_quality(quality: Mapping[str, float], gate: Mapping[str, float] = QUALITY_GATE) -> bool:
    """Tell whether a probe face falls below the quality gate."""
    return (quality.get("size", 1e9) < gate["min_size"]
            or quality.get("blur", 1e9) < gate["min_blur"]
            or quality.get("yaw", 0.0) > gate["max_yaw"])


def score_face(gallery: Gallery, encoding: Encoding, faces_of: FacesOf, *, k: int,
               settings: Mapping, quality: Mapping[str, float]) -> list[ScoredCandidate]:
    """Return up to k persons for a searched face, best score first, each with its band."""
    hits = gallery.search(encoding, k=RETRIEVE, max_distance=settings["max_distance"])
    if not hits:
        return []
    query = encoding_matrix([encoding])[0]
    faces = faces_of([hit.person_id for hit in hits])
    snorm = method_for(gallery, settings) == "s-norm"
    scored = []
    for hit in hits:
        own = faces.get(hit.person_id)
        if own is None or not len(own):
            continue  # left the registry since this process caught up
        mean = float(np.linalg.norm(own - query, axis=1).mean())
        if snorm:
            score = s_norm(gallery, query, own, hit.person_id, mean)
            name = weaker(band(score, settings["score_thresholds"]),
                          band(mean, settings["distance_caps"]))
        else:
            score, name = mean, band(mean, settings)
        if name == "strong" and low_quality(quality, settings["quality_gate"]):
            name = "possible"
        if name:
            scored.append(ScoredCandidate(hit.person_id, hit.face_id, hit.distance,
                                          round(score, 4), name))
    return sorted(scored, key=lambda c: (c.score, c.distance))[:k]


def weaker(first: str | None, second: str | None) -> str | None:
    """Return the weaker of two bands (None, beyond weak, is the weakest)."""
    if first is None or second is None:
        return None
    return BANDS[max(BANDS.index(first), BANDS.index(second))]


def s_norm(gallery: Gallery, query: np.ndarray, own: np.ndarray, person_id: int,
           score: float) -> float:
    """Normalise a score by the probe's and the candidate's nearest faces of other people."""
    probe_side = _z(score, _cohort(gallery, query, person_id, len(own)))
    person_side = min(_z(score, _cohort(gallery, face, person_id, len(own))) for face in own)
    return 0.5 * (probe_side + person_side)


def _cohort(gallery: Gallery, encoding: np.ndarray, person_id: int, own_faces: int) -> np.ndarray:
    """Return the distances of the COHORT_SIZE nearest gallery faces not of this person."""
    near = gallery.nearest_faces(encoding, COHORT_SIZE + own_faces + 1)
    return np.array([h.distance for h in near if h.person_id != person_id][:COHORT_SIZE])


def _z(score: float, cohort: np.ndarray) -> float:
    """Return how many cohort deviations a score lies from the cohort's mean."""
    return float((score - cohort.mean()) / max(float(cohort.std()), 1e-3))


def stranger_odds(settings: Mapping) -> dict[str, int]:
    """Return, per band, N in "a stranger reached it in 1 in N comparisons" during calibration."""
    rates = settings.get("stranger_rates", {}).get(settings.get("method", ""), {})
    return {name: round(1 / rate) for name, rate in rates.items() if rate > 0}
