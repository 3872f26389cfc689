"""Photo intake: hostile and awkward files get the right refusal; good ones come out clean."""

import hashlib
import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageFile

from wanted.matching.imaging import ImageRejected, check_image, crop_jpeg

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
REPO = Path(__file__).resolve().parents[2]


def check(data: bytes, **limits: int):
    return check_image(data, max_bytes=limits.get("max_bytes", MAX_BYTES),
                       max_pixels=limits.get("max_pixels", MAX_PIXELS))


def encoded(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def two_halves(size: tuple[int, int] = (200, 100)) -> Image.Image:
    """A photo whose left half is red and right half blue, to see where pixels end up."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(side: int) -> bytes:
    """A 1-bit black PNG of side x side pixels, a few hundred kilobytes on disk."""
    row = b"\0" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body)
            + png_chunk(b"IEND", b""))


def rejection(data: bytes, **limits: int) -> tuple[str, int]:
    with pytest.raises(ImageRejected) as caught:
        check(data, **limits)
    assert str(caught.value.message)
    return caught.value.code, caught.value.status


def test_loading_the_face_models_leaves_truncated_images_refused():
    from wanted.matching import engine

    engine.models()  # importing face_recognition turns the flag on
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


RACE = """
import io, threading
from PIL import Image
from wanted.matching import engine
from wanted.matching.imaging import ImageRejected, check_image

buffer = io.BytesIO()
Image.effect_noise((400, 300), 64).convert("RGB").save(buffer, "JPEG")
truncated = buffer.getvalue()[: buffer.tell() // 2]
loader = threading.Thread(target=engine.models)
loader.start()
accepted = refused = 0
while loader.is_alive():
    try:
        check_image(truncated, max_bytes=10**7, max_pixels=10**8)
        accepted += 1
    except ImageRejected:
        refused += 1
print(accepted, refused)
"""


def test_no_truncated_photo_gets_in_while_another_thread_loads_the_face_models():
    # A threaded server (gunicorn gthread, flask run) decodes uploads while a first face
    # search loads the models, whose import turns Pillow's truncated-image flag on for a while.
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", RACE], capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[2], timeout=300, check=True)
    accepted, refused = map(int, result.stdout.split())
    assert accepted == 0 and refused >= 1


TOGETHER = """
import io, threading
from PIL import Image
from wanted.matching import engine, imaging

meeting = threading.Barrier(2, timeout=5)
checked = imaging._check_dimensions


def meet_inside_the_decode(size, max_pixels):
    meeting.wait()  # both threads must be inside their decodes at once to pass
    return checked(size, max_pixels)


imaging._check_dimensions = meet_inside_the_decode
buffer = io.BytesIO()
Image.effect_noise((400, 300), 64).convert("RGB").save(buffer, "JPEG")
results = []


def decode():
    try:
        imaging.check_image(buffer.getvalue(), max_bytes=10**7, max_pixels=10**8)
        results.append("decoded")
    except threading.BrokenBarrierError:
        results.append("waited")


threads = [threading.Thread(target=decode) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(engine._models is None, *sorted(results))
"""


def test_photos_decode_in_parallel_threads_of_a_process_that_never_loads_the_models():
    # The portal decodes citizens' photos in every thread and never loads the face models: the
    # guard against the models' loading must not make its decodes wait for each other.
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", TOGETHER], capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[2], timeout=120, check=True)
    assert result.stdout.split() == ["True", "decoded", "decoded"]


@pytest.mark.parametrize(("data", "expected"), [
    (b"", ("empty", 400)),
    (b"<!doctype html><script>alert(1)</script>", ("unsupported_type", 415)),
    (b"<html><script>alert(1)</script></html>" + encoded(two_halves()), ("unsupported_type", 415)),
    (encoded(two_halves(), "GIF"), ("unsupported_type", 415)),
    (encoded(two_halves(), "BMP"), ("unsupported_type", 415)),
    (encoded(two_halves(), "TIFF"), ("unsupported_type", 415)),
    (b"%PDF-1.7\n" + b"\0" * 100, ("unsupported_type", 415)),
], ids=["zero bytes", "html", "html-jpeg polyglot", "gif", "bmp", "tiff", "pdf"])
def test_files_that_are_not_allowed_photos_are_refused(data, expected):
    assert rejection(data) == expected


def test_a_file_over_the_byte_limit_is_refused_before_decoding():
    assert rejection(encoded(two_halves()), max_bytes=100) == ("too_large", 413)


@pytest.mark.parametrize(("fmt", "cut"), [("JPEG", 0.5), ("JPEG", 0.9), ("PNG", 0.6)])
def test_a_truncated_photo_is_refused_as_corrupt(fmt, cut):
    image = Image.effect_noise((400, 300), 64).convert("RGB")
    data = encoded(image, fmt)
    assert rejection(data[: int(len(data) * cut)]) == ("corrupt", 400)


def test_a_photo_with_a_valid_header_and_garbage_body_is_refused_as_corrupt():
    data = encoded(two_halves())
    assert rejection(data[:200] + bytes(range(256)) * 20) == ("corrupt", 400)


@pytest.mark.parametrize("size", [(30000, 1), (1, 30000), (2000, 150), (15, 15)])
def test_absurd_dimensions_are_refused(size):
    assert rejection(encoded(Image.new("L", size), "PNG")) == ("bad_dimensions", 400)


@pytest.mark.parametrize("side", [8000, 20000])
def test_a_decompression_bomb_is_refused_from_its_header(side):
    data = bomb_png(side)
    assert len(data) < 2_000_000
    assert rejection(data) == ("too_many_pixels", 400)


def test_a_decompression_bomb_does_not_blow_memory():
    probe = (
        "import json, sys\n"
        "from wanted.matching.imaging import ImageRejected, check_image\n"
        "try:\n"
        "    check_image(sys.stdin.buffer.read(), max_bytes=10**8, max_pixels=50_000_000)\n"
        "    code = None\n"
        "except ImageRejected as exc:\n"
        "    code = exc.code\n"
        # VmHWM is this program's own peak; ru_maxrss would include the forking parent's.
        "peak = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
        "print(json.dumps([code, int(peak.split()[1])]))\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", probe], input=bomb_png(20000), cwd=REPO, capture_output=True,
        check=True, timeout=60)
    code, peak_kib = json.loads(done.stdout)
    assert code == "too_many_pixels"
    assert peak_kib < 250 * 1024  # 400 megapixels decoded would need at least 400 MB


def test_exif_orientation_is_applied_so_the_stored_photo_is_upright():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90° clockwise to view
    checked = check(encoded(two_halves((200, 100)), exif=exif, quality=95))
    stored = Image.open(io.BytesIO(checked.data))
    assert (checked.width, checked.height) == stored.size == (100, 200)
    red_top, blue_bottom = stored.getpixel((50, 40)), stored.getpixel((50, 160))
    assert red_top[0] > 150 > red_top[2]
    assert blue_bottom[2] > 150 > blue_bottom[0]
    assert ExifTags.Base.Orientation not in stored.getexif()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 12.0)
    exif[ExifTags.Base.Make] = "PhoneMaker"
    return exif


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_and_other_metadata_are_gone_after_intake(fmt):
    data = encoded(two_halves(), fmt, exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    checked = check(data)
    stored = Image.open(io.BytesIO(checked.data))
    assert checked.source_format == fmt
    assert not stored.getexif()
    assert not set(stored.info) & {"exif", "icc_profile", "xmp", "comment"}
    assert b"PhoneMaker" not in checked.data and b"Exif" not in checked.data


def test_a_jpeg_comment_carrying_html_is_dropped():
    data = encoded(two_halves(), comment=b"<script>alert(1)</script>", icc_profile=b"")
    checked = check(data)
    assert b"<script>" in data and b"<script>" not in checked.data


def test_an_embedded_colour_profile_is_applied_then_dropped():
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    checked = check(encoded(two_halves(), icc_profile=srgb))
    assert "icc_profile" not in Image.open(io.BytesIO(checked.data)).info


def test_a_heic_phone_photo_is_accepted():
    checked = check(encoded(two_halves(), "HEIF", quality=90))
    assert checked.source_format == "HEIF"
    assert (checked.width, checked.height) == (200, 100)


def test_a_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    checked = check(encoded(image, "PNG"))
    assert Image.open(io.BytesIO(checked.data)).getpixel((32, 32)) > (240, 240, 240)


def test_the_accepted_photo_is_a_jpeg_named_by_its_digest():
    checked = check(encoded(two_halves(), "PNG"))
    assert checked.data.startswith(b"\xff\xd8\xff")
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()
    assert check(encoded(two_halves(), "PNG")).sha256 == checked.sha256


def test_a_face_crop_keeps_a_margin_and_stays_inside_the_photo():
    checked = check(encoded(two_halves((400, 200))))
    crop = Image.open(io.BytesIO(crop_jpeg(checked.data, (50, 250, 150, 150), margin=0.5)))
    assert crop.format == "JPEG"
    assert crop.size == (200, 200)
    edge = Image.open(io.BytesIO(crop_jpeg(checked.data, (0, 400, 100, 300), margin=0.5)))
    assert edge.size == (150, 150)
