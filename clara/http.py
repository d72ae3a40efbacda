"""Small shared helpers for route modules: read and validate input, name the caller, enforce user scoping.

Every helper raises `ApiError` naming the offending field, so routes stay a few lines long and every route answers
bad input the same way.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, TypeVar

from starlette.requests import HTTPConnection, Request

from clara.auth.models import CurrentUser
from clara.auth.scope import authorize
from clara.errors import ApiError, validation_error

T = TypeVar("T")
MAX_STRING = 10_000
_MISSING = object()
JSON_SAFE_INTEGER = 2**53 - 1  # beyond this a JavaScript client (and JSON in general, RFC 7493) loses digits
EARLIEST_DATE, LATEST_DATE = date(1970, 1, 1), date(2100, 12, 31)  # a field day is never outside these
# Only escapes can put a NUL or a lone surrogate into a parsed string (raw UTF-8 cannot encode either), so bodies
# without them skip the walk that names the offending field.
_SUSPECT_ESCAPE = re.compile(r"\\u(0000|d[89a-f])", re.IGNORECASE)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class _OutOfRange:
    """Stands in, during parsing, for a number JSON clients and PostgreSQL cannot hold; reported with its field."""

    text: str


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; a clear 400 for anything else (malformed, not an object, wrong content)."""
    raw = await request.body()
    if not raw:
        raise validation_error("body", "request body must be a JSON object")
    data = parse_json(raw)
    if not isinstance(data, dict):
        raise validation_error("body", "request body must be a JSON object")
    return data


def parse_json(raw: bytes | str) -> Any:
    """JSON every store and client can hold, or a 400 naming the field that is not: malformed JSON, NaN or
    Infinity, integers beyond `JSON_SAFE_INTEGER`, floats beyond a double, NUL characters and unpaired surrogates
    (PostgreSQL text and jsonb refuse the last two, so they would otherwise fail deep inside a write)."""
    out_of_range = False

    def refuse(text: str) -> _OutOfRange:
        nonlocal out_of_range
        out_of_range = True
        return _OutOfRange(text)

    def integer(text: str) -> int | _OutOfRange:
        # The length test first: int() of thousands of digits is slow, and past 4,300 digits a ValueError.
        if len(text) > 17 or abs(value := int(text)) > JSON_SAFE_INTEGER:
            return refuse(text)
        return value

    def number(text: str) -> float | _OutOfRange:
        value = float(text)
        return value if math.isfinite(value) else refuse(text)

    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8")  # JSON on the wire is UTF-8 (RFC 8259)
        data = json.loads(text, parse_int=integer, parse_float=number, parse_constant=refuse)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise validation_error("body", "request body is not valid JSON") from None
    except RecursionError:
        raise validation_error("body", "request body is nested too deeply") from None
    if out_of_range or _SUSPECT_ESCAPE.search(text):
        _refuse_unstorable(data)
    return data


def _refuse_unstorable(data: Any) -> None:
    """Raise for the first value (or property name) no store can hold, naming where it is (`properties.count`)."""
    stack: list[tuple[str, Any]] = [("body", data)]
    while stack:
        field, value = stack.pop()
        if isinstance(value, _OutOfRange):
            raise validation_error(field, f"{field} is out of range: numbers must be finite, integers at most "
                                          f"{JSON_SAFE_INTEGER} in magnitude")
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise validation_error(field, f"{field} must not contain NUL characters or unpaired UTF-16 surrogates")
        if isinstance(value, dict):
            prefix = "" if field == "body" else f"{field}."
            for name, item in reversed(value.items()):
                if _UNSTORABLE.search(name):
                    raise validation_error(field, f"property names in {field} must not contain NUL characters or "
                                                  "unpaired UTF-16 surrogates")
                stack.append((f"{prefix}{name}"[:200], item))
        elif isinstance(value, list):
            stack.extend((f"{field}[{index}]"[:200], item) for index, item in reversed(list(enumerate(value))))


def current_user(conn: HTTPConnection) -> CurrentUser:
    """The authenticated caller; 401 when the request carried no valid token."""
    user = conn.scope.get("user")
    if not isinstance(user, CurrentUser):
        raise ApiError(401, "unauthorized", "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    return user


def require_user_access(conn: HTTPConnection, user_id: int) -> CurrentUser:
    """The caller, once `clara.auth.scope.authorize` lets them act for `user_id`."""
    caller = current_user(conn)
    authorize(caller, user_id)
    return caller


def path_int(conn: HTTPConnection, name: str) -> int:
    raw = conn.path_params.get(name)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise validation_error(name, f"{name} must be an integer") from None
    if not 0 < value < 2**62:
        raise validation_error(name, f"{name} must be a positive integer")
    return value


def _str(data: Mapping[str, Any], name: str, *, max_length: int, strip: bool = True) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise validation_error(name, f"{name} must be a string")
    value = value.strip() if strip else value
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database
        raise validation_error(name, f"{name} must not contain NUL characters")
    if len(value) > max_length:
        raise validation_error(name, f"{name} must be at most {max_length} characters")
    return value or None


def get_str(
    data: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = MAX_STRING,
    choices: tuple[str, ...] | None = None, strip: bool = True,
) -> str | None:
    """A string field; `strip=False` keeps it byte for byte (passwords)."""
    value = _str(data, name, max_length=max_length, strip=strip)
    if value is None and required:
        raise validation_error(name, f"{name} is required")
    if value is not None and choices and value not in choices:
        raise validation_error(name, f"{name} must be one of: {', '.join(choices)}")
    return value


def get_int(
    data: Mapping[str, Any], name: str, *, default: int | None = None, minimum: int | None = None,
    maximum: int | None = None, required: bool = False,
) -> int | None:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            raise validation_error(name, f"{name} is required")
        return default
    if isinstance(raw, bool):
        raise validation_error(name, f"{name} must be an integer")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise validation_error(name, f"{name} must be an integer") from None
    if isinstance(raw, float) and raw != value:
        raise validation_error(name, f"{name} must be an integer")
    if minimum is not None and value < minimum:
        raise validation_error(name, f"{name} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise validation_error(name, f"{name} must be at most {maximum}")
    return value


def get_float(
    data: Mapping[str, Any], name: str, *, minimum: float | None = None, maximum: float | None = None,
    required: bool = False,
) -> float | None:
    raw = data.get(name)
    if raw is None or raw == "":
        if required:
            raise validation_error(name, f"{name} is required")
        return None
    if isinstance(raw, bool):
        raise validation_error(name, f"{name} must be a number")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise validation_error(name, f"{name} must be a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise validation_error(name, f"{name} must be a finite number")
    if minimum is not None and value < minimum:
        raise validation_error(name, f"{name} must be between {minimum:g} and {maximum:g}")
    if maximum is not None and value > maximum:
        raise validation_error(name, f"{name} must be between {minimum:g} and {maximum:g}")
    return value


def get_point(data: Mapping[str, Any]) -> tuple[float, float] | None:
    """An optional `latitude`/`longitude` pair: both or neither, each in range."""
    lat = get_float(data, "latitude", minimum=-90, maximum=90)
    lng = get_float(data, "longitude", minimum=-180, maximum=180)
    if (lat is None) != (lng is None):
        missing = "longitude" if lng is None else "latitude"
        raise validation_error(missing, "latitude and longitude must be given together")
    return None if lat is None or lng is None else (lat, lng)


def get_date(data: Mapping[str, Any], name: str) -> date | None:
    raw = _str(data, name, max_length=32)
    if raw is None:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise validation_error(name, f"{name} must be a date like 2026-11-23") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise validation_error(name, f"{name} must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return value
