"""The one intake path for uploaded photos: sniff, bound, decode, orient, strip, re-encode."""

import hashlib
import io
import struct
from dataclasses import dataclass

import pillow_heif
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps

from wanted.matching.engine import truncated_photos_refused

pillow_heif.register_heif_opener()

JPEG_QUALITY = 90
MIN_SIDE = 16
MAX_ASPECT = 10
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1",
               b"msf1"}
# What Pillow raises on a file whose header promised more than its body holds.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)


class ImageRejected(Exception):
    """An upload refused before anything was stored; `message` is shown to the user."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CheckedImage:
    """An accepted photo: upright RGB JPEG bytes without metadata, and what it came from."""

    data: bytes
    sha256: str
    width: int
    height: int
    source_format: str


def sniff_format(data: bytes) -> str | None:
    """Name the allowed image format that the leading bytes announce, if any."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def check_image(data: bytes, *, max_bytes: int, max_pixels: int) -> CheckedImage:
    """Accept an uploaded photo as stripped, upright JPEG bytes or raise ImageRejected."""
    if not data:
        raise ImageRejected("empty", _l("The file is empty."), 400)
    if len(data) > max_bytes:
        raise ImageRejected("too_large", _l("The file is larger than the upload limit."), 413)
    source_format = sniff_format(data)
    if source_format is None:
        raise ImageRejected(
            "unsupported_type", _l("Only JPEG, PNG, WebP and HEIC photos are accepted."), 415)
    image = _decode(data, source_format, max_pixels)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    clean = out.getvalue()
    return CheckedImage(clean, hashlib.sha256(clean).hexdigest(), image.width, image.height,
                        source_format)


def _decode(data: bytes, source_format: str, max_pixels: int) -> Image.Image:
    """Decode fully after checking the header, and return upright RGB pixels without metadata."""
    try:
        with truncated_photos_refused(), \
                Image.open(io.BytesIO(data), formats=[source_format]) as image:
            _check_dimensions(image.size, max_pixels)
            image.load()
            return _to_plain_rgb(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except DECODE_ERRORS as exc:
        raise ImageRejected("corrupt", _l("The photo is damaged or incomplete."), 400) from exc


def _check_dimensions(size: tuple[int, int], max_pixels: int) -> None:
    """Refuse sizes that would cost too much memory or cannot hold a face."""
    width, height = size
    if width * height > max_pixels:
        raise _too_many_pixels()
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRejected(
            "bad_dimensions", _l("The photo is too small or too narrow to hold a face."), 400)


def _too_many_pixels() -> ImageRejected:
    return ImageRejected("too_many_pixels", _l("The photo has too many pixels."), 400)


def _to_plain_rgb(image: Image.Image) -> Image.Image:
    """Return the pixels as sRGB on white, with no metadata left attached."""
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    rgb = _to_srgb(image.convert("RGB"), icc) if icc else image.convert("RGB")
    rgb.info.clear()  # the JPEG encoder would otherwise carry the source's comment over
    return rgb


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Convert from the embedded colour profile, as the profile itself will not be kept."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"))
    except (ImageCms.PyCMSError, OSError):
        return image


def crop_jpeg(data: bytes, box: tuple[int, int, int, int], margin: float = 0.3,
              max_side: int = 256) -> bytes:
    """Cut a face box (top, right, bottom, left) with a margin out of stored photo bytes."""
    top, right, bottom, left = box
    pad_x, pad_y = round((right - left) * margin), round((bottom - top) * margin)
    with Image.open(io.BytesIO(data)) as image:
        region = (max(0, left - pad_x), max(0, top - pad_y),
                  min(image.width, right + pad_x), min(image.height, bottom + pad_y))
        crop = image.convert("RGB").crop(region)
    crop.thumbnail((max_side, max_side))
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=85)
    return out.getvalue()
