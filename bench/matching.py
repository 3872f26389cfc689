"""Benchmark face matching: photo to candidates, gallery search at scale, bands on real faces.

Run: .venv/bin/python bench/matching.py [--quick | --populations]
(--quick: fewer runs, no 1M gallery; --populations: only the per-population calibration figures,
from encodings cached under .cache/matching-bench)
"""

import argparse
import gc
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wanted.matching.engine import find_faces, load_rgb  # noqa: E402
from wanted.matching.gallery import (  # noqa: E402
    BANDS,
    DEFAULT_THRESHOLDS,
    Gallery,
    band,
)
from wanted.matching.imaging import check_image  # noqa: E402

sys.path.insert(0, str(REPO / "bench"))
import populations  # noqa: E402
from calibration_data import ENROL_JITTERS, SETS, load_set  # noqa: E402

FACES = REPO.parent / "shared" / "data" / "faces"
TEST_FACES = REPO / "tests" / "data" / "faces"
SAMPLE = "obama/4.jpg"
QUERIES = 200
WEAK = DEFAULT_THRESHOLDS["weak"]
# Synthetic encodings reproduce the real distance figures of ../shared/data/faces: norm ~1.42;
# same person 5/50/95% ~ 0.27/0.40/0.57; different people 1/5/50% ~ 0.61/0.67/0.87.
SPECTRUM_DECAY = 1.25
CENTRE_SCALE = 0.76
NOISE = 0.0237
FACES_PER_PERSON = 2.5


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Run an action several times and return each run's seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def rss_mib() -> float:
    """Return the resident memory of this process in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def bench_engine(runs: int) -> None:
    """Time detection and encoding on a 640 px photo and a 12 MP photo, alone and end to end."""
    source = load_rgb(TEST_FACES / SAMPLE)
    gallery = Gallery()
    encodings, persons = synthetic(10_000, np.random.default_rng(1))[:2]
    gallery.build(zip(range(len(persons)), persons.tolist(), encodings, strict=True))
    print(f"\n== Photo to encodings ({SAMPLE}, HOG, defaults), median of {runs} runs")
    for label, size in (("640 px", (640, 480)), ("12 MP", (4000, 3000))):
        photo = ImageOps.fit(source, size, Image.Resampling.BICUBIC)
        data = jpeg(photo)
        faces = find_faces(photo)
        engine = timed(lambda photo=photo: find_faces(photo), runs)

        def whole(data: bytes = data) -> None:
            checked = check_image(data, max_bytes=50 * 2**20, max_pixels=50_000_000)
            for face in find_faces(load_rgb(checked.data)):
                gallery.search(face.encoding, k=5, max_distance=WEAK)

        end_to_end = timed(whole, runs)
        print(f"{label:>7} {size[0]}x{size[1]}: {len(faces)} face(s); detect+encode "
              f"{statistics.median(engine):.3f} s; upload bytes -> checked -> faces -> candidates "
              f"(10k gallery) {statistics.median(end_to_end):.3f} s")


def synthetic(count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, Callable]:
    """Make face-like encodings around person centres; return them, owners and a probe maker."""
    basis, _ = np.linalg.qr(rng.normal(size=(128, 128)))
    spread = np.sqrt(np.arange(1, 129) ** -SPECTRUM_DECAY)
    mean = rng.normal(size=128)
    mean *= 1.28 / np.linalg.norm(mean)
    persons = int(count / FACES_PER_PERSON)
    centres = ((rng.normal(size=(persons, 128)) * spread) @ basis.T).astype(np.float32)
    centres *= CENTRE_SCALE / float(np.median(np.linalg.norm(centres[1:] - centres[:-1], axis=1)))

    def photos_of(owners: np.ndarray) -> np.ndarray:
        noise = NOISE * np.exp(rng.normal(0, 0.3, (len(owners), 1)))
        return (mean + centres[owners] + rng.normal(size=(len(owners), 128)) * noise).astype(
            np.float32)

    owners = rng.integers(0, persons, count)
    return photos_of(owners), owners, photos_of


def bench_gallery(size: int) -> None:
    """Build exact and IVF galleries of a size and compare their speed, memory and recall."""
    rng = np.random.default_rng(size)
    encodings, owners, photos_of = synthetic(size, rng)
    probes = photos_of(rng.choice(owners, QUERIES))
    rows = list(zip(range(size), owners.tolist(), encodings, strict=True))
    print(f"{size:>9,} faces (1-minute load average {os.getloadavg()[0]:.2f}, "
          f"{os.cpu_count()} cores)")
    results = {}
    for label, threshold in (("exact", size), ("ivf", 0)):
        gc.collect()
        before, start = rss_mib(), time.perf_counter()
        gallery = Gallery(approx_threshold=threshold)
        gallery.build(rows)
        built, memory = time.perf_counter() - start, rss_mib() - before
        wide = [gallery.search(p, k=10, max_distance=9.0) for p in probes]
        shown = [gallery.search(p, k=10, max_distance=WEAK) for p in probes]
        latencies = [timed(lambda p=p, g=gallery: g.search(p, k=5, max_distance=WEAK), 1)[0]
                     for p in probes]
        results[label] = (wide, shown)
        print(f"{'':>9} {label:>5}: search median {1e3 * statistics.median(latencies):6.2f} ms, "
              f"p95 {1e3 * float(np.percentile(latencies, 95)):6.2f} ms; build {built:6.1f} s; "
              f"RSS +{memory:5.0f} MiB, index {gallery.nbytes / 2**20:5.0f} MiB")
        del gallery
    print(f"{'':>9} recall@10 of IVF vs exact: any distance "
          f"{recall(*[r[0] for r in results.values()]):.4f}; "
          f"candidates within weak {recall(*[r[1] for r in results.values()]):.4f}")


def recall(exact: list[list], approximate: list[list]) -> float:
    """Share of the exact search's persons that the approximate search also returned."""
    wanted = sum(len(found) for found in exact)
    hit = sum(len({c.person_id for c in e} & {c.person_id for c in a})
              for e, a in zip(exact, approximate, strict=True))
    return hit / wanted if wanted else 1.0


def bench_bands() -> None:
    """Enrol one photo per identity, search every other photo, and count candidates per band."""
    if not FACES.is_dir():
        print(f"\n== Bands: skipped, the calibration set {FACES} is absent")
        return
    identities = sorted(p.name for p in FACES.iterdir() if p.is_dir() and p.name[0] != "_")
    photos = {name: sorted((FACES / name).glob("*.jpg")) for name in identities}
    faces = {path: max(find_faces(load_rgb(path)), key=lambda f: f.quality["size"])
             for paths in photos.values() for path in paths}
    gallery = Gallery()
    gallery.build((number, number, faces[photos[name][0]].encoding)
                  for number, name in enumerate(identities))
    true = dict.fromkeys(BANDS, 0)
    false = dict.fromkeys(BANDS, 0)
    probes = [(number, path) for number, name in enumerate(identities)
              for path in photos[name][1:]]
    for number, path in probes:
        for candidate in gallery.search(faces[path].encoding, k=len(identities),
                                        max_distance=WEAK):
            counts = true if candidate.person_id == number else false
            counts[band(candidate.distance, DEFAULT_THRESHOLDS)] += 1
    pairs = len(probes) * (len(identities) - 1)
    print(f"\n== Bands on ../shared/data/faces: {len(identities)} enrolled, {len(probes)} probes, "
          f"thresholds {DEFAULT_THRESHOLDS}")
    for name in BANDS:
        print(f"{name:>9}: true candidates {true[name]:>3} ({true[name] / len(probes):6.1%} of "
              f"probes); false {false[name]:>3} ({false[name] / pairs:6.2%} of {pairs} pairs)")
    missed = len(probes) - sum(true.values())
    print(f"   beyond: true person not shown for {missed} probe(s)")


def bench_populations() -> None:
    """Print TAR, FAR, rank-1 and wrong candidates per set and group, before and after."""
    present = [name for name, path in SETS.items() if path.is_dir()]
    print(f"\n== Per population (bench/populations.py protocol; registry photos with "
          f"{ENROL_JITTERS} jitters after calibration, 1 before)")
    if not present:
        print(f"skipped: the calibration sets are absent ({', '.join(map(str, SETS.values()))})")
        return
    populations.report({name: load_set(name) for name in present})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 1M gallery")
    parser.add_argument("--populations", action="store_true",
                        help="only the per-population figures on the calibration sets")
    args = parser.parse_args()
    if args.populations:
        bench_populations()
        return
    quick = args.quick
    bench_engine(runs=3 if quick else 7)
    print(f"\n== Gallery search, {QUERIES} probes of enrolled persons, k=5 per search")
    for size in (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000):
        bench_gallery(size)
    bench_bands()
    bench_populations()


if __name__ == "__main__":
    main()
