"""Photo bytes in, a bounded RGB picture out: every check that keeps a hostile upload from costing memory or a 500.

Pillow reads only the header on `open`, so the size is known before a pixel is decoded: a picture over
`max_pixels` (a 20,000 x 20,000 "decompression bomb" is 400 megapixels, 1.2 GB as RGB) is refused there. A JPEG is
then decoded at the smallest DCT scale that still covers `max_side` (`Image.draft`), which is both faster and
lighter than decoding a 48-megapixel phone photo in full; a PNG has no such scale, so it is held to fewer pixels.
The phone's EXIF orientation is applied, because a nameplate shot in portrait is stored sideways and OCR reads rows.

HEIC (iPhones' native format) is not accepted: the libraries that decode it offline bundle GPL-licensed HEVC
code. Phones convert to JPEG when sharing, and the app sends JPEG.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from clara.web.errors import ApiError

FORMATS = ("JPEG", "PNG")
SCALED_FORMATS = ("JPEG", "MPO")  # MPO: a phone's JPEG carrying extra frames (depth, preview), read as a JPEG


def decode(data: bytes, *, max_bytes: int, max_pixels: int, max_full_pixels: int, max_side: int,
           field: str = "image") -> Image.Image:
    """The photo as an RGB image no larger than `max_side` on its long side, upright; ApiError naming `field`
    (the multipart part `image`, or the chat frame's `data`).

    A JPEG may have `max_pixels`: it is decoded at reduced scale. A PNG is decoded in full (3 bytes a pixel), so
    it may have `max_full_pixels`.
    """

    def _refuse(status: int, code: str, message: str) -> ApiError:
        return ApiError(status, code, f"{field} {message}", field)

    if not data:
        raise _refuse(400, "validation_error", "is empty")
    if len(data) > max_bytes:
        raise _refuse(413, "payload_too_large", f"must be at most {max_bytes} bytes")
    try:
        picture = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise _refuse(422, "image_too_large", f"must be at most {max_pixels} pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(415, "unsupported_media_type", "must be a JPEG or PNG photo") from None
    width, height = picture.size
    if width < 1 or height < 1:
        raise _refuse(422, "unprocessable", "has no pixels")
    limit = max_pixels if picture.format in SCALED_FORMATS else max_full_pixels
    if width * height > limit:
        raise _refuse(422, "image_too_large", f"is {width} x {height} pixels; a {picture.format} may have at "
                                              f"most {limit} pixels")
    try:
        picture.draft("RGB", (max_side, max_side))  # JPEG: decode at 1/2, 1/4 or 1/8 scale; others ignore it
        picture.load()
        picture = ImageOps.exif_transpose(picture)
        picture = picture.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(422, "unprocessable", "is truncated or corrupt") from None
    picture.thumbnail((max_side, max_side))
    return picture


def jpeg(picture: Image.Image, *, quality: int = 90) -> bytes:
    """`picture` as JPEG bytes: what is sent to a vision model (smaller than the upload, already upright)."""
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()
