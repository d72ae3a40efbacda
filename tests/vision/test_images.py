"""Photo decoding: a big phone JPEG is read at reduced scale, a sideways one is turned upright."""

from __future__ import annotations

import io

from PIL import Image

from clara.vision.images import decode

LIMITS = {"max_bytes": 10**8, "max_pixels": 50_000_000, "max_full_pixels": 20_000_000, "max_side": 1600}


def jpeg(width: int, height: int, **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 205)).save(out, "JPEG", quality=70, **save)
    return out.getvalue()


def test_a_28_megapixel_jpeg_is_read_at_reduced_scale() -> None:
    picture = decode(jpeg(7000, 4000), **LIMITS)  # a PNG this size would be refused
    assert picture.mode == "RGB" and max(picture.size) == 1600 and picture.size[0] > picture.size[1]


def test_a_phones_multi_frame_jpeg_is_a_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (200, 200, 205)).save(out, "MPO", save_all=True,
                                                         append_images=[Image.new("RGB", (600, 400))])
    assert max(decode(out.getvalue(), **LIMITS).size) == 1600  # 24 megapixels: over a PNG's limit, not a JPEG's


def test_a_photo_stored_sideways_comes_out_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    picture = decode(jpeg(1200, 800, exif=exif.tobytes()), **LIMITS)
    assert picture.size == (800, 1200)
