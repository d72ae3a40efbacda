"""Equipment from a photo: read the nameplate, date the unit from its serial, and find its spec in our catalogue.

`identify` is the one entry point, for the route, the chat's image frame and agent or MCP tools alike: image bytes
in, an `Identification` out. Gemini reads the plate when `GOOGLE_API_KEY` is set; the offline OCR reads it when
there is no key or Gemini fails, so a photo is always answered. With a `job_id` the caller must be allowed that
job (as for every job route), and the answer says whether the unit is already registered at the job's site.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Callable

from PIL import Image

from clara.analytics import usage
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.jobs import service as jobs
from clara.jobs.models import JobDetail
from clara.knowledge import service as knowledge
from clara.knowledge.models import Spec
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.vision import gemini, images, ocr, serials
from clara.vision.models import Identification, Reading

log = get_logger(__name__)

MAX_PIXELS = 50_000_000  # a 48-megapixel phone JPEG passes (decoded at reduced scale); a decompression bomb does not
MAX_FULL_PIXELS = 20_000_000  # a PNG is decoded whole: 60 MB of RGB at most
READ_SIDE = 1600  # pixels on the long side the readers get: a plate filling the frame stays legible


async def identify(stores: Stores, *, actor: CurrentUser, image: bytes, job_id: int | None = None) -> Identification:
    """What the unit in the photo is: its plate's fields, month of manufacture, catalogue spec and near models."""
    detail = None if job_id is None else await jobs.get_job(stores, actor=actor, job_id=job_id)
    return await _identify(stores, await decode_photo(image, max_bytes=stores.settings.max_image_bytes), detail,
                           actor=actor)


async def identify_picture(stores: Stores, *, actor: CurrentUser, picture: Image.Image,
                           job_id: int | None = None) -> Identification:
    """`identify` for a picture already decoded and bounded: a chat photo, or a frame of a room's camera."""
    detail = None if job_id is None else await jobs.get_job(stores, actor=actor, job_id=job_id)
    return await _identify(stores, picture, detail, actor=actor)


async def decode_photo(image: bytes, *, max_bytes: int, field: str = "image") -> Image.Image:
    """Photo bytes as an upright RGB picture at most READ_SIDE on its long side, decoded on the photo worker;
    ApiError naming `field` for anything that is not a sound JPEG or PNG within the limits."""
    return await ocr.run(functools.partial(images.decode, image, max_bytes=max_bytes, max_pixels=MAX_PIXELS,
                                           max_full_pixels=MAX_FULL_PIXELS, max_side=READ_SIDE, field=field))


async def picture_from(make: Callable[[], Image.Image]) -> Image.Image:
    """The picture `make` builds (a camera frame converted to RGB), built on the photo worker and bounded to
    READ_SIDE like a photo."""

    def bounded() -> Image.Image:
        picture = make()
        picture.thumbnail((READ_SIDE, READ_SIDE))
        return picture

    return await ocr.run(bounded)


async def _identify(stores: Stores, picture: Image.Image, detail: JobDetail | None, *,
                    actor: CurrentUser) -> Identification:
    started = time.perf_counter()
    reading = await read(stores, picture, actor=actor)
    fields = reading.fields.present()
    confidence = dict(reading.confidence)
    spec, matches = await _catalogue(stores, fields.get("model"))
    if spec is not None and spec.manufacturer and "manufacturer" not in fields:
        fields["manufacturer"], confidence["manufacturer"] = spec.manufacturer, confidence.get("model", 0.5)
    manufactured = None
    if "serial" in fields:
        decoded = serials.decode(fields["serial"], fields.get("manufacturer"))
        fields["serial"], manufactured = decoded.serial, decoded.manufactured
    on_site = None
    if detail is not None and "serial" in fields:
        wanted = _compact(fields["serial"])
        on_site = next((e for e in detail.equipment if e.serial and _compact(e.serial) == wanted), None)
    log.info("nameplate_identified", reader=reading.reader, fields=sorted(fields), spec=spec is not None,
             manufactured=manufactured, seconds=round(time.perf_counter() - started, 3))
    return Identification(
        text=reading.text, fields=fields, manufactured=manufactured, confidence=confidence,
        spec=None if spec is None else spec.as_json(), matches=matches, reader=reading.reader, on_site=on_site,
    )


async def read(stores: Stores, picture: Image.Image, *, actor: CurrentUser) -> Reading:
    """Gemini's reading when a key is set and it answers in time (its usage recorded against `actor`), else the
    offline OCR's."""
    settings = stores.settings
    if settings.google_api_key:
        try:
            reading, consumed = await gemini.read(images.jpeg(picture),
                                                  api_key=settings.google_api_key.get_secret_value(),
                                                  model=settings.gemini_model,
                                                  timeout_seconds=settings.gemini_timeout_seconds)
        except Exception as exc:  # any failure of the remote reader: the photo is still read, offline
            log.warning("nameplate_gemini_failed", error=type(exc).__name__, detail=str(exc)[:200])
        else:
            try:
                await usage.record(stores, consumed, user_id=actor.id, channel="vision")
            except Exception as exc:  # accounting must never cost the technician their reading
                log.error("llm_usage_not_stored", models=[consumed.model], error=repr(exc))
            return reading
    return await ocr.read(picture)


def _compact(code: str) -> str:
    """A model or serial number as compared: letters and digits only, upper case ("50-tcqa 06" is 50TCQA06)."""
    return re.sub(r"[^0-9A-Za-z]", "", code).upper()


async def _catalogue(stores: Stores, model: str | None) -> tuple[Spec | None, list[str]]:
    """Our spec of the model read, else the catalogue models close to it.

    A plate prints the full model number, the catalogue model followed by option codes ("50TCQA06A2A5A0A0A0" is a
    50TCQA06): the longest close match that the model read starts with is taken as the catalogue model.
    """
    if not model:
        return None, []
    try:
        return await knowledge.equipment_spec(stores, model=model), []
    except knowledge.UnknownModel as unknown:
        matches = unknown.close_matches
    except ApiError:  # not something a model number can be
        return None, []
    key = _compact(model)
    stems = sorted((m for m in matches if len(_compact(m)) >= 5 and key.startswith(_compact(m))),
                   key=lambda m: len(_compact(m)))
    if stems:
        return await knowledge.equipment_spec(stores, model=stems[-1]), []
    return None, matches
