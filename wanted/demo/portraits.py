"""Stylised portrait drawings for the demo persons: flat shapes, never a photo of anyone."""

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

Colour = tuple[int, int, int]

SKIN_TONES: tuple[Colour, ...] = (
    (241, 206, 170), (228, 186, 146), (214, 170, 128), (196, 149, 108), (171, 124, 88),
    (150, 106, 74),
)
# Mostly black and dark brown; the last two stand for dyed hair.
HAIR_COLOURS: tuple[Colour, ...] = (
    (24, 20, 18), (30, 24, 20), (36, 28, 24), (52, 38, 30), (96, 64, 40), (150, 112, 60),
)
HAIR_WEIGHTS = (30, 30, 20, 12, 5, 3)
SHIRT_COLOURS: tuple[Colour, ...] = (
    (46, 64, 96), (120, 40, 40), (60, 90, 60), (90, 90, 96), (200, 200, 196), (40, 40, 44),
    (150, 110, 60), (70, 110, 150),
)
BACKGROUNDS: tuple[Colour, ...] = (
    (214, 220, 226), (226, 224, 216), (206, 214, 206), (222, 222, 222), (200, 210, 222),
)
# Drawn at twice the size and scaled down, which smooths the edges of the shapes.
SUPERSAMPLE = 2


@dataclass(frozen=True)
class Features:
    """The drawn features of one portrait, as fractions of the picture's size."""

    skin: Colour
    hair: Colour
    shirt: Colour
    background: Colour
    face_width: float
    face_height: float
    eye_gap: float
    eye_size: float
    mouth_width: float
    smile: float
    long_hair: bool
    fringe: float
    beard: bool
    glasses: bool
    scar: bool


def pick_features(rng: random.Random, sex: str) -> Features:
    """Pick the features of a portrait of a person of the given sex."""
    male = sex != "female"
    return Features(
        skin=rng.choice(SKIN_TONES),
        hair=rng.choices(HAIR_COLOURS, HAIR_WEIGHTS)[0],
        shirt=rng.choice(SHIRT_COLOURS),
        background=rng.choice(BACKGROUNDS),
        face_width=rng.uniform(0.25, 0.31) if male else rng.uniform(0.23, 0.28),
        face_height=rng.uniform(0.24, 0.29),
        eye_gap=rng.uniform(0.085, 0.11),
        eye_size=rng.uniform(0.018, 0.026),
        mouth_width=rng.uniform(0.06, 0.1),
        smile=rng.choice((0.0, 0.0, 0.008, 0.014)),
        long_hair=not male or rng.random() < 0.08,
        fringe=rng.uniform(0.02, 0.05),
        beard=male and rng.random() < 0.25,
        glasses=rng.random() < 0.12,
        scar=male and rng.random() < 0.2,
    )


def _shade(colour: Colour, factor: float) -> Colour:
    """Return the colour made darker (factor < 1) or lighter (factor > 1)."""
    red, green, blue = (max(0, min(255, round(c * factor))) for c in colour)
    return red, green, blue


def _mix(one: Colour, other: Colour) -> Colour:
    """Return the colour halfway between two colours."""
    red, green, blue = ((a + b) // 2 for a, b in zip(one, other, strict=True))
    return red, green, blue


def _box(w: int, h: int, cx: float, cy: float, rx: float, ry: float) -> tuple[int, ...]:
    """Return the pixel box of an ellipse given in fractions of the picture's size."""
    return (round((cx - rx) * w), round((cy - ry) * h), round((cx + rx) * w), round((cy + ry) * h))


def _draw_body(draw: ImageDraw.ImageDraw, w: int, h: int, f: Features) -> None:
    """Draw the shoulders, shirt collar and neck."""
    draw.ellipse(_box(w, h, 0.5, 1.08, 0.52, 0.3), fill=f.shirt)
    draw.rectangle(_box(w, h, 0.5, 0.74, 0.095, 0.08), fill=_shade(f.skin, 0.75))
    collar = [(0.42 * w, 0.8 * h), (0.5 * w, 0.9 * h), (0.58 * w, 0.8 * h)]
    draw.polygon(collar, fill=_shade(f.skin, 0.9), outline=_shade(f.shirt, 0.7))


def _draw_head(draw: ImageDraw.ImageDraw, w: int, h: int, f: Features) -> None:
    """Draw the hair behind the head, the ears, the face and the hair on top."""
    cy = 0.45
    if f.long_hair:
        draw.rounded_rectangle(
            _box(w, h, 0.5, cy + 0.12, f.face_width + 0.05, f.face_height + 0.12),
            radius=round(0.12 * w), fill=f.hair)
    for side in (-1, 1):
        draw.ellipse(_box(w, h, 0.5 + side * f.face_width, cy + 0.01, 0.035, 0.05),
                     fill=_shade(f.skin, 0.93))
    draw.ellipse(_box(w, h, 0.5, cy, f.face_width, f.face_height), fill=_shade(f.skin, 0.86))
    draw.ellipse(_box(w, h, 0.5, cy - 0.01, f.face_width * 0.88, f.face_height * 0.93),
                 fill=f.skin)
    top = cy - f.face_height
    draw.chord(_box(w, h, 0.5, top + f.face_height * 0.55, f.face_width * 1.04,
                    f.face_height * 0.62), 180, 360, fill=f.hair)
    draw.rectangle((round((0.5 - f.face_width * 0.8) * w), round((top + 0.05) * h),
                    round((0.5 + f.face_width * 0.8) * w), round((top + 0.05 + f.fringe) * h)),
                   fill=f.hair)


def _draw_face(draw: ImageDraw.ImageDraw, w: int, h: int, f: Features) -> None:
    """Draw the eyebrows, eyes, nose, mouth and any beard, glasses or scar."""
    eye_y, line = 0.44, max(1, round(0.008 * w))
    for side in (-1, 1):
        ex = 0.5 + side * f.eye_gap
        draw.ellipse(_box(w, h, ex, eye_y - 0.004, 0.05, 0.03), fill=_shade(f.skin, 0.85))
        draw.line(_box(w, h, ex, eye_y - 0.04, 0.04, 0.004), fill=f.hair, width=3 * line)
        draw.ellipse(_box(w, h, ex, eye_y, f.eye_size * 1.6, f.eye_size), fill=(235, 232, 225))
        draw.ellipse(_box(w, h, ex, eye_y, f.eye_size * 0.8, f.eye_size), fill=(40, 30, 26))
        draw.arc(_box(w, h, ex, eye_y, f.eye_size * 1.6, f.eye_size), 190, 350,
                 fill=(40, 30, 26), width=line)
        if f.glasses:
            draw.ellipse(_box(w, h, ex, eye_y, 0.055, 0.04), outline=(30, 30, 30), width=line)
    draw.ellipse(_box(w, h, 0.5, 0.525, 0.03, 0.014), fill=_shade(f.skin, 0.8))
    nose = [(0.5 * w, 0.47 * h), (0.48 * w, 0.53 * h), (0.51 * w, 0.535 * h)]
    draw.line(nose, fill=_shade(f.skin, 0.7), width=line)
    if f.beard:
        draw.chord(_box(w, h, 0.5, 0.6, f.face_width * 0.78, 0.1), 10, 170,
                   fill=_mix(f.skin, f.hair))
    _draw_mouth(draw, w, h, f, line)
    if f.scar:
        draw.line([(0.36 * w, 0.5 * h), (0.41 * w, 0.55 * h)], fill=(150, 80, 80), width=line)


def _draw_mouth(draw: ImageDraw.ImageDraw, w: int, h: int, f: Features, line: int) -> None:
    """Draw the lips with a straight line between them, or a curve when the face smiles."""
    colour = (140, 70, 70)
    draw.ellipse(_box(w, h, 0.5, 0.6, f.mouth_width / 2, 0.012), fill=_mix(f.skin, colour))
    if f.smile == 0:
        draw.line(_box(w, h, 0.5, 0.6, f.mouth_width / 2, 0), fill=colour, width=line)
        return
    mouth = _box(w, h, 0.5, 0.59 - f.smile, f.mouth_width / 2, 0.02 + f.smile)
    draw.arc(mouth, 20, 160, fill=colour, width=line)


def portrait_jpeg(seed: int, sex: str, size: tuple[int, int] = (300, 400)) -> bytes:
    """Draw a stylised portrait that is the same for the same seed, and return it as JPEG."""
    features = pick_features(random.Random(seed), sex)
    w, h = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    image = Image.new("RGB", (w, h), features.background)
    draw = ImageDraw.Draw(image)
    _draw_body(draw, w, h, features)
    _draw_head(draw, w, h, features)
    _draw_face(draw, w, h, features)
    buffer = io.BytesIO()
    image.resize(size, Image.Resampling.LANCZOS).save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
