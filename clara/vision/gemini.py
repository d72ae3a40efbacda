"""The Gemini reader: the photo and a short instruction to a Gemini vision model, a JSON answer back.

Gemini reads worn, curved and glare-struck plates that OCR cannot, and says how sure it is of each field. Its
answer is held to a schema (the field names are an enum) and its values go through the same normalisation as
the offline reader's, so both readers' answers look alike. The client honours `GOOGLE_GEMINI_BASE_URL`, which
tests point at a local fake speaking the same wire format.
"""

from __future__ import annotations

import asyncio
import time

from google import genai
from google.genai import types
from pydantic import BaseModel, Field

from clara.analytics import usage
from clara.analytics.usage import Usage
from clara.vision.fields import normalise
from clara.vision.models import FieldName, NameplateFields, Reading

INSTRUCTION = (
    "This photo shows the nameplate (rating plate) of a piece of HVAC or fire-protection equipment. Transcribe every "
    "line of text you can read, top to bottom, into `text`. Then list the fields printed on it: manufacturer "
    "(the brand), model (model number), serial (serial number), voltage, phase, hz, mca (minimum circuit ampacity), "
    "mocp (max fuse / breaker / maximum overcurrent protection), rla and lra (compressor), refrigerant, charge "
    "(factory refrigerant charge with its units). Copy values exactly as printed; leave out fields you cannot see. "
    "Give each a confidence between 0 and 1."
)


class _Field(BaseModel):
    name: FieldName
    value: str
    confidence: float = Field(ge=0, le=1)


class _Answer(BaseModel):
    text: str
    fields: list[_Field]


async def read(jpeg: bytes, *, api_key: str, model: str, timeout_seconds: float) -> tuple[Reading, Usage]:
    """The plate as Gemini reads it, and what the request consumed; raises on any failure (the caller falls back
    to the offline reader)."""
    # One attempt: given no retry options, google-genai sleeps 1-10 s and tries again on a refused or dropped
    # connection, so every photo waited that long for the offline reader while Gemini was unreachable.
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(
        timeout=int(timeout_seconds * 1000), retry_options=types.HttpRetryOptions(attempts=1)))
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=_Answer,
                                         temperature=0.0)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_seconds):
            response = await client.aio.models.generate_content(
                model=model, contents=[types.Part.from_bytes(data=jpeg, mime_type="image/jpeg"), INSTRUCTION],
                config=config,
            )
    finally:
        await client.aio.aclose()
    consumed = usage.from_response(response, model=model, latency_seconds=time.perf_counter() - started)
    answer = _Answer.model_validate_json(response.text or "")
    values: dict[str, str] = {}
    confidence: dict[str, float] = {}
    for field in answer.fields:
        value = normalise(field.name, field.value)
        if value and field.name not in values:
            values[field.name] = value
            confidence[field.name] = round(field.confidence, 2)
    return Reading(text=answer.text, fields=NameplateFields(**values), confidence=confidence, reader="gemini"), consumed
