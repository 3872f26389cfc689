"""Find and encode faces; the only module that speaks to face_recognition.

face_recognition reads dlib's models when it is imported, which is most of the cost
of starting a process; it is imported by `models()` on the first face operation, so processes
that never touch a face (the public portal, web workers whose searches are queued) never load
it. A search worker calls `models()` when it starts, before it takes a job.
"""

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
from PIL import Image, ImageFile, ImageOps

MODEL_NAMES = {"hog": "dlib_resnet_v1+hog", "cnn": "dlib_resnet_v1+mmod_cnn"}
DEFAULT_MAX_SIDE = 1000
# Blur is measured on the face resized to this square so photos of any size compare.
BLUR_SIDE = 128

Box = tuple[int, int, int, int]


_loading = threading.Lock()  # one thread loads the models
_decodes = threading.Condition()  # guards the two below
_decoding = 0  # decodes running while the models are not loaded
_loading_now = False  # the models' import is under way: no decode may start
_models: ModuleType | None = None


def models() -> ModuleType:
    """Import face_recognition, which loads dlib's detection, landmark and encoding models."""
    global _models, _loading_now
    if _models is None:
        with _loading:
            if _models is None:
                with _decodes:
                    _loading_now = True
                    _decodes.wait_for(lambda: _decoding == 0)
                try:
                    import face_recognition

                    # Importing face_recognition turns on Pillow's LOAD_TRUNCATED_IMAGES for the
                    # whole process; photo intake must refuse truncated files, so it is turned
                    # off again before any decode may start (see `truncated_photos_refused`).
                    ImageFile.LOAD_TRUNCATED_IMAGES = False
                    _models = face_recognition
                finally:
                    with _decodes:
                        _loading_now = False
                        _decodes.notify_all()
    return _models


@contextmanager
def truncated_photos_refused() -> Iterator[None]:
    """Decode within this: the models' loading waits for the decodes under way, and a decode
    waits while the models load, so no thread ever decodes while the flag is on. Decodes do not
    wait for each other (a process that never loads the models, such as the portal, decodes
    in all its threads at once)."""
    global _decoding
    if _models is not None:
        yield
        return
    with _decodes:
        _decodes.wait_for(lambda: not _loading_now)
        _decoding += 1
    try:
        yield
    finally:
        with _decodes:
            _decoding -= 1
            _decodes.notify_all()


@dataclass(frozen=True)
class DetectedFace:
    """A face in a photo: its box (top, right, bottom, left), encoding and quality figures."""

    box: Box
    encoding: np.ndarray
    model: str
    quality: dict[str, float]


def load_rgb(source: bytes | Path) -> Image.Image:
    """Open a stored or trusted photo as upright RGB pixels."""
    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def find_faces(image: Image.Image, *, model: str = "hog", upsample: int = 1,
               max_side: int = DEFAULT_MAX_SIDE, jitters: int = 1) -> list[DetectedFace]:
    """Find every face in an RGB image and encode each one, averaging `jitters` resamplings."""
    return [DetectedFace(box, encode_face(image, box, jitters), MODEL_NAMES[model],
                         face_quality(image, box))
            for box in locate_faces(image, model=model, upsample=upsample, max_side=max_side)]


def locate_faces(image: Image.Image, *, model: str, upsample: int, max_side: int) -> list[Box]:
    """Detect faces on a copy scaled for speed and return their boxes in the image's pixels."""
    scale = detection_scale(image.size, upsample=upsample, max_side=max_side)
    size = (round(image.width * scale), round(image.height * scale))
    # reducing_gap=1 shrinks by whole factors first: several times faster on 12 MP photos.
    probe = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0) if scale != 1 else image
    found = models().face_locations(np.asarray(probe), 0, model)
    return [_scale_box(box, 1 / scale, image.size) for box in found]


def encode_face(image: Image.Image, box: Box, jitters: int = 1) -> np.ndarray:
    """Compute the 128-number encoding of the face in a box at the image's full resolution."""
    pixels, local = _face_region(image, box)
    return models().face_encodings(pixels, [local], jitters)[0].astype(np.float32)


def _face_region(image: Image.Image, box: Box) -> tuple[np.ndarray, Box]:
    """Return the pixels around a face and the face's box within them."""
    top, right, bottom, left = box
    height, width = bottom - top, right - left
    # A margin of one face on each side holds the whole aligned chip, so only it is converted.
    region = (max(0, left - width), max(0, top - height),
              min(image.width, right + width), min(image.height, bottom + height))
    local = (top - region[1], right - region[0], bottom - region[1], left - region[0])
    return np.asarray(image.crop(region)), local


def detection_scale(size: tuple[int, int], *, upsample: int, max_side: int) -> float:
    """Return the factor that brings a photo to its longest side capped at max_side, upsampled."""
    longest = max(size)
    return min(longest, max_side) * 2**upsample / longest


def _scale_box(box: Box, factor: float, size: tuple[int, int]) -> Box:
    """Map a (top, right, bottom, left) box by a factor, kept inside an image of that size."""
    top, right, bottom, left = (round(v * factor) for v in box)
    width, height = size
    return max(0, top), min(width, right), min(height, bottom), max(0, left)


def face_quality(image: Image.Image, box: Box) -> dict[str, float]:
    """Measure a face's height in pixels, sharpness (variance of the Laplacian) and turn (yaw)."""
    top, right, bottom, left = box
    grey = image.crop((left, top, right, bottom)).convert("L").resize((BLUR_SIDE, BLUR_SIDE))
    g = np.asarray(grey, dtype=np.float32)
    laplacian = g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4 * g[1:-1, 1:-1]
    return {"size": float(bottom - top), "blur": round(float(laplacian.var()), 1),
            "yaw": face_yaw(image, box)}


def face_yaw(image: Image.Image, box: Box) -> float:
    """Estimate how far a face is turned sideways from its landmarks: 0 frontal, 1 in profile.

    The nose tip's offset from the middle of the jaw line, over half the jaw's width.
    """
    pixels, local = _face_region(image, box)
    [marks] = models().face_landmarks(pixels, [local], "large")
    jaw = np.asarray(marks["chin"], dtype=np.float32)
    nose = np.asarray(marks["nose_tip"], dtype=np.float32).mean(axis=0)
    left, right = jaw[0], jaw[-1]
    half = max(float(np.linalg.norm(right - left)) / 2, 1.0)
    along = float(np.dot(nose - (left + right) / 2, (right - left) / (2 * half)))
    return round(min(abs(along) / half, 1.0), 2)
