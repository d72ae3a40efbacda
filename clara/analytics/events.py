"""What an analytics event is, and the checks every event passes before it is accepted.

Validation happens on the way in (HTTP or an internal `record` call), so the buffer only ever holds rows the table
will take, and the summary's SQL can read known properties (a tool call's `duration`) without guarding each cast.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Mapping

import structlog
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, ValidationError
from pydantic_core import PydanticCustomError

from clara.analytics.properties import KNOWN_TYPES
from clara.web.errors import from_validation_error, validation_error

MAX_BATCH = 500  # events in one POST /clara-server/analytics/events
MAX_PROPERTIES_BYTES = 8 * 1024
MAX_PROPERTIES_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER: larger ones change on the app's round trip
MAX_AGE = timedelta(days=30)  # a phone's offline queue, not back-filling history
MAX_SKEW = timedelta(hours=1)  # phones with a fast clock
_NAME = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Ids derived from (user, event_id): a retry maps to the same id, and two users' event_ids never collide.
_EVENT_ID_NAMESPACE = uuid.UUID("6f1c1c2e-5d0b-4b55-9f0a-2a7d3c9e6b11")


@dataclass(frozen=True, slots=True)
class Event:
    id: uuid.UUID
    type: str
    occurred_at: datetime
    user_id: int | None
    session_id: str | None
    properties: dict[str, Any]
    keyed: bool  # the id came from a client `event_id`: written at most once, whatever the retries


@dataclass(frozen=True, slots=True)
class Batch:
    """Events committed together. Its id is recorded with them, so a batch that reaches PostgreSQL twice (a write
    that timed out but committed, then its journal copy) is stored once."""

    id: uuid.UUID
    events: tuple[Event, ...]


def context_session_id() -> str | None:
    """The session id bound to the current log context (a chat turn or voice job), when it is a valid one."""
    value = structlog.contextvars.get_contextvars().get("session_id")
    return value if isinstance(value, str) and _CLIENT_ID.match(value) else None


def event_uuid(user_id: int | None, event_id: str | None) -> uuid.UUID:
    if event_id is None:
        return uuid.uuid4()
    return uuid.uuid5(_EVENT_ID_NAMESPACE, f"{user_id or 0}:{event_id}")


def new_event(
    *, type: str, user_id: int | None, session_id: str | None = None, properties: Mapping[str, Any] | None = None,
    timestamp: datetime | None = None, event_id: str | None = None, now: datetime | None = None,
) -> Event:
    """A checked event; `ApiError` (400, naming the field) for anything the table or the summary would choke on."""
    fields = {"type": type, "session_id": session_id, "event_id": event_id,
              "properties": None if properties is None else dict(properties)}
    checked = _validated(fields)
    return _event(checked, user_id=user_id, timestamp=timestamp, now=now)


def parse_event(data: Any, *, user_id: int | None, now: datetime | None = None) -> Event:
    """An event from a JSON object as the API receives it; `user_id` comes from the token, never from the body."""
    if not isinstance(data, Mapping):
        raise validation_error("body", "an event must be a JSON object")
    checked = _validated(data)
    moment = None if checked.timestamp is None else datetime.fromisoformat(checked.timestamp)
    return _event(checked, user_id=user_id, timestamp=moment, now=now)


def _validated(data: Mapping[str, Any]) -> AnalyticsEvent:
    try:
        return AnalyticsEvent.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, AnalyticsEvent) from None


def _event(checked: AnalyticsEvent, *, user_id: int | None, timestamp: datetime | None,
           now: datetime | None) -> Event:
    now = now or datetime.now(timezone.utc)
    props = _properties(checked.type, checked.properties)
    occurred_at = now if timestamp is None else _check_time(timestamp, now)
    return Event(event_uuid(user_id, checked.event_id), checked.type, occurred_at, user_id, checked.session_id,
                 props, checked.event_id is not None)


def _event_name(value: str) -> str:
    if not _NAME.match(value):
        raise PydanticCustomError("event_name", "must be 1-64 characters of a-z, 0-9, '_' or '.', starting with a "
                                                "letter")
    return value


def _client_id(value: str) -> str:
    if not _CLIENT_ID.match(value):
        raise PydanticCustomError("client_id", "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'")
    return value


def _moment(value: str) -> str:
    """An ISO-8601 date-time, kept as sent: `new_event` compares it with the clock."""
    if len(value) > 64:
        raise PydanticCustomError("timestamp", "must be an ISO-8601 string")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("timestamp", "must be ISO-8601, like 2026-11-23T09:30:00-08:00") from None
    return value


ClientId = Annotated[StrictStr, AfterValidator(_client_id), Field(json_schema_extra={"pattern": _CLIENT_ID.pattern})]


class AnalyticsEvent(BaseModel):
    """One analytics event, as a client sends it alone or in a batch; the user is the token's."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Annotated[StrictStr, AfterValidator(_event_name)] = Field(
        json_schema_extra={"pattern": _NAME.pattern}, description="Clara's types are listed in README; any other "
                                                                   "name is the client's own")
    session_id: ClientId | None = None
    properties: dict[str, Any] | None = Field(None, description="A known type's must carry what README's "
                                                                "\"Analytics events\" lists, with those types; at most "
                                                                f"{MAX_PROPERTIES_BYTES} bytes of JSON")
    timestamp: Annotated[StrictStr, AfterValidator(_moment)] | None = Field(
        None, json_schema_extra={"format": "date-time"}, description="When it happened, with a UTC offset; within "
                                                                     "the last 30 days; default now")
    event_id: ClientId | None = Field(None, description="The client's id for it: a retry with the same one is "
                                                        "stored once")


class AnalyticsEventBatch(BaseModel):
    """`POST /clara-server/analytics/events`: all stored or none, each invalid event reported by its index."""

    events: Annotated[list[AnalyticsEvent], Field(min_length=1, max_length=MAX_BATCH)]


def _check_time(value: datetime, now: datetime) -> datetime:
    if value.tzinfo is None:
        raise validation_error("timestamp", "timestamp must carry a UTC offset")
    if value < now - MAX_AGE:
        raise validation_error("timestamp", "timestamp must be within the last 30 days")
    if value > now + MAX_SKEW:
        raise validation_error("timestamp", "timestamp must not be in the future")
    return value.astimezone(timezone.utc)


def _properties(type: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    props = dict(raw or {})
    try:
        size = len(json.dumps(props, allow_nan=False, separators=(",", ":")).encode())
    except (TypeError, ValueError):
        raise validation_error("properties", "properties must be plain JSON (finite numbers, string keys)") from None
    if size > MAX_PROPERTIES_BYTES:
        raise validation_error("properties", f"properties must be at most {MAX_PROPERTIES_BYTES} bytes of JSON")
    problem = _unstorable(props, "properties", 0)
    if problem is not None:
        raise validation_error(*problem)
    model = KNOWN_TYPES.get(type)
    if model is not None:
        try:
            model.model_validate(props)  # checked, never rewritten: the properties are stored as sent
        except ValidationError as exc:
            error = from_validation_error(exc, model)
            raise validation_error(f"properties.{error.field}", f"properties.{error.message}") from None
    return props


def _unstorable(value: Any, path: str, depth: int) -> tuple[str, str] | None:
    """The first value under `value` that PostgreSQL or the app cannot keep as sent, as (field, message): text with
    NUL (jsonb refuses it) or an unpaired surrogate (not UTF-8), and integers a JavaScript number would round."""
    if isinstance(value, str):
        problem = _text_problem(value)
        return None if problem is None else (path, f"{path} must not contain {problem}")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return path, f"{path} must be an integer between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}"
    if isinstance(value, (list, dict)) and depth >= MAX_PROPERTIES_DEPTH:
        return path, f"{path} is nested deeper than {MAX_PROPERTIES_DEPTH} levels"
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (problem := _unstorable(item, f"{path}[{index}]", depth + 1)) is not None:
                return problem
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if _PLAIN_KEY.match(key) else f"{path}[{json.dumps(key)}]"
            if (text := _text_problem(key)) is not None:
                return name, f"property names under {path} must not contain {text}"
            if (problem := _unstorable(item, name, depth + 1)) is not None:
                return problem
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "NUL characters (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "unpaired surrogates (\\ud800-\\udfff)"
    return None


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
