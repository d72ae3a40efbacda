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
from typing import Any, Mapping

import structlog

from clara.web.errors import validation_error

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
class Property:
    kind: str  # str | int | number | bool | str_list
    required: bool = False


def _req(kind: str) -> Property:
    return Property(kind, required=True)


def _opt(kind: str) -> Property:
    return Property(kind)


# The events Clara emits by itself, with the properties each carries. Clients may send other types; these, when
# sent, must carry their properties with the right types. README's "Analytics events" section mirrors this table.
KNOWN_TYPES: dict[str, dict[str, Property]] = {
    "session_started": {"channel": _opt("str")},
    "session_ended": {"channel": _opt("str"), "turns": _opt("int"), "duration": _opt("number")},
    "user_message": {"channel": _opt("str"), "chars": _opt("int")},
    "assistant_reply": {"chars": _opt("int"), "duration": _opt("number"), "llm": _opt("str"),
                        "tool_calls": _opt("int")},
    "tool_called": {"name": _req("str"), "duration": _req("number"), "ok": _req("bool")},
    "tool_failed": {"name": _req("str"), "error": _opt("str")},
    "knowledge_search": {"hits": _req("int"), "top_score": _opt("number"), "source": _opt("str")},
    "knowledge_miss": {"source": _opt("str")},
    "cache_hit": {"layer": _req("str"), "namespace": _opt("str"), "count": _opt("int")},
    "cache_miss": {"layer": _req("str"), "namespace": _opt("str"), "count": _opt("int")},
    "llm_fallback_used": {"reason": _req("str"), "primary": _opt("str"), "fallback": _opt("str")},
    "deficiency_logged": {"deficiency_id": _opt("int"), "severity": _req("str"), "job_id": _opt("int"),
                          "site_id": _opt("int")},
    "job_status_changed": {"job_id": _req("int"), "from": _opt("str"), "to": _req("str")},
    "preference_changed": {"fields": _req("str_list")},
}


# Types one event of which may stand for several occurrences (`count`, 1 when absent): Clara tallies these.
COUNTED_TYPES = ("cache_hit", "cache_miss")


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
    now = now or datetime.now(timezone.utc)
    if not isinstance(type, str) or not _NAME.match(type):
        raise validation_error("type", "type must be 1-64 characters of a-z, 0-9, '_' or '.', starting with a letter")
    if session_id is not None and (not isinstance(session_id, str) or not _CLIENT_ID.match(session_id)):
        raise validation_error("session_id", "session_id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'")
    if event_id is not None and (not isinstance(event_id, str) or not _CLIENT_ID.match(event_id)):
        raise validation_error("event_id", "event_id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':', '-'")
    props = _properties(type, properties)
    occurred_at = now if timestamp is None else _check_time(timestamp, now)
    return Event(event_uuid(user_id, event_id), type, occurred_at, user_id, session_id, props, event_id is not None)


def parse_event(data: Any, *, user_id: int | None, now: datetime | None = None) -> Event:
    """An event from a JSON object as the API receives it; `user_id` comes from the token, never from the body."""
    if not isinstance(data, Mapping):
        raise validation_error("body", "an event must be a JSON object")
    if data.get("type") is None:
        raise validation_error("type", "type is required")
    return new_event(
        type=data["type"],
        user_id=user_id,
        session_id=data.get("session_id"),
        properties=data.get("properties"),
        timestamp=_parse_time(data.get("timestamp")),
        event_id=data.get("event_id"),
        now=now,
    )


def _parse_time(raw: Any) -> datetime | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > 64:
        raise validation_error("timestamp", "timestamp must be an ISO-8601 string")
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise validation_error("timestamp", "timestamp must be ISO-8601, like 2026-11-23T09:30:00-08:00") from None


def _check_time(value: datetime, now: datetime) -> datetime:
    if value.tzinfo is None:
        raise validation_error("timestamp", "timestamp must carry a UTC offset")
    if value < now - MAX_AGE:
        raise validation_error("timestamp", "timestamp must be within the last 30 days")
    if value > now + MAX_SKEW:
        raise validation_error("timestamp", "timestamp must not be in the future")
    return value.astimezone(timezone.utc)


def _properties(type: str, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise validation_error("properties", "properties must be a JSON object")
    props = dict(raw)
    try:
        size = len(json.dumps(props, allow_nan=False, separators=(",", ":")).encode())
    except (TypeError, ValueError):
        raise validation_error("properties", "properties must be plain JSON (finite numbers, string keys)") from None
    if size > MAX_PROPERTIES_BYTES:
        raise validation_error("properties", f"properties must be at most {MAX_PROPERTIES_BYTES} bytes of JSON")
    problem = _unstorable(props, "properties", 0)
    if problem is not None:
        raise validation_error(*problem)
    for name, spec in KNOWN_TYPES.get(type, {}).items():
        value = props.get(name)
        if value is None:
            if spec.required:
                raise validation_error(f"properties.{name}", f"{type} events need properties.{name}")
            continue
        if not _has_kind(value, spec.kind):
            raise validation_error(f"properties.{name}", f"properties.{name} must be {_KIND_NAMES[spec.kind]}")
    if type == "tool_called" and props["duration"] < 0:
        raise validation_error("properties.duration", "properties.duration must be at least 0 seconds")
    if type in COUNTED_TYPES and props.get("count") is not None and props["count"] < 1:
        raise validation_error("properties.count", "properties.count must be at least 1")
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
_KIND_NAMES = {"str": "a string", "int": "an integer", "number": "a number", "bool": "true or false",
               "str_list": "a list of strings"}


def _has_kind(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)

