"""The gallery: nearest persons first, grouped, bounded, the same exactly or through IVF."""

import threading
from pathlib import Path

import faiss
import numpy as np
import pytest

from wanted.matching.gallery import DEFAULT_THRESHOLDS, Candidate, Gallery, band, encoding_matrix


def face_like(count: int, persons: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Encodings clustered around person centres with the spread of real photos."""
    rng = np.random.default_rng(seed)
    centres = 0.11 + rng.normal(0, 0.05, (persons, 128))
    owners = rng.integers(0, persons, count)
    return (centres[owners] + rng.normal(0, 0.024, (count, 128))).astype(np.float32), owners


def gallery_of(encodings: np.ndarray, owners: np.ndarray, **options: int) -> Gallery:
    gallery = Gallery(**options)
    gallery.build(zip(range(len(owners)), owners.tolist(), encodings, strict=True))
    return gallery


def at(distance: float, seed: int = 1) -> np.ndarray:
    """An encoding at an exact distance from the zero vector."""
    direction = np.random.default_rng(seed).normal(size=128)
    return (direction / np.linalg.norm(direction) * distance).astype(np.float32)


ORIGIN = np.zeros(128, np.float32)


def test_persons_come_nearest_first_within_the_distance_and_k():
    gallery = Gallery()
    gallery.build([(1, 10, at(0.3)), (2, 20, at(0.5)), (3, 30, at(0.4)), (4, 40, at(0.7)),
                   (5, 50, at(0.45))])
    found = gallery.search(ORIGIN, k=3, max_distance=0.6)
    assert [c.person_id for c in found] == [10, 30, 50]
    assert found[0] == Candidate(10, 1, pytest.approx(0.3, abs=1e-5))
    assert [c.person_id for c in gallery.search(ORIGIN, k=9, max_distance=0.6)] == [10, 30, 50, 20]


def test_a_person_counts_once_by_their_nearest_face():
    rows = [(i, 1, at(0.1 + i * 0.001, seed=i)) for i in range(50)]  # 50 near faces of one person
    rows += [(100 + p, p, at(0.3 + p * 0.01, seed=100 + p)) for p in range(2, 6)]
    gallery = Gallery()
    gallery.build(rows)
    found = gallery.search(ORIGIN, k=3, max_distance=0.6)
    assert [c.person_id for c in found] == [1, 2, 3]
    assert found[0].face_id == 0


def test_an_empty_gallery_finds_nobody():
    assert Gallery().search(at(0.5), k=5, max_distance=0.6) == []


def test_exact_and_ivf_search_agree():
    encodings, owners = face_like(3000, 800)
    exact = gallery_of(encodings, owners)
    approximate = gallery_of(encodings, owners, approx_threshold=100)
    assert approximate.is_approximate and not exact.is_approximate
    queries, _ = face_like(60, 800, seed=0)
    for query in queries:
        found = approximate.search(query, k=10, max_distance=0.9)
        expected = exact.search(query, k=10, max_distance=0.9)
        assert [(c.person_id, c.face_id) for c in found] == [
            (c.person_id, c.face_id) for c in expected]
        assert [c.distance for c in found] == pytest.approx([c.distance for c in expected])


def test_an_ivf_search_leaves_the_thread_count_of_its_thread_as_it_was():
    encodings, owners = face_like(1000, 300)
    gallery = gallery_of(encodings, owners, approx_threshold=100)
    threads = faiss.omp_get_max_threads()
    assert gallery.search(encodings[3], k=1, max_distance=0.6)[0].face_id == 3
    assert faiss.omp_get_max_threads() == threads


@pytest.mark.parametrize("approx_threshold", [10**6, 10])
def test_added_faces_are_found_and_removed_persons_are_not(approx_threshold):
    encodings, owners = face_like(400, 100)
    gallery = gallery_of(encodings, owners, approx_threshold=approx_threshold)
    query = encodings[0]
    first = gallery.search(query, k=1, max_distance=0.6)[0]
    assert first.face_id == 0

    gallery.add([(9000, 777, query + 0.001)])
    assert gallery.search(query, k=2, max_distance=0.6)[:2] == [
        first, Candidate(777, 9000, pytest.approx(np.sqrt(128) * 0.001, rel=1e-3))]

    gallery.remove_person(first.person_id)
    gallery.remove_person(777)
    ids = {c.person_id for c in gallery.search(query, k=50, max_distance=2.0)}
    assert first.person_id not in ids and 777 not in ids
    assert len(gallery) == 400 - int((owners == first.person_id).sum())

    gallery.add([(9001, first.person_id, query)])
    assert gallery.search(query, k=1, max_distance=0.6)[0].face_id == 9001


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="mappings are read from /proc")
@pytest.mark.parametrize(("approx_threshold", "vectors"),
                         [(10**6, "encodings.npy"), (100, "index.faiss")])
def test_a_saved_gallery_is_searched_from_its_files_mapped_not_copied(
        tmp_path, approx_threshold, vectors):
    encodings, owners = face_like(3000, 800)
    built = gallery_of(encodings, owners, approx_threshold=approx_threshold)
    built.save(tmp_path / "v7")
    loaded = Gallery(approx_threshold)
    loaded.load(tmp_path / "v7")
    assert loaded.is_approximate == built.is_approximate
    queries, _ = face_like(20, 800, seed=3)
    for query in queries:
        assert loaded.search(query, k=10, max_distance=0.9) == built.search(
            query, k=10, max_distance=0.9)
    # Mapped, the file's pages are shared by every process on the host that loads it.
    assert str(tmp_path / "v7" / vectors) in Path("/proc/self/maps").read_text()


def test_encodings_stored_as_float32_bytes_read_the_same_as_arrays():
    encodings, _ = face_like(3, 3)
    as_bytes = [e.astype("<f4").tobytes() for e in encodings]
    assert np.array_equal(encoding_matrix(as_bytes), encodings)
    with pytest.raises(ValueError):
        encoding_matrix([encodings[0][:100]])


def test_searches_during_a_rebuild_see_either_gallery_whole():
    before, owners = face_like(2000, 500, seed=1)
    after = before + 0.0001
    gallery = gallery_of(before, owners)
    query = before[7]
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_until_stopped() -> None:
        while not stop.is_set():
            try:
                found = gallery.search(query, k=5, max_distance=0.6)
                assert found and found[0].face_id in (7, 10_007)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
                return

    readers = [threading.Thread(target=search_until_stopped) for _ in range(3)]
    for reader in readers:
        reader.start()
    for round_ in range(6):
        encodings, offset = (after, 10_000) if round_ % 2 == 0 else (before, 0)
        gallery.build(zip(range(offset, offset + 2000), owners.tolist(), encodings, strict=True))
    stop.set()
    for reader in readers:
        reader.join()
    assert errors == []


@pytest.mark.parametrize(("distance", "expected"), [
    (0.0, "strong"), (0.45, "strong"), (0.4501, "possible"), (0.50, "possible"),
    (0.5001, "weak"), (0.55, "weak"), (0.5501, None), (1.2, None),
])
def test_bands_include_their_upper_threshold(distance, expected):
    thresholds = {"strong": 0.45, "possible": 0.50, "weak": 0.55}
    assert band(distance, thresholds) == expected


def test_default_thresholds_tighten_from_weak_to_strong():
    assert (DEFAULT_THRESHOLDS["strong"] < DEFAULT_THRESHOLDS["possible"]
            < DEFAULT_THRESHOLDS["weak"] < 0.6)
