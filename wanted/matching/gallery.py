"""The in-memory gallery of registry faces, searched by encoding distance and grouped by person."""

import functools
import math
import os
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss

DIMENSIONS = 128
BANDS = ("strong", "possible", "weak")
# Distance bands calibrated on ../shared/data/faces (mostly Western faces); the calibrated scoring
# (scoring.py) keeps them as caps. Figures and reasoning in docs/matching.md.
DEFAULT_THRESHOLDS = {"strong": 0.45, "possible": 0.50, "weak": 0.55}
DEFAULT_APPROX_THRESHOLD = 100_000
# IVF settings measured in bench/matching.py (figures in docs/matching.md): recall@10 >= 0.99
# against exact search on face-like data up to 1M faces. About 2*sqrt(faces) lists, a power of
# two; k-means on 32 sampled faces per list; a tenth of the lists probed, at least 128 (smaller
# galleries need a larger share); their 4-bit PQ codes scanned in fast-scan blocks, then the best
# IVF_REFINE * n faces re-ranked by exact distance.
IVF_LISTS_PER_SQRT = 2
IVF_TRAIN_PER_LIST = 32
IVF_TRAIN_ITERATIONS = 10
IVF_PQ = "PQ64x4fs"
IVF_PROBE_SHARE = 0.1
IVF_MIN_PROBES = 128
IVF_REFINE = 16
# Faces fetched per wanted person before grouping; grows by this factor while persons are short.
FETCH_FACTOR = 4

Encoding = np.ndarray | bytes | Sequence[float]
FaceRow = tuple[int, int, Encoding]


@dataclass(frozen=True)
class Candidate:
    """A registry person near a searched face, by the distance of their nearest face."""

    person_id: int
    face_id: int
    distance: float


def band(distance: float, thresholds: Mapping[str, float]) -> str | None:
    """Name the band of a distance: strong, possible or weak; None beyond weak."""
    return next((name for name in BANDS if distance <= thresholds[name]), None)


def encoding_matrix(encodings: Sequence[Encoding]) -> np.ndarray:
    """Stack encodings given as arrays or 128 float32 little-endian bytes into one matrix."""
    blob = b"".join(e if isinstance(e, bytes) else np.asarray(e, "<f4").tobytes()
                    for e in encodings)
    matrix = np.frombuffer(blob, "<f4").astype(np.float32).reshape(-1, DIMENSIONS)
    if len(matrix) != len(encodings):
        raise ValueError("every encoding must hold 128 numbers")
    return matrix


class _ExactIndex:
    """Brute-force nearest faces: exact, and fast enough below a few hundred thousand faces."""

    def __init__(self, encodings: np.ndarray) -> None:
        self.encodings = encodings
        self.sq_norms = np.einsum("ij,ij->i", encodings, encodings)

    def nearest(self, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the distances and rows of the n nearest faces, nearest first."""
        sq = self.sq_norms - 2 * (self.encodings @ query)
        rows = np.argpartition(sq, n - 1)[:n] if n < len(sq) else np.arange(len(sq))
        # The expansion is fast but loses precision; the few rows chosen are measured directly.
        distances = np.linalg.norm(self.encodings[rows] - query, axis=1)
        order = np.argsort(distances, kind="stable")
        return distances[order], rows[order]

    @property
    def nbytes(self) -> int:
        """Return the bytes the index holds."""
        return self.encodings.nbytes + self.sq_norms.nbytes


@functools.cache
def _faiss() -> ModuleType:
    """Import FAISS when a gallery first needs it: web processes, which hold none, never do."""
    import faiss

    return faiss


class _IvfIndex:
    """Approximate nearest faces through a FAISS IVF-PQ fast-scan index re-ranked exactly."""

    def __init__(self, index: "faiss.Index") -> None:
        self.index = index
        lists = _faiss().extract_index_ivf(index).nlist
        probes = min(lists, max(IVF_MIN_PROBES, math.ceil(IVF_PROBE_SHARE * lists)))
        self.params = _faiss().IndexRefineSearchParameters(
            k_factor=IVF_REFINE, base_index_params=_faiss().SearchParametersIVF(nprobe=probes))

    @classmethod
    def build(cls, encodings: np.ndarray) -> "_IvfIndex":
        """Train and fill an index on the encodings."""
        lists = _ivf_lists(len(encodings))
        index = _faiss().index_factory(DIMENSIONS, f"IVF{lists},{IVF_PQ},RFlat")
        ivf = _faiss().extract_index_ivf(index)
        ivf.cp.niter = IVF_TRAIN_ITERATIONS
        ivf.cp.min_points_per_centroid = 1  # a small training sample is enough; don't warn
        sample = np.random.default_rng(0).choice(
            len(encodings), min(len(encodings), IVF_TRAIN_PER_LIST * lists), replace=False)
        index.train(encodings[np.sort(sample)])
        index.add(encodings)
        return cls(index)

    def nearest(self, query: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the distances and rows of about the n nearest faces, nearest first."""
        # One query gains nothing from OpenMP threads and waits for them on a busy machine (about
        # 5x slower at 1M faces); the setting is per calling thread, so it is restored after.
        threads = _faiss().omp_get_max_threads()
        _faiss().omp_set_num_threads(1)
        try:
            sq, rows = self.index.search(query[None], n, params=self.params)
        finally:
            _faiss().omp_set_num_threads(threads)
        found = rows[0] >= 0
        return np.sqrt(np.maximum(sq[0][found], 0)), rows[0][found]

    @property
    def nbytes(self) -> int:
        """Return the bytes the index holds, as its serialised size (a copy is made to count)."""
        return len(_faiss().serialize_index(self.index))


def _ivf_lists(faces: int) -> int:
    """Return the number of IVF lists for a gallery of this many faces."""
    return 1 << max(0, round(math.log2(IVF_LISTS_PER_SQRT * math.sqrt(max(faces, 1)))))


@dataclass(frozen=True)
class _Part:
    """Faces under one index, with a mask that hides the faces of removed persons."""

    face_ids: np.ndarray
    person_ids: np.ndarray
    visible: np.ndarray
    index: _ExactIndex | _IvfIndex | None

    def nearest(self, query: np.ndarray, n: int, max_distance: float
                ) -> tuple[list[Candidate], bool]:
        """Return the visible faces among the n nearest within max_distance, and if that was all."""
        if self.index is None:
            return [], True
        distances, rows = self.index.nearest(query, min(n, len(self.face_ids)))
        exhausted = len(rows) < n or distances[-1] > max_distance
        keep = self.visible[rows] & (distances <= max_distance)
        return [Candidate(int(person_id), int(face_id), float(distance))
                for person_id, face_id, distance in zip(
                    self.person_ids[rows[keep]], self.face_ids[rows[keep]], distances[keep],
                    strict=True)], exhausted

    @property
    def nbytes(self) -> int:
        """Return the bytes held by the index and the face arrays."""
        arrays = self.face_ids.nbytes + self.person_ids.nbytes + self.visible.nbytes
        return arrays + (self.index.nbytes if self.index else 0)

    def hide_persons(self, person_ids: np.ndarray) -> "_Part":
        """Return this part with some persons' faces hidden."""
        return replace(self, visible=self.visible & ~np.isin(self.person_ids, person_ids))


def _make_part(rows: Sequence[FaceRow], approximate: bool = False) -> _Part:
    """Index the faces exactly, or approximately through IVF."""
    face_ids = np.array([row[0] for row in rows], dtype=np.int64)
    person_ids = np.array([row[1] for row in rows], dtype=np.int64)
    encodings = encoding_matrix([row[2] for row in rows])
    if not rows:
        index = None
    elif approximate:
        index = _IvfIndex.build(encodings)
    else:
        index = _ExactIndex(encodings)
    return _Part(face_ids, person_ids, np.ones(len(rows), dtype=bool), index)


class Gallery:
    """Faces of registry persons in memory; searches read a snapshot while writers swap in new ones.

    `build` indexes every face (IVF above approx_threshold); `add` keeps later faces in a small
    exact part beside it until the next `build`, so adding a face never rebuilds a large index.
    """

    def __init__(self, approx_threshold: int = DEFAULT_APPROX_THRESHOLD) -> None:
        self.approx_threshold = approx_threshold
        self._write_lock = threading.Lock()
        self._recent_rows: list[FaceRow] = []
        self._parts = (_make_part([]), _make_part([]))

    def __len__(self) -> int:
        return sum(int(part.visible.sum()) for part in self._parts)

    @property
    def nbytes(self) -> int:
        """Return the bytes held by the indexes and face arrays (not Python overhead)."""
        return sum(part.nbytes for part in self._parts)

    @property
    def is_approximate(self) -> bool:
        """Tell whether the main part is searched through IVF."""
        return isinstance(self._parts[0].index, _IvfIndex)

    def build(self, rows: Iterable[FaceRow]) -> None:
        """Index all faces (face_id, person_id, encoding) anew, replacing what was there."""
        rows = list(rows)
        main = _make_part(rows, approximate=len(rows) > self.approx_threshold)
        with self._write_lock:
            self._recent_rows = []
            self._parts = (main, _make_part([]))

    def save(self, directory: Path) -> None:
        """Write the main part to a new directory (atomically: all of it or nothing)."""
        main = self._parts[0]
        tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        tmp.mkdir(parents=True)
        for name in ("face_ids", "person_ids", "visible"):
            np.save(tmp / f"{name}.npy", getattr(main, name))
        if isinstance(main.index, _ExactIndex):
            np.save(tmp / "encodings.npy", main.index.encodings)
        elif isinstance(main.index, _IvfIndex):
            _faiss().write_index(main.index.index, str(tmp / "index.faiss"))
        try:
            tmp.rename(directory)
        except OSError:  # another process saved the same version first
            shutil.rmtree(tmp, ignore_errors=True)

    def load(self, directory: Path) -> None:
        """Replace the gallery by one saved with `save`, its arrays mapped from the files.

        Processes on one host that map the same files share their pages: the exact encodings,
        or the vectors and centroids of the FAISS index (see `_read_index`).
        """
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r")
                  for name in ("face_ids", "person_ids")}
        visible = np.load(directory / "visible.npy")
        if (directory / "encodings.npy").exists():
            index = _ExactIndex(np.load(directory / "encodings.npy", mmap_mode="r"))
        elif (directory / "index.faiss").exists():
            index = _IvfIndex(_read_index(directory / "index.faiss"))
        else:
            index = None
        with self._write_lock:
            self._recent_rows = []
            self._parts = (_Part(arrays["face_ids"], arrays["person_ids"], visible, index),
                           _make_part([]))

    def add(self, rows: Iterable[FaceRow]) -> None:
        """Add faces (face_id, person_id, encoding) without rebuilding the main index."""
        with self._write_lock:
            self._recent_rows = self._recent_rows + list(rows)
            self._parts = (self._parts[0], _make_part(self._recent_rows))

    def remove_person(self, person_id: int) -> None:
        """Stop returning any face of a person."""
        self.remove_persons([person_id])

    def remove_persons(self, person_ids: Iterable[int]) -> None:
        """Stop returning any face of these persons."""
        ids = np.fromiter(person_ids, dtype=np.int64)
        gone = set(ids.tolist())
        with self._write_lock:
            self._recent_rows = [row for row in self._recent_rows if row[1] not in gone]
            self._parts = (self._parts[0].hide_persons(ids),
                           _make_part(self._recent_rows))

    def search(self, encoding: Encoding, *, k: int, max_distance: float) -> list[Candidate]:
        """Return up to k persons whose nearest face is within max_distance, nearest first."""
        query = encoding_matrix([encoding])[0]
        parts = self._parts
        fetch = FETCH_FACTOR * max(k, 1)
        while True:
            found = [part.nearest(query, fetch, max_distance) for part in parts]
            candidates = _best_per_person(hit for hits, _ in found for hit in hits)
            if len(candidates) >= k or all(exhausted for _, exhausted in found):
                return candidates[:k]
            fetch *= FETCH_FACTOR

    def nearest_faces(self, encoding: Encoding, n: int) -> list[Candidate]:
        """Return about the n nearest visible faces at any distance, nearest first (a cohort)."""
        query = encoding_matrix([encoding])[0]
        hits = [hit for part in self._parts for hit in part.nearest(query, n, math.inf)[0]]
        return sorted(hits, key=lambda h: (h.distance, h.face_id))[:n]


def _read_index(path: Path) -> "faiss.Index":
    """Read a FAISS index with its stored vectors mapped from the file, shared between processes.

    IO_FLAG_MMAP_IFC (FAISS >= 1.11) maps the storage of flat-code indexes in place: the exact
    vectors the IVF hits are re-ranked by (nearly all of the file: 512 of 545 MB at 1M faces)
    and the coarse centroids. The fast-scan PQ codes of the inverted lists (32 bytes a face)
    are read into the process: FAISS maps only plain array lists (IO_FLAG_MMAP), which the
    fast-scan index does not use.
    """
    flag = getattr(_faiss(), "IO_FLAG_MMAP_IFC", None)
    if flag is not None:
        try:
            return _faiss().read_index(str(path), flag)
        except RuntimeError:
            pass
    return _faiss().read_index(str(path))


def _best_per_person(hits: Iterable[Candidate]) -> list[Candidate]:
    """Keep each person's nearest face, nearest persons first."""
    best: dict[int, Candidate] = {}
    for hit in sorted(hits, key=lambda h: (h.distance, h.face_id)):
        best.setdefault(hit.person_id, hit)
    return list(best.values())
