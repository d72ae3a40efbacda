"""The WebSocket's `image` frame: a nameplate photo read by the vision service (offline OCR, no key) becomes the
conversation's current unit, so the next turns' "this one" and "it" are that unit; a bad photo is an `error` frame
naming its field, and the socket stays open."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from PIL import Image
from websockets.asyncio.client import ClientConnection

from clara.web.caller import CurrentUser
from clara.agent.tools import nameplates
from clara.chat import frames
from clara.chat.turns import PHOTO_SENT
from tests.chat.conftest import Server, ask, collect, recv
from tests.vision.conftest import png_header
from tests.vision.plates import Plate, render

CARRIER = Plate(header="CARRIER CORPORATION  SYRACUSE NY", manufacturer="Carrier", model="50TCQA06A2A5A0A0A0",
                serial="1824C12345", manufactured="2024-05", layout="inline", mocp="35", mca="25.0")
GOODMAN = Plate(header="GOODMAN MANUFACTURING  HOUSTON TX", manufacturer="Goodman", model="GSX140361",
                serial="1805123456", manufactured=None, layout="inline", mocp="30")


async def send_image(ws: ClientConnection, photo: bytes, mime: str = "image/jpeg") -> list[dict[str, Any]]:
    await ws.send(json.dumps({"type": "image", "data": base64.b64encode(photo).decode(), "mime": mime}))
    return await collect(ws)


async def test_a_photo_becomes_the_unit_the_next_questions_are_about(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        events = await send_image(ws, render(CARRIER, angle=2.0, blur=0.8))
        assert [e["type"] for e in events] == ["tool_call", "tool_result", "nameplate", "delta", "done"]
        assert events[0] == {"type": "tool_call", "name": "read_nameplate", "arguments": {}}
        assert events[1].pop("duration_ms") >= 0
        assert events[1] == {"type": "tool_result", "name": "read_nameplate", "ok": True}
        plate = events[2]
        assert (plate["fields"]["model"], plate["fields"]["serial"]) == (CARRIER.model, CARRIER.serial)
        assert plate["manufactured"] == "2024-05" and plate["reader"] == "offline"
        assert plate["spec"]["model"] == "50TCQA06"
        said = events[-1]["text"]
        assert "Carrier 50TCQA06A2A5A0A0A0" in said and "May 2024" in said and "max fuse 35 amps" in said
        assert events[-1]["turn_id"]

        fuse = await ask(ws, "What's the max fuse on this one?")
        assert fuse[0] == {"type": "tool_call", "name": "read_nameplate",
                           "arguments": {"question": "What's the max fuse on this one"}}
        assert fuse[-1]["text"] == "The plate says maximum fuse or breaker size (MOCP) 35 A."

        age = await ask(ws, "How old is it?")
        assert age[0]["name"] == "read_nameplate"
        assert age[-1]["text"] == ("Going by its serial number, the Carrier 50TCQA06A2A5A0A0A0 was built in May 2024, "
                                   "so about 2 years old.")

        charge = await ask(ws, "What's the refrigerant charge on it?")  # printed on the plate too
        assert charge[-1]["text"] == "The plate says refrigerant charge 7 lb 4 oz."

        weight = await ask(ws, "How much does this one weigh?")  # not on the plate: our spec of its model says
        assert weight[0]["name"] == "read_nameplate"
        assert weight[-1]["text"].startswith("The 50TCQA06's weight is 565 lb, per the Carrier")

    status = server.app.state.agent.chats.sessions_of(technician.id)[0]
    turns = status.agent.ctx.conversation.recent
    assert turns[0].user_text == PHOTO_SENT and turns[0].tool_calls[0].name == "read_nameplate"
    assert status.agent.ctx.entities.equipment_model == "50TCQA06"  # the spec tools' "it" too


async def test_a_newer_photo_replaces_the_current_unit(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await send_image(ws, render(CARRIER))
        events = await send_image(ws, render(GOODMAN, fmt="PNG"), mime="image/png")
        assert events[2]["fields"]["model"] == "GSX140361" and events[2]["spec"] is None
        assert "no spec sheet" in events[-1]["text"]
        age = await ask(ws, "How old is this one?")
        assert age[-1]["text"].startswith("I can't date serial 1805123456")


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 200, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("frame, status_code, field", [
    ({"type": "image"}, "validation_error", "data"),
    ({"type": "image", "data": ""}, "validation_error", "data"),
    ({"type": "image", "data": 42}, "validation_error", "data"),
    ({"type": "image", "data": "not base64!"}, "validation_error", "data"),
    ({"type": "image", "data": base64.b64encode(jpeg_bytes()).decode(), "mime": "image/gif"}, "validation_error",
     "mime"),
    ({"type": "image", "data": base64.b64encode(b"%PDF-1.4 not a photo").decode()}, "unsupported_media_type",
     "data"),
    ({"type": "image", "data": base64.b64encode(render(CARRIER)[:4000]).decode()}, "unprocessable", "data"),
    ({"type": "image", "data": base64.b64encode(png_header(0, 0)).decode()}, "unsupported_media_type", "data"),
    ({"type": "image", "data": base64.b64encode(png_header(20_000, 20_000)).decode()}, "image_too_large", "data"),
    ({"type": "image", "data": base64.b64encode(bytes(frames.MAX_IMAGE_BYTES + 1)).decode()}, "payload_too_large",
     "data"),
    ({"type": "image", "data": "A" * (frames.MAX_IMAGE_BASE64 + 4)}, "payload_too_large", "data"),
], ids=["no-data", "empty", "not-a-string", "not-base64", "gif", "not-an-image", "truncated-jpeg", "0x0",
        "20000x20000", "one-byte-over", "base64-over"])
async def test_a_bad_image_frame_is_an_error_naming_the_field_and_the_socket_stays_open(
    server: Server, technician: CurrentUser, frame: dict[str, Any], status_code: str, field: str,
) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps(frame))
        error = await recv(ws)
        assert error["type"] == "error" and (error["code"], error["field"]) == (status_code, field), error
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}
        events = await ask(ws, "What jobs do I have today?")
        assert events[-1]["type"] == "done"


async def test_the_photos_unit_outlives_a_reconnect_to_another_instance(server: Server,
                                                                       technician: CurrentUser) -> None:
    chats = server.app.state.agent.chats
    async with server.connect(technician) as ws:
        await send_image(ws, render(CARRIER))
    session_id = chats.sessions_of(technician.id)[0].id
    await chats.close(session_id)  # what another instance has of it: the conversation in PostgreSQL, no more
    async with server.connect(technician, session_id=session_id) as ws:
        age = await ask(ws, "How old is it?")
        assert age[0]["name"] == "read_nameplate"
        assert age[-1]["text"] == ("Going by its serial number, the Carrier 50TCQA06A2A5A0A0A0 was built in May 2024, "
                                   "so about 2 years old.")
        fuse = await ask(ws, "What's the max fuse on this one?")
        assert fuse[-1]["text"] == "The plate says maximum fuse or breaker size (MOCP) 35 A."
    reopened = chats.sessions_of(technician.id)[0]
    assert reopened.id == session_id and reopened.agent.ctx.nameplate is not None


async def test_a_saved_reading_this_version_cannot_read_asks_for_the_photo_again(server: Server,
                                                                                technician: CurrentUser) -> None:
    chats = server.app.state.agent.chats
    async with server.connect(technician) as ws:
        await send_image(ws, render(CARRIER))
    session_id = chats.sessions_of(technician.id)[0].id
    await chats.close(session_id)
    async with server.app.state.stores.db.connection() as conn:  # as an older release might have saved it
        await conn.execute("UPDATE conversations SET nameplate = '{\"model\": \"50TCQA06\"}' WHERE id = %s",
                           (session_id,))
    async with server.connect(technician, session_id=session_id) as ws:
        age = await ask(ws, "How old is it?")
    assert age[-1]["type"] == "done" and age[-1]["text"] == nameplates.NOTHING_SEEN
