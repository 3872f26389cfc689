"""The engine: boxes in the photo's own pixels, small faces found, quality figures that mean it."""

import numpy as np
import pytest
from PIL import Image, ImageFilter, ImageOps

from wanted.matching.engine import detection_scale, face_quality, find_faces, load_rgb


@pytest.mark.parametrize(("size", "upsample", "max_side", "scale"), [
    ((4000, 3000), 1, 1000, 0.5),
    ((3000, 4000), 0, 1000, 0.25),
    ((640, 480), 1, 1000, 2.0),
    ((250, 250), 2, 1000, 4.0),
    ((1000, 800), 1, 1000, 2.0),
])
def test_photos_are_scaled_for_detection_to_a_bounded_size(size, upsample, max_side, scale):
    assert detection_scale(size, upsample=upsample, max_side=max_side) == scale


def test_a_face_found_in_a_large_photo_is_boxed_in_its_own_pixels(faces_dir, portrait_face):
    small = load_rgb(faces_dir / "obama" / "4.jpg")
    large = ImageOps.fit(small, (4000, 3000), Image.Resampling.BICUBIC)
    [face] = find_faces(large)
    [reference] = find_faces(ImageOps.fit(small, (1000, 750), Image.Resampling.BICUBIC))
    assert np.allclose(face.box, [4 * v for v in reference.box], atol=60)
    assert face.encoding.dtype == np.float32 and face.encoding.shape == (128,)
    assert np.linalg.norm(face.encoding - portrait_face("obama/4.jpg").encoding) < 0.1
    assert face.model == "dlib_resnet_v1+hog"
    assert face.quality["size"] == face.box[2] - face.box[0]


def test_upsampling_finds_the_small_face_of_a_small_photo(faces_dir):
    photo = load_rgb(faces_dir / "obama" / "4.jpg")
    tiny = photo.resize((140, round(photo.height * 140 / photo.width)))
    assert find_faces(tiny, upsample=0) == []
    [face] = find_faces(tiny, upsample=1)
    assert face.quality["size"] < 50


def test_a_blurred_face_scores_lower_sharpness(faces_dir, portrait_face):
    photo = load_rgb(faces_dir / "obama" / "4.jpg")
    box = portrait_face("obama/4.jpg").box
    sharp = face_quality(photo, box)["blur"]
    blurred = face_quality(photo.filter(ImageFilter.GaussianBlur(4)), box)["blur"]
    assert blurred < sharp / 4
