"""Make the demo's synthetic faces: composites of several different people, never one person.

Run by a developer beside ../shared/data/faces (the sample photos are never committed):

    .venv/bin/python scripts/make_demo_faces.py

Each demo face is made from four to six different identities of the sample set: every source
face is aligned on its 68 landmarks, warped (thin-plate spline) to one shared geometry, and the
warped faces are averaged with random Dirichlet weights. The shared geometry and the texture are
pushed away from the mean of all sources ("caricature"), which keeps composites apart from each
other. A field photo of a demo person is a composite of the same sources and weights made from
their *other* photos where they have any, turned, lit and cropped differently and placed in a
larger street scene.

Candidates are measured with the app's own engine and kept only if the face is further than
SOURCE_MIN from every photo of its sources, further than PERSON_MIN from every other kept demo
face, and (for field photos) found first and in the strong band. Writes the registry faces to
wanted/demo/faces/, the field photos to static/demo/field/ and the source identity names and
figures to wanted/demo/faces/manifest.json.
"""

import argparse
import io
import json
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import face_recognition
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from wanted.matching.engine import find_faces  # noqa: E402
from wanted.matching.gallery import DEFAULT_THRESHOLDS  # noqa: E402

SOURCES = REPO.parent / "shared" / "data" / "faces"
FACES_OUT = REPO / "wanted" / "demo" / "faces"
FIELD_OUT = REPO / "static" / "demo" / "field"
# Identities of the sample set that are women; the demo faces are men's, from men only.
WOMEN = {"rose_leslie", "Vicki_ZhaoWei", "adams"}
# Registry portrait size and where the eye centres sit in it.
SIZE = (300, 400)
LEFT_EYE, RIGHT_EYE = (123.0, 168.0), (177.0, 168.0)
SOURCE_MIN = 0.62  # the tests demand > 0.6; a little margin for JPEG and library versions
PERSON_MIN = 0.53  # beyond "possible" (0.50) with a margin: demo persons do not match each other
FIELD_MAX = 0.42  # a field photo sits well inside "strong" (0.45) of its own person
FIELD_OTHERS_MIN = 0.53
FIELD_TRIES = 4
# No source may make up more than this share of a composite, nor less than the minimum.
MAX_WEIGHT, MIN_WEIGHT = 0.26, 0.06
SOURCE_COUNTS = (5, 6, 7)
# How far the geometry and the texture are pushed from the mean of all sources (1: not at all).
SHAPE_PUSH, TEXTURE_PUSH = (1.6, 2.4), (1.0, 1.3)
# The eyes, nose and mouth each take their own weights, drawn less evenly (a photofit of parts).
REGIONS = ("eyes", "nose", "mouth")
REGION_ALPHA, REGION_MAX = 0.8, 0.7
JPEG_QUALITY = 82
FIELD_SIZE = (960, 720)
FIELD_QUALITY = 70


@dataclass
class SourceFace:
    """One photo of the sample set, aligned to the portrait frame."""

    identity: str
    photo: str
    pixels: np.ndarray  # aligned RGB, float32, SIZE
    valid: np.ndarray  # 1 where the aligned frame shows the photo, 0 beyond its edges
    landmarks: np.ndarray  # 68 x 2 in the aligned frame
    encoding: np.ndarray


def largest_face(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """Return the box of the largest face the HOG detector finds, upsampled once."""
    boxes = face_recognition.face_locations(image, 1, "hog")
    return max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3])) if boxes else None


def landmarks_of(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Return the 68 landmarks of the face in a box as an array of (x, y)."""
    import dlib

    top, right, bottom, left = box
    shape = face_recognition.api.pose_predictor_68_point(image, dlib.rectangle(left, top, right,
                                                                                bottom))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the centres of the left and right eye (as seen) from 68 landmarks."""
    return points[36:42].mean(axis=0), points[42:48].mean(axis=0)


def similarity(src: tuple, dst: tuple) -> np.ndarray:
    """Return the 2x3 similarity transform that maps two source points onto two destinations."""
    (x1, y1), (x2, y2) = src
    (u1, v1), (u2, v2) = dst
    a = complex(u2 - u1, v2 - v1) / complex(x2 - x1, y2 - y1)
    t = complex(u1, v1) - a * complex(x1, y1)
    return np.array([[a.real, -a.imag, t.real], [a.imag, a.real, t.imag]])


def align(image: Image.Image, points: np.ndarray, size=SIZE, eyes=(LEFT_EYE, RIGHT_EYE)
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rotate, scale and crop a photo so the eyes sit at fixed places; map its landmarks too.

    Returns the pixels, a mask of where they come from the photo, and the moved landmarks.
    """
    left, right = eye_centres(points)
    forward = similarity((tuple(left), tuple(right)), eyes)
    inverse = tuple(np.linalg.inv(np.vstack([forward, [0, 0, 1]]))[:2].ravel())
    warped = image.transform(size, Image.Transform.AFFINE, inverse, Image.Resampling.BICUBIC,
                             fillcolor=(128, 128, 128))
    inside = Image.new("L", image.size, 255).transform(size, Image.Transform.AFFINE, inverse,
                                                      Image.Resampling.BILINEAR, fillcolor=0)
    inside = inside.filter(ImageFilter.MinFilter(9)).filter(ImageFilter.GaussianBlur(8))
    valid = np.asarray(inside, dtype=np.float32)[..., None] / 255
    moved = points @ forward[:, :2].T + forward[:, 2]
    return np.asarray(warped, dtype=np.float32), valid, moved


def load_sources(root: Path) -> list[SourceFace]:
    """Align every men's photo of the sample set in which one face is found."""
    faces = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")):
        if folder.name in WOMEN:
            continue
        for path in sorted(folder.glob("*.jpg")):
            image = Image.open(path).convert("RGB")
            image.thumbnail((1200, 1200))
            pixels = np.asarray(image)
            box = largest_face(pixels)
            if box is None:
                continue
            points = landmarks_of(pixels, box)
            encoding = face_recognition.face_encodings(pixels, [box])[0]
            aligned, valid, moved = align(image, points)
            faces.append(SourceFace(folder.name, f"{folder.name}/{path.name}", aligned, valid,
                                    moved, encoding))
    return faces


# --- thin-plate spline warping --------------------------------------------------------------

def frame_points(size=SIZE) -> np.ndarray:
    """Return fixed points along the picture's border so the warp leaves the edges in place."""
    w, h = size
    xs, ys = np.linspace(0, w - 1, 5), np.linspace(0, h - 1, 6)
    border = [(x, 0) for x in xs] + [(x, h - 1) for x in xs]
    border += [(0, y) for y in ys[1:-1]] + [(w - 1, y) for y in ys[1:-1]]
    return np.array(border, dtype=np.float64)


def _tps_kernel(r2: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r2 == 0, 0.0, r2 * np.log(r2))


def tps_map(target: np.ndarray, source: np.ndarray, size=SIZE, step: int = 4) -> np.ndarray:
    """Return, for each pixel of the target frame, where to read it in the source (H x W x 2).

    The spline is evaluated every `step` pixels and interpolated between: it is smooth enough.
    """
    n = len(target)
    k = _tps_kernel(((target[:, None] - target[None]) ** 2).sum(-1))
    p = np.hstack([np.ones((n, 1)), target])
    system = np.zeros((n + 3, n + 3))
    system[:n, :n], system[:n, n:], system[n:, :n] = k + 1e-3 * np.eye(n), p, p.T
    rhs = np.zeros((n + 3, 2))
    rhs[:n] = source
    coef = np.linalg.solve(system, rhs)
    w, h = size
    gw, gh = math.ceil((w - 1) / step) + 1, math.ceil((h - 1) / step) + 1
    grid = np.stack(np.meshgrid(np.arange(gw) * step, np.arange(gh) * step), -1)
    grid = grid.reshape(-1, 2).astype(np.float64)
    u = _tps_kernel(((grid[:, None] - target[None]) ** 2).sum(-1))
    coarse = (u @ coef[:n] + coef[n] + grid @ coef[n + 1:]).reshape(gh, gw, 2)
    fy, fx = np.mgrid[0:h, 0:w] / step
    return sample(coarse, np.stack([fx, fy], -1))


def sample(pixels: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Read an image at fractional (x, y) places with bilinear interpolation."""
    h, w = pixels.shape[:2]
    x = np.clip(where[..., 0], 0, w - 1.001)
    y = np.clip(where[..., 1], 0, h - 1.001)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    top = pixels[y0, x0] * (1 - fx) + pixels[y0, x0 + 1] * fx
    bottom = pixels[y0 + 1, x0] * (1 - fx) + pixels[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def warp(pixels: np.ndarray, source: np.ndarray, target: np.ndarray, size=SIZE) -> np.ndarray:
    """Warp an image so its landmarks move from `source` to `target`, the border held still."""
    fixed = frame_points(size)
    return sample(pixels, tps_map(np.vstack([target, fixed]), np.vstack([source, fixed]), size))


# --- composites -------------------------------------------------------------------------------

@dataclass
class Recipe:
    """How one demo person's face is made: which identities, in what shares, how pushed."""

    identities: list[str]
    weights: list[float]  # each source's share of the geometry and of the skin
    region_weights: list[list[float]]  # each source's share of the eyes, the nose, the mouth
    shape_push: float
    texture_push: float
    tint: tuple[float, float, float]
    backdrop: tuple[int, int, int]
    shirt: tuple[int, int, int]


def pick_recipe(rng: random.Random, identities: list[str]) -> Recipe:
    """Draw four to six different identities, Dirichlet weights and the caricature strengths."""
    chosen = rng.sample(identities, rng.choice(SOURCE_COUNTS))
    weights = dirichlet(rng, len(chosen), 2.5, MAX_WEIGHT, MIN_WEIGHT)
    regions = [dirichlet(rng, len(chosen), REGION_ALPHA, REGION_MAX, 0.0) for _ in REGIONS]
    return Recipe(chosen, weights, regions, shape_push=rng.uniform(*SHAPE_PUSH),
                  texture_push=rng.uniform(*TEXTURE_PUSH),
                  tint=(rng.uniform(0.93, 1.07), rng.uniform(0.93, 1.03), rng.uniform(0.88, 1.0)),
                  backdrop=rng.choice(((214, 220, 226), (226, 224, 216), (206, 214, 206),
                                       (200, 210, 222), (230, 230, 230))),
                  shirt=rng.choice(((46, 64, 96), (120, 40, 40), (60, 90, 60), (90, 90, 96),
                                    (200, 200, 196), (40, 40, 44), (150, 110, 60))))


def dirichlet(rng: random.Random, n: int, alpha: float, most: float, least: float
              ) -> list[float]:
    """Draw n Dirichlet weights, again until each lies between `least` and `most`."""
    while True:
        raw = [rng.gammavariate(alpha, 1.0) for _ in range(n)]
        weights = [v / sum(raw) for v in raw]
        if max(weights) <= most and min(weights) >= least:
            return weights


def region_masks(shape: np.ndarray, size=SIZE) -> np.ndarray:
    """Return soft masks (regions x H x W x 1) of the eyes with brows, the nose and the mouth."""
    masks = []
    for points, grow in ((np.vstack([shape[17:27], shape[36:48]]), 1.25),
                         (shape[27:36], 1.35), (shape[48:60], 1.3)):
        centre = points.mean(axis=0)
        grown = centre + grow * (points - centre)
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).polygon([tuple(p) for p in hull(grown)], fill=255)
        masks.append(np.asarray(mask.filter(ImageFilter.GaussianBlur(7)), np.float32) / 255)
    stacked = np.stack(masks)
    total = stacked.sum(axis=0)
    stacked = stacked / np.maximum(total, 1.0)
    return stacked[..., None]


def hull(points: np.ndarray) -> np.ndarray:
    """Return the convex hull of 2-D points, counter-clockwise (monotone chain)."""
    pts = sorted(map(tuple, points))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    return np.array(half(pts)[:-1] + half(pts[::-1])[:-1])


def face_mask(points: np.ndarray, size=SIZE, blur: float = 14.0) -> np.ndarray:
    """Return a soft mask (H x W) over the face, forehead, hair and neck, 1 inside."""
    w, h = size
    chin = points[0:17]
    top = points[17:27]
    centre_x = points[27:31, 0].mean()
    brow_y = top[:, 1].min()
    face_h = chin[:, 1].max() - brow_y
    outline = [tuple(p) for p in chin]
    # the crown of the head above the brows, and the neck below the jaw
    width = chin[16, 0] - chin[0, 0]
    crown = [(centre_x + 0.62 * width * math.cos(a), brow_y - 0.05 * face_h
              - 0.75 * face_h * math.sin(a)) for a in np.linspace(0, math.pi, 16)]
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon(outline + [(chin[16, 0] + 0.05 * width, brow_y)] + crown
                 + [(chin[0, 0] - 0.05 * width, brow_y)], fill=255)
    neck_w = 0.3 * width
    draw.rectangle((centre_x - neck_w, chin[8, 1] - 0.3 * face_h, centre_x + neck_w,
                    chin[8, 1] + 0.3 * face_h), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(mask, dtype=np.float32)[..., None] / 255


def composite(faces: list[SourceFace], recipe: Recipe, mean_shape, mean_texture,
              shape_noise: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Warp source faces to one pushed geometry and blend them, each region by its own weights.

    Returns the portrait on its backdrop, the geometry, the bare face and the face's mask.
    """
    blend_shape = sum(w * f.landmarks for f, w in zip(faces, recipe.weights, strict=True))
    shape = mean_shape + recipe.shape_push * (blend_shape - mean_shape)
    if shape_noise is not None:
        shape = shape + shape_noise
    regions = region_masks(shape)
    rest = 1 - regions.sum(axis=0)
    weights = [rest * w + sum(m * r[i] for m, r in zip(regions, recipe.region_weights,
                                                          strict=True))
               for i, w in enumerate(recipe.weights)]
    warped = [warp(np.concatenate([f.pixels, f.valid], -1), f.landmarks, shape) for f in faces]
    share = sum(w * img[..., 3:] for img, w in zip(warped, weights, strict=True))
    blend = sum(w * img[..., :3] * img[..., 3:] for img, w in zip(warped, weights, strict=True))
    blend = blend / np.maximum(share, 1e-3)
    mean_here = warp(mean_texture, mean_shape, shape)
    pushed = mean_here + recipe.texture_push * (blend - mean_here)
    pushed = pushed * np.array(recipe.tint, dtype=np.float32)
    mask = face_mask(shape)
    backdrop = np.empty_like(pushed)
    backdrop[:] = recipe.backdrop
    # a soft vignette so the plain backdrop looks lit, not flat
    h, w = pushed.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    shade = 1 - 0.12 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2)
    backdrop *= shade[..., None]
    backdrop = shoulders(backdrop, shape, recipe.shirt)
    mask = mask * np.clip(share * 4, 0, 1)
    out = mask * pushed + (1 - mask) * backdrop
    return np.clip(out, 0, 255), shape, np.clip(pushed, 0, 255), mask


def shoulders(backdrop: np.ndarray, shape: np.ndarray, shirt: tuple) -> np.ndarray:
    """Paint plain shoulders and a collar below the chin onto the backdrop."""
    picture = Image.fromarray(np.clip(backdrop, 0, 255).astype(np.uint8))
    draw_shoulders(ImageDraw.Draw(picture), shape, shirt)
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    return np.asarray(picture, dtype=np.float32)


def draw_shoulders(draw: ImageDraw.ImageDraw, shape: np.ndarray, shirt: tuple) -> None:
    """Draw shoulders and a darker collar below the chin of a face of this geometry."""
    chin_y, width = shape[8, 1], shape[16, 0] - shape[0, 0]
    cx = shape[27:31, 0].mean()
    top = chin_y + 0.22 * width
    draw.ellipse((cx - 1.6 * width, top, cx + 1.6 * width, top + 2.2 * width), fill=shirt)
    dark = tuple(int(c * 0.7) for c in shirt[:3]) + tuple(shirt[3:])
    draw.polygon([(cx - 0.35 * width, top + 0.02 * width), (cx, top + 0.45 * width),
                  (cx + 0.35 * width, top + 0.02 * width)], fill=dark)


def mean_of(faces: list[SourceFace]) -> tuple[np.ndarray, np.ndarray]:
    """Return the mean shape and the mean texture (warped to it) of one photo per identity."""
    firsts = {}
    for face in faces:
        firsts.setdefault(face.identity, face)
    shape = np.mean([f.landmarks for f in firsts.values()], axis=0)
    texture = np.mean([warp(f.pixels * f.valid, f.landmarks, shape) for f in firsts.values()],
                      axis=0)
    valid = np.mean([warp(f.valid, f.landmarks, shape) for f in firsts.values()], axis=0)
    texture = texture / np.maximum(valid, 1e-3)
    return shape, texture


# --- field photos ----------------------------------------------------------------------------

# Rough depth of the 68 landmarks (nose forward, jaw back) for turning the head a little.
DEPTH = np.array([-0.9] * 3 + [-0.6] * 3 + [-0.3] * 5 + [-0.6] * 3 + [-0.9] * 3
                 + [-0.1] * 10 + [0.2, 0.35, 0.5, 0.7, 0.35, 0.45, 0.5, 0.45, 0.35]
                 + [-0.1] * 12 + [0.25] * 20)


def turned(shape: np.ndarray, yaw: float, scale: float) -> np.ndarray:
    """Return landmarks of the head turned by `yaw` radians (depth from DEPTH)."""
    centre = shape[27:36].mean(axis=0)
    width = shape[16, 0] - shape[0, 0]
    moved = shape.copy()
    x = shape[:, 0] - centre[0]
    z = DEPTH * width * scale
    moved[:, 0] = centre[0] + x * math.cos(yaw) + z * math.sin(yaw)
    return moved


def street_scene(rng: random.Random, size=FIELD_SIZE) -> Image.Image:
    """Paint a made-up street: sky, shop fronts with awnings and signs, a road and poles."""
    w, h = size
    scene = Image.new("RGB", size)
    draw = ImageDraw.Draw(scene)
    sky = rng.choice(((176, 196, 214), (200, 206, 210), (150, 170, 196)))
    for y in range(h):
        f = y / h
        draw.line((0, y, w, y), fill=tuple(int(c * (1.05 - 0.2 * f)) for c in sky))
    x = -rng.randint(0, 80)
    while x < w:
        bw = rng.randint(110, 240)
        top = rng.randint(int(0.05 * h), int(0.3 * h))
        wall = tuple(rng.randint(120, 235) for _ in range(3))
        draw.rectangle((x, top, x + bw, h), fill=wall)
        for wy in range(top + 20, int(0.5 * h), 60):
            for wx in range(x + 15, x + bw - 30, 50):
                draw.rectangle((wx, wy, wx + 25, wy + 35), fill=tuple(int(c * 0.55) for c in wall))
        sign = tuple(rng.randint(30, 230) for _ in range(3))
        draw.rectangle((x + 8, int(0.5 * h), x + bw - 8, int(0.56 * h)), fill=sign)
        awning = tuple(rng.randint(60, 220) for _ in range(3))
        draw.polygon([(x, int(0.6 * h)), (x + bw, int(0.6 * h)), (x + bw + 10, int(0.66 * h)),
                      (x - 10, int(0.66 * h))], fill=awning)
        draw.rectangle((x + 10, int(0.66 * h), x + bw - 10, h),
                       fill=tuple(int(c * 0.35) for c in wall))
        x += bw
    draw.rectangle((0, int(0.86 * h), w, h), fill=(90, 90, 92))
    for _ in range(rng.randint(1, 3)):
        px = rng.randint(0, w)
        draw.rectangle((px, int(0.1 * h), px + 8, int(0.9 * h)), fill=(70, 70, 74))
    return scene.filter(ImageFilter.GaussianBlur(rng.uniform(2.0, 4.0)))


def field_photo(rng: random.Random, face: np.ndarray, shape: np.ndarray, mask: np.ndarray
                ) -> Image.Image:
    """Place a face (turned, relit) with shoulders into a street scene, off centre."""
    w, h = SIZE
    yaw = rng.choice((-1, 1)) * rng.uniform(0.12, 0.22)
    moved = turned(shape, yaw, 0.4)
    face = warp(face, shape, moved)
    mask = warp(mask, shape, moved)
    yy, xx = np.mgrid[0:h, 0:w]
    side = 1 if rng.random() < 0.5 else -1
    light = 1.0 + side * rng.uniform(0.12, 0.22) * (xx - w / 2) / (w / 2)
    light *= rng.uniform(0.85, 1.08)
    face = np.clip(face * light[..., None], 0, 255)
    shirt = tuple(rng.randint(20, 200) for _ in range(3))
    body = Image.new("RGBA", SIZE, (*shirt, 0))
    draw_shoulders(ImageDraw.Draw(body), moved, (*shirt, 255))
    body = body.filter(ImageFilter.GaussianBlur(1.5))
    body_pixels = np.asarray(body, dtype=np.float32)
    body_alpha = body_pixels[..., 3:] / 255
    person_pixels = mask * face + (1 - mask) * body_pixels[..., :3]
    alpha = np.maximum(mask, body_alpha)
    scale = rng.uniform(1.0, 1.3)
    size = (round(w * scale), round(h * scale))
    layer = Image.fromarray(person_pixels.astype(np.uint8)).resize(size, Image.Resampling.BICUBIC)
    matte = Image.fromarray((alpha[..., 0] * 255).astype(np.uint8)).resize(size)
    angle = rng.uniform(-7, 7)
    layer, matte = layer.rotate(angle, Image.Resampling.BICUBIC), matte.rotate(angle)
    scene = street_scene(rng)
    sw, sh = scene.size
    x = rng.randint(int(0.05 * sw), sw - size[0] - int(0.05 * sw))
    y = sh - size[1] + rng.randint(0, int(0.08 * sh))
    scene.paste(layer, (x, y), matte)
    grain = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 3, (sh, sw, 3))
    noisy = np.asarray(scene, dtype=np.float32) + grain
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.6))


# --- measuring and writing -------------------------------------------------------------------

def jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a picture as a baseline JPEG without metadata."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def encode_jpeg(data: bytes) -> list[np.ndarray]:
    """Encode the faces of JPEG bytes the way the app does."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return [face.encoding for face in find_faces(image)]


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Return the Euclidean distance of two encodings."""
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))


def main() -> None:
    """Generate, measure and keep demo faces and field photos; write them and the manifest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=48)
    parser.add_argument("--field", type=int, default=12, help="demo persons with a field photo")
    parser.add_argument("--pool", type=int, default=160, help="candidates far from their sources")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not SOURCES.is_dir():
        sys.exit(f"The sample photos are expected at {SOURCES}.")
    rng = random.Random(args.seed)
    faces = load_sources(SOURCES)
    by_identity: dict[str, list[SourceFace]] = {}
    for face in faces:
        by_identity.setdefault(face.identity, []).append(face)
    print(f"{len(faces)} source photos of {len(by_identity)} identities", file=sys.stderr)
    mean_shape, mean_texture = mean_of(faces)
    pool = candidates(rng, by_identity, mean_shape, mean_texture, args.pool)
    kept = apart(pool, args.persons)
    with_field = 0
    for entry in kept:
        if with_field < args.field and any(
                add_field_photo(rng, entry, by_identity, mean_shape, mean_texture, kept)
                for _ in range(FIELD_TRIES)):
            with_field += 1
    write(kept, args)


def candidates(rng: random.Random, by_identity: dict[str, list[SourceFace]], mean_shape,
               mean_texture, wanted: int) -> list[dict]:
    """Make composites until `wanted` of them lie further than SOURCE_MIN from every source."""
    identities = sorted(by_identity)
    pool: list[dict] = []
    tries = 0
    while len(pool) < wanted:
        tries += 1
        recipe = pick_recipe(rng, identities)
        firsts = [by_identity[i][0] for i in recipe.identities]
        pixels, shape, _, _ = composite(firsts, recipe, mean_shape, mean_texture)
        data = jpeg(Image.fromarray(pixels.astype(np.uint8)))
        found = encode_jpeg(data)
        if len(found) != 1:
            continue
        to_sources = min(distance(found[0], f.encoding) for i in recipe.identities
                         for f in by_identity[i])
        if to_sources >= SOURCE_MIN:
            pool.append({"recipe": recipe, "encoding": found[0], "data": data, "shape": shape,
                         "to_sources": to_sources})
            print(f"try {tries}: pool {len(pool)}", file=sys.stderr)
    return pool


def apart(pool: list[dict], wanted: int) -> list[dict]:
    """Pick up to `wanted` candidates, no two within PERSON_MIN (fewest clashes first)."""
    encodings = np.array([entry["encoding"] for entry in pool])
    near = np.linalg.norm(encodings[:, None] - encodings[None], axis=-1) < PERSON_MIN
    np.fill_diagonal(near, False)
    left = set(range(len(pool)))
    chosen = []
    while left and len(chosen) < wanted:
        best = min(left, key=lambda i: (int(near[i, list(left)].sum()), i))
        chosen.append(best)
        left -= {best, *np.flatnonzero(near[best])}
    return [pool[i] for i in sorted(chosen)]


def add_field_photo(rng: random.Random, entry: dict, by_identity, mean_shape, mean_texture,
                    kept: list[dict]) -> bool:
    """Make a field photo for a kept face from its sources' other photos; keep it if it matches."""
    recipe: Recipe = entry["recipe"]
    firsts = [by_identity[i][0] for i in recipe.identities]
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 1.0, mean_shape.shape)
    _, shape, face, mask = composite(firsts, recipe, mean_shape, mean_texture, noise)
    picture = field_photo(rng, face, shape, mask)
    data = jpeg(picture, FIELD_QUALITY)
    found = encode_jpeg(data)
    if len(found) != 1:
        return False
    own = distance(found[0], entry["encoding"])
    nearest_other = min(distance(found[0], k["encoding"]) for k in kept if k is not entry)
    print(f"  field: own {own:.3f} others {nearest_other:.3f}", file=sys.stderr)
    if own > FIELD_MAX or nearest_other < FIELD_OTHERS_MIN:
        return False
    entry["field"], entry["field_distance"] = data, own
    return True


def write(kept: list[dict], args) -> None:
    """Write the kept faces, field photos and the manifest of their source identities."""
    FACES_OUT.mkdir(parents=True, exist_ok=True)
    FIELD_OUT.mkdir(parents=True, exist_ok=True)
    for old in [*FACES_OUT.glob("*.jpg"), *FIELD_OUT.glob("*.jpg")]:
        old.unlink()
    manifest = {"generator": "scripts/make_demo_faces.py", "seed": args.seed,
                "thresholds": DEFAULT_THRESHOLDS, "faces": []}
    for number, entry in enumerate(kept, start=1):
        name = f"demo-{number:02d}.jpg"
        (FACES_OUT / name).write_bytes(entry["data"])
        recipe: Recipe = entry["recipe"]
        item = {"file": name, "sources": recipe.identities,
                "weights": [round(w, 3) for w in recipe.weights],
                "min_distance_to_sources": round(entry["to_sources"], 3)}
        if "field" in entry:
            field = f"field-demo-{number:02d}.jpg"
            (FIELD_OUT / field).write_bytes(entry["field"])
            item["field_photo"] = field
            item["field_distance"] = round(entry["field_distance"], 3)
        manifest["faces"].append(item)
    encodings = [k["encoding"] for k in kept]
    pairs = [distance(a, b) for i, a in enumerate(encodings) for b in encodings[i + 1:]]
    manifest["min_distance_between_persons"] = round(min(pairs), 3) if pairs else None
    (FACES_OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False)
                                             + "\n")
    print(f"kept {len(kept)} faces, {sum('field' in k for k in kept)} field photos; "
          f"closest persons {manifest['min_distance_between_persons']}", file=sys.stderr)


if __name__ == "__main__":
    main()
