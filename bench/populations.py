"""Per-population figures of face matching on the calibration sets, before and after calibration.

Protocol: the identities of a set are dealt into FOLDS folds; in turn, one fold is never
enrolled (every photo of it is a stranger's search) while every other identity with more photos
than the registry takes is enrolled with its first one or two photos and searched with the rest.
Searches are counted once per fold they appear in. "Held out": thresholds tuned on one half of
the East Asian identities and measured on the other half, both ways, pooled.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from wanted.matching import scoring
from wanted.matching.gallery import BANDS, Gallery, band

FOLDS = 4
OLD_THRESHOLDS = {"strong": 0.45, "possible": 0.50, "weak": 0.55}
# Targets per comparison when tuning: strong, possible and weak reached by a stranger.
TUNING_RATES = {"strong": 0.002, "possible": 0.01, "weak": 0.04}
UNBANDED = {name: np.inf for name in BANDS}


@dataclass
class Search:
    """One searched photo and every registry person's outcome: score and band (None: not shown)."""

    identity: str
    group: str
    stranger: bool
    persons: int  # in the registry searched
    results: list[tuple[str, float, str | None]]  # (identity, score, band), as returned


@dataclass
class Figures:
    """Counts behind the per-population table."""

    genuine: int = 0
    strangers: int = 0
    pairs: int = 0
    first: int = 0
    reached: dict = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    wrong: dict = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    stranger_strong: int = 0


def folds(photos: Sequence, seed: int = 0) -> list[set[str]]:
    """Deal the identities into FOLDS never-enrolled folds, the same for every method."""
    identities = sorted({p.identity for p in photos})
    order = list(np.random.default_rng(seed).permutation(identities))
    return [set(order[f::FOLDS]) for f in range(FOLDS)]


def registry_split(photos: Sequence, per_person: int, never: set[str]):
    """Return the registry photos and the searches (photo, stranger) of one fold."""
    by_identity = defaultdict(list)
    for photo in photos:
        by_identity[photo.identity].append(photo)
    registry, searches = [], []
    for identity, own in sorted(by_identity.items()):
        if identity in never:
            searches += [(p, True) for p in own]
        elif len(own) > per_person:
            registry += own[:per_person]
            searches += [(p, False) for p in own[per_person:]]
    return registry, searches


@dataclass
class Registry:
    """One fold's registry: its photos, persons numbered by name, and galleries of both kinds."""

    photos: list
    names: list[str]
    jittered: Gallery  # registry photos encoded with jitters, as enrolment does now
    plain: Gallery  # one jitter, as before calibration

    @classmethod
    def of(cls, photos: list) -> "Registry":
        names = sorted({p.identity for p in photos})
        galleries = (Gallery(), Gallery())
        for gallery, attr in zip(galleries, ("jittered", "encoding"), strict=True):
            gallery.build((i, names.index(p.identity), getattr(p, attr))
                          for i, p in enumerate(photos))
        return cls(photos, names, *galleries)


Result = list[tuple[str, float, str | None]]
Method = Callable[[Registry, object], Result]


def run(photos: Sequence, per_person: int, method: Method) -> list[Search]:
    """Search every photo of every fold with a method and return the outcomes."""
    searches = []
    for never in folds(photos):
        photos_in, probes = registry_split(photos, per_person, never)
        registry = Registry.of(photos_in)
        for photo, stranger in probes:
            searches.append(Search(photo.identity, photo.group, stranger, len(registry.names),
                                   method(registry, photo)))
    return searches


def old_method(registry: Registry, photo) -> Result:
    """The bands before calibration: nearest face, one jitter at enrolment, fixed distances."""
    hits = registry.plain.search(photo.encoding, k=5, max_distance=OLD_THRESHOLDS["weak"])
    return [(registry.names[h.person_id], h.distance, band(h.distance, OLD_THRESHOLDS))
            for h in hits]


def calibrated_method(settings: dict | None = None, k: int = 5) -> Method:
    """The calibrated scoring of wanted.matching.scoring with the given (or shipped) settings."""
    settings = settings or scoring.calibration()

    def search(registry: Registry, photo) -> Result:
        faces = defaultdict(list)
        for p in registry.photos:
            faces[registry.names.index(p.identity)].append(p.jittered)

        def faces_of(ids: Iterable[int]) -> dict[int, np.ndarray]:
            return {i: np.array(faces[i]) for i in ids}

        found = scoring.score_face(registry.jittered, photo.encoding, faces_of, k=k,
                                   settings=settings, quality=photo.quality)
        return [(registry.names[c.person_id], c.score, c.band) for c in found]

    return search


def unbanded_settings() -> dict:
    """Settings under which every scored person is 'strong': to collect raw scores for tuning."""
    return {**scoring.calibration(UNBANDED), "score_thresholds": UNBANDED,
            "quality_gate": {"min_size": 0, "min_blur": 0, "max_yaw": 1}}


def tune(searches: list[Search]) -> dict[str, float]:
    """Pick each band's threshold: the largest score a stranger reached at the band's rate."""
    impostor = np.sort([score for s in searches for name, score, _ in s.results
                        if name != s.identity])
    pairs = sum(s.persons - (not s.stranger) for s in searches)
    return {name: float(impostor[max(0, int(rate * pairs) - 1)]) - 1e-4
            for name, rate in TUNING_RATES.items()}


def figures(searches: list[Search]) -> Figures:
    """Count the outcomes of a list of searches."""
    f = Figures()
    for s in searches:
        f.pairs += s.persons - (not s.stranger)
        for name, _, got in s.results:
            if got and name != s.identity:
                f.wrong[got] += 1
        if s.stranger:
            f.strangers += 1
            f.stranger_strong += any(got == "strong" for _, _, got in s.results)
            continue
        f.genuine += 1
        own = next((got for name, _, got in s.results if name == s.identity), None)
        for i, name in enumerate(BANDS):
            f.reached[name] += own in BANDS[:i + 1]
        f.first += bool(s.results) and s.results[0][0] == s.identity and s.results[0][2] is not None
    return f


def table_rows(label: str, by_per_person: dict[int, list[Search]]) -> list[str]:
    """Format one population's rows: per group, with one and two registry photos."""
    rows = []
    groups = sorted({s.group for s in by_per_person[2]})
    for group in (["all"] + groups) if len(groups) > 1 else groups:
        pick = {n: [s for s in searches if group in ("all", s.group)]
                for n, searches in by_per_person.items()}
        one, two = figures(pick[1]), figures(pick[2])
        if not two.genuine:
            continue
        far = [sum(two.wrong[b] for b in BANDS[:i + 1]) / two.pairs for i in range(3)]
        rows.append(
            f"| {label} | {group} | {two.genuine} / {two.strangers} | "
            + " | ".join(f"{two.reached[b] / two.genuine:.2f}" for b in BANDS) + " | "
            + " | ".join(f"{v:.4f}" for v in far) + " | "
            + f"{one.first / max(one.genuine, 1):.3f} | {two.first / two.genuine:.3f} | "
            + " / ".join(f"{two.wrong[b] / two.pairs:.4f}" for b in BANDS) + " | "
            + f"{sum(two.wrong.values()) / (two.genuine + two.strangers):.2f} | "
            + f"{two.stranger_strong / max(two.strangers, 1):.2f} |")
    return rows


HEADER = ("| set | group | searches (enrolled / stranger) | TAR strong | TAR possible | TAR weak "
          "| FAR strong | FAR possible | FAR weak | rank-1 (1 photo) | rank-1 (2 photos) "
          "| wrong per pair: strong / possible / weak | wrong per search "
          "| strangers with a strong candidate |\n" + "|---" * 14 + "|")


def halves(photos: Sequence, seed: int = 1) -> tuple[list, list]:
    """Split a set's identities in two halves, each group dealt evenly between them."""
    by_group = defaultdict(set)
    for photo in photos:
        by_group[photo.group].add(photo.identity)
    first = set()
    rng = np.random.default_rng(seed)
    for group in sorted(by_group):
        first |= set(list(rng.permutation(sorted(by_group[group])))[::2])
    return ([p for p in photos if p.identity in first],
            [p for p in photos if p.identity not in first])


def settings_for(method: str, thresholds: dict[str, float]) -> dict:
    """Return shipped settings with one method forced and its thresholds replaced."""
    base = scoring.calibration()
    if method == "s-norm":
        return {**base, "score_thresholds": thresholds, "min_cohort_faces": 0}
    return {**base, **thresholds, "min_cohort_faces": 10**9}


def tuned(photos: Sequence, method: str) -> dict[str, float]:
    """Tune a method's thresholds on a set of photos (two registry photos per person)."""
    raw = run(photos, 2, calibrated_method({**settings_for(method, UNBANDED),
                                            **unbanded_settings_gate()}, k=scoring.RETRIEVE))
    return tune(raw)


def unbanded_settings_gate() -> dict:
    """A quality gate that lets everything through (tuning looks at scores only)."""
    return {"quality_gate": {"min_size": 0, "min_blur": 0, "max_yaw": 1}}


def held_out(photos: Sequence, method: str, per_person: int) -> list[Search]:
    """Tune on one half of the identities, search the other half with it; both ways, pooled."""
    a, b = halves(photos)
    return [s for tune_on, test_on in ((a, b), (b, a))
            for s in run(test_on, per_person,
                         calibrated_method(settings_for(method, tuned(tune_on, method))))]


def report(sets: dict[str, Sequence]) -> None:
    """Print the per-population tables: before, after as shipped, each method, held out."""
    east_asian = sets.get("faces_east_asian")
    if east_asian:
        for method in ("s-norm", "distance"):
            shipped = {**scoring.calibration()}
            now = shipped["score_thresholds"] if method == "s-norm" else {
                b: shipped[b] for b in BANDS}
            print(f"{method}: thresholds tuned on all East Asian identities "
                  f"{ {b: round(v, 3) for b, v in tuned(east_asian, method).items()} }; "
                  f"shipped {now}")
    print(HEADER)
    for name, photos in sets.items():
        rows = {"before": old_method, "after": calibrated_method(),
                "after, S-norm": calibrated_method(settings_for(
                    "s-norm", scoring.calibration()["score_thresholds"])),
                "after, distance only": calibrated_method(settings_for(
                    "distance", {b: scoring.calibration()[b] for b in BANDS}))}
        for label, method in rows.items():
            print("\n".join(table_rows(f"{name} {label}",
                                       {n: run(photos, n, method) for n in (1, 2)})))
        if photos is east_asian:
            for method in ("s-norm", "distance"):
                print("\n".join(table_rows(f"{name} held out, {method}",
                                           {n: held_out(photos, method, n) for n in (1, 2)})))
