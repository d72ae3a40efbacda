"""The Gemini reader through the real google-genai client against a local fake Gemini, and its fallback to OCR."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest

from clara.settings import Settings
from tests.conftest import bearer, running, user_by_email
from tests.fakes.gemini import FakeGemini, Reply, error, hang, text
from tests.vision.conftest import identify
from tests.vision.plates import Plate, render

PLATE = Plate(header="CARRIER CORPORATION  SYRACUSE NY", manufacturer="Carrier", model="50TCQA06A2A5A0A0A0",
              serial="1824C12345", manufactured="2024-05", layout="inline")
ANSWER = {
    "text": "CARRIER CORPORATION SYRACUSE NY\nMODEL NO. 50TCQA06A2A5A0A0A0 SERIAL NO. 1824C12345",
    "fields": [
        {"name": "manufacturer", "value": "Carrier Corporation", "confidence": 0.97},
        {"name": "model", "value": "50TCQA06A2A5A0A0A0", "confidence": 0.93},
        {"name": "serial", "value": "1824C12345", "confidence": 0.91},
        {"name": "voltage", "value": "208-230 V", "confidence": 0.88},
        {"name": "charge", "value": "7 lbs 4 oz", "confidence": 0.8},
    ],
}


async def _identify(settings: Settings, photo: bytes, *, usage: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=1.0) as app:
        headers = bearer(app, await user_by_email(app, "maria.lopez@clara.dev"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            response = await identify(client, headers, photo)
            if usage is not None:
                usage += (await client.get("/clara-server/analytics/usage", headers=headers,
                                           params={"group_by": "model"})).json()["rows"]
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_gemini_reads_the_plate_when_a_key_is_set(settings: Settings, gemini: FakeGemini) -> None:
    gemini.then(text(json.dumps(ANSWER)))
    photo = render(PLATE, fmt="PNG")
    usage: list[dict[str, Any]] = []
    body = await _identify(settings, photo, usage=usage)
    assert body["reader"] == "gemini"
    # the read is an LLM request like a turn's: its tokens (the fake reports 12 in, 19 in all) are on the usage route
    [read] = [group for group in usage if group["key"] == "gemini-2.5-flash"]
    assert (read["input_tokens"], read["output_tokens"], read["requests"], read["turns"]) == (12, 7, 1, 0), read
    assert body["fields"] == {"manufacturer": "Carrier", "model": "50TCQA06A2A5A0A0A0", "serial": "1824C12345",
                              "voltage": "208/230", "charge": "7 lb 4 oz"}
    assert body["confidence"] == {"manufacturer": 0.97, "model": 0.93, "serial": 0.91, "voltage": 0.88, "charge": 0.8}
    assert body["manufactured"] == "2024-05" and body["spec"]["model"] == "50TCQA06"
    assert body["text"] == ANSWER["text"]

    [request] = gemini.requests
    assert gemini.paths[0].endswith("/models/gemini-2.5-flash:generateContent")
    parts = request["contents"][0]["parts"]
    image = next(p["inlineData"] for p in parts if "inlineData" in p)
    mime = image.get("mimeType") or image.get("mime_type")  # the API takes either spelling; google-genai sends snake
    assert mime == "image/jpeg" and base64.urlsafe_b64decode(image["data"])[:2] == b"\xff\xd8"  # re-encoded PNG
    assert any("nameplate" in p.get("text", "") for p in parts)
    config = request["generationConfig"]
    assert config["responseMimeType"] == "application/json" and "fields" in json.dumps(config["responseSchema"])


@pytest.mark.parametrize("failure", [error(500), text("I cannot read this plate."), hang(3)],
                         ids=["http-500", "not-json", "timeout"])
async def test_a_failing_gemini_falls_back_to_the_offline_reader(
    settings: Settings, gemini: FakeGemini, failure: Reply
) -> None:
    gemini.then(failure)
    body = await _identify(settings, render(PLATE))
    assert body["reader"] == "offline"
    assert (body["fields"]["model"], body["fields"]["serial"], body["manufactured"]) == (
        PLATE.model, PLATE.serial, PLATE.manufactured)
    assert len(gemini.requests) == 1


async def test_an_unreachable_gemini_is_tried_once_and_the_offline_reader_answers_at_once(
        settings: Settings, dropping_gemini: None) -> None:
    """google-genai, given no retry options, slept 1-10 s and tried again on a dropped or refused connection: every
    photo waited that long (up to the timeout) for the offline reader while Gemini was unreachable."""
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=15.0) as app:
        headers = bearer(app, await user_by_email(app, "maria.lopez@clara.dev"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            started = time.monotonic()
            response = await identify(client, headers, render(PLATE, fmt="PNG"))
            elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.json()["reader"] == "offline"
    assert elapsed < 8.0  # the offline OCR takes a few seconds of its own on a busy machine; the retry slept 10
