"""Property test of the photo intake: any bytes give a clean refusal or a valid image."""

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from wanted.matching.imaging import CheckedImage, ImageRejected, check_image

EXAMPLES = int(os.environ.get("WANTED_FUZZ_EXAMPLES", "8")) * 25
LIMITS = {"max_bytes": 200_000, "max_pixels": 1_000_000}


def sample(fmt: str) -> bytes:
    """A small photo-like image in the format, with EXIF where the format carries it."""
    image = Image.linear_gradient("L").resize((48, 40)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated, so the intake must turn it
    out = io.BytesIO()
    options = {"exif": exif.tobytes()} if fmt in ("JPEG", "PNG", "WEBP") else {}
    image.save(out, fmt, **options)
    return out.getvalue()


SAMPLES = {fmt: sample(fmt) for fmt in ("JPEG", "PNG", "WEBP")}
seeds = st.sampled_from(sorted(SAMPLES)).map(SAMPLES.get)


@st.composite
def truncated(draw) -> bytes:
    data = draw(seeds)
    return data[:draw(st.integers(0, len(data) - 1))]


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(seeds))
    for _ in range(draw(st.integers(1, 12))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):  # splice a random run into the middle
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


@st.composite
def random_with_magic(draw) -> bytes:
    magic = draw(st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP",
                                  b"\0\0\0\x18ftypheic", b""]))
    return magic + draw(st.binary(max_size=2048))


def assert_clean(data: bytes) -> None:
    """The intake either refuses with a status and message, or returns a decodable JPEG."""
    try:
        checked = check_image(data, **LIMITS)
    except ImageRejected as refusal:
        assert refusal.status in (400, 413, 415)
        assert str(refusal.message)
        return
    assert isinstance(checked, CheckedImage)
    with Image.open(io.BytesIO(checked.data)) as image:
        image.load()
        assert image.format == "JPEG"
        assert image.size == (checked.width, checked.height)


def test_the_samples_themselves_are_accepted_upright():
    for data in SAMPLES.values():
        checked = check_image(data, **LIMITS)
        assert (checked.width, checked.height) == (40, 48)  # turned by its EXIF orientation


@pytest.mark.parametrize("strategy", [truncated(), mutated(), random_with_magic()],
                         ids=["truncated", "mutated", "random"])
def test_any_bytes_are_refused_cleanly_or_accepted_as_an_image(strategy):
    @given(data=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    def check(data: bytes) -> None:
        assert_clean(data)

    check()
