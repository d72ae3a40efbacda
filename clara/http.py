"""Small shared helpers for route modules: read and validate input, name the caller, enforce user scoping.

Every helper raises `ApiError` naming the offending field, so routes stay a few lines long and every route answers
bad input the same way.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Mapping, TypeVar

from starlette.requests import HTTPConnection, Request

from clara.auth.models import CurrentUser
from clara.auth.scope import authorize
from clara.errors import ApiError, validation_error

T = TypeVar("T")
MAX_STRING = 10_000
_MISSING = object()


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; a clear 400 for anything else (malformed, not an object, wrong content)."""
    raw = await request.body()
    if not raw:
        raise validation_error("body", "request body must be a JSON object")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise validation_error("body", "request body is not valid JSON") from None
    except RecursionError:
        raise validation_error("body", "request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise validation_error("body", "request body must be a JSON object")
    return data


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
        return date.fromisoformat(raw)
    except ValueError:
        raise validation_error(name, f"{name} must be a date like 2026-11-23") from None
