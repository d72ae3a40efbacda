"""The WebSocket's client frames, parsed and validated: a bad frame is an `ApiError` naming its field, which the
socket sends back as an `error` frame while it stays open."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import Field, RootModel, StrictBool

from clara.chat.turns import MessageText
from clara.web.errors import ApiError, validation_error
from clara.web.http import Id, Input, Latitude, Longitude, Text, validate
from clara.web.json_input import parse_json
from clara.jobs.travel import Point

KINDS = ("message", "ping", "location", "new_session", "confirm", "image", "auth")
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # an image frame's photo, decoded (the contract's limit)
MAX_IMAGE_BASE64 = 4 * -(-MAX_IMAGE_BYTES // 3)  # its length as base64: a longer frame is refused undecoded
IMAGE_MIMES = ("image/jpeg", "image/png")
# The socket's frame limit (uvicorn's ws_max_size): an image frame up to twice the limit still gets an `error`
# frame naming `data` and the socket stays open; a larger frame is refused by the protocol (close code 1009).
MAX_FRAME_BYTES = 2 * MAX_IMAGE_BASE64 + 1024


@dataclass(frozen=True)
class Message:
    text: str


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Location:
    point: Point
    accuracy_m: float | None


@dataclass(frozen=True)
class NewSession:
    job_id: int | None


@dataclass(frozen=True)
class Confirm:
    draft_id: str
    accept: bool


@dataclass(frozen=True)
class Photo:
    """An `image` frame: a nameplate photo, its bytes decoded from base64 (not yet from JPEG or PNG)."""

    data: bytes


@dataclass(frozen=True)
class Auth:
    token: str


Frame = Union[Message, Ping, Location, NewSession, Confirm, Photo, Auth]


class MessageFrame(Input):
    type: Literal["message"]
    text: MessageText


class PingFrame(Input):
    type: Literal["ping"]


class AuthFrame(Input):
    """First frame, within 5 s, when the handshake carried no token."""

    type: Literal["auth"]
    token: Text(4096)


class LocationFrame(Input):
    type: Literal["location"]
    latitude: Latitude
    longitude: Longitude
    accuracy_m: Annotated[float, Field(ge=0, le=1e7)] | None = None


class NewSessionFrame(Input):
    """Start a new conversation; answered by a `session` frame."""

    type: Literal["new_session"]
    job_id: Id | None = None


class ConfirmFrame(Input):
    """Same as saying yes or no to the read-back."""

    type: Literal["confirm"]
    draft_id: Text(64)
    accept: StrictBool


class ImageFrame(Input):
    """A nameplate photo: a turn that reads it (tool_call and tool_result `read_nameplate`, a `nameplate` frame,
    delta, done) and makes its unit the conversation's current one, so "how old is it?" is about it. Spends one
    request of the budget. A bad photo gets an `error` frame with `field` `data` (or `mime`) and the socket stays
    open; a frame over the socket's limit (`MAX_FRAME_BYTES`) is closed by the protocol (1009)."""

    type: Literal["image"]
    # Its size is checked after parsing (`_photo`): an oversized photo is a 413, not a 400.
    data: Annotated[str, Field(min_length=1, description=(
        f"The JPEG or PNG bytes, standard base64 with padding, at most {MAX_IMAGE_BYTES} bytes decoded; about 1600 "
        "pixels on the long side is plenty"), json_schema_extra={"maxLength": MAX_IMAGE_BASE64,
                                                                 "contentEncoding": "base64"})]
    mime: Literal[IMAGE_MIMES] | None = Field(  # type: ignore[valid-type]
        None, description="Optional: the bytes decide")


class ClientFrame(RootModel[Annotated[Union[
    MessageFrame, PingFrame, AuthFrame, LocationFrame, NewSessionFrame, ConfirmFrame, ImageFrame,
], Field(discriminator="type")]]):
    """What the app sends on WS /voice/ws/{user_id}; `parse` checks each kind with its own model, so a bad frame's
    error names its field."""


def parse(raw: str) -> Frame:
    try:
        frame = parse_json(raw)  # the edge's rules for JSON: no NUL, lone surrogate or unsafe number
    except ApiError as exc:
        raise (validation_error("frame", "frames must be JSON objects") if exc.field == "body" else exc) from None
    if not isinstance(frame, dict):
        raise validation_error("frame", "frames must be JSON objects")
    kind = frame.get("type")
    if kind == "message":
        return Message(validate(MessageFrame, frame).text)
    if kind == "ping":
        return Ping()
    if kind == "location":
        where = validate(LocationFrame, frame)
        return Location((where.latitude, where.longitude), where.accuracy_m)
    if kind == "new_session":
        return NewSession(validate(NewSessionFrame, frame).job_id)
    if kind == "confirm":
        confirm = validate(ConfirmFrame, frame)
        return Confirm(confirm.draft_id, confirm.accept)
    if kind == "image":
        return _photo(frame)
    if kind == "auth":
        return Auth(validate(AuthFrame, frame).token)
    raise validation_error("type", f"type must be one of: {', '.join(KINDS)}")


def _photo(frame: dict[str, object]) -> Photo:
    """An image frame's photo; the base64 text is measured before it is decoded, so an oversized one costs
    nothing. Whether the bytes are a readable JPEG or PNG is the vision service's check (also naming `data`)."""
    data = validate(ImageFrame, frame).data
    if len(data) > MAX_IMAGE_BASE64:
        raise ApiError(413, "payload_too_large", f"data must be at most {MAX_IMAGE_BYTES} bytes decoded", "data")
    try:
        photo = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise validation_error("data", "data must be base64 (RFC 4648, with padding)") from None
    if len(photo) > MAX_IMAGE_BYTES:
        raise ApiError(413, "payload_too_large", f"data must be at most {MAX_IMAGE_BYTES} bytes decoded", "data")
    return Photo(photo)
