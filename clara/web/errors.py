"""The contract's one error shape, and the handlers that turn every failure into it.

`{"error": {"code", "message", "field"}}`: a mobile client can show `message` and highlight `field` without
knowing which route failed. Nothing here ever renders a stack trace or an HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg_pool
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from typing_extensions import TypedDict  # pydantic reads a TypedDict from here on Python < 3.12

from clara.platform.logging import get_logger
from clara.web.routing import allowed_methods
from clara.web.text import CONTROL_RULE, has_control

log = get_logger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    503: "unavailable",
}


# What a store call raises when PostgreSQL cannot be reached (down, or the breaker open): a 503, never a 500.
DATABASE_UNAVAILABLE = (psycopg.OperationalError, psycopg_pool.PoolTimeout)
DATABASE_RETRY_AFTER = 5


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    field: str | None = None
    headers: dict[str, str] | None = None

    def __str__(self) -> str:
        return self.message


def validation_error(field: str, message: str) -> ApiError:
    return ApiError(400, "validation_error", message, field)


def from_validation_error(exc: ValidationError, model: type[BaseModel] | None = None) -> ApiError:
    """Pydantic's first complaint as the contract's 400: `field` is the dotted path (`origin.latitude`), and the
    message reads like the rest of the API's ("latitude must be between -90 and 90")."""
    error = exc.errors(include_url=False)[0]
    ctx = error.get("ctx") or {}
    loc = [str(part) for part in error["loc"] if not _is_union_tag(part)]
    field = str(ctx.get("field") or ".".join(loc) or "body")[:64 if error["type"] == "extra_forbidden" else 200]
    name = field.rsplit(".", 1)[-1]
    return validation_error(field, _message(name, error["type"], ctx, _bounds(model, loc), str(error["msg"]),
                                            error.get("input")))


def _is_union_tag(part: object) -> bool:
    """Pydantic names the member of a union it tried (`str`, `function-after[...]`): not a field of ours."""
    return isinstance(part, str) and (not part.isidentifier() or part in ("str", "int", "float", "dict"))


def _message(name: str, kind: str, ctx: dict[str, Any], bounds: tuple[Any, Any], fallback: str,
             value: Any = None) -> str:
    low, high = bounds
    if kind == "string_pattern_mismatch" and isinstance(value, str) and "\x00" in value:
        return f"{name} must not contain NUL characters"  # whatever else the pattern asks: the NUL is the fault
    if kind == "string_pattern_mismatch" and isinstance(value, str) and has_control(value):
        return f"{name} {CONTROL_RULE}"
    if kind in ("greater_than_equal", "less_than_equal"):
        if low is not None and high is not None:
            return f"{name} must be between {_number(low)} and {_number(high)}"
        return f"{name} must be at least {ctx['ge']}" if "ge" in ctx else f"{name} must be at most {ctx['le']}"
    if kind == "missing" or kind == "string_too_short" or (
            kind == "string_pattern_mismatch" and "\\s" in str(ctx.get("pattern"))):
        return f"{name} is required"  # the value is absent or blank (a required string has a non-space character)
    if kind == "string_pattern_mismatch":  # a NUL is caught above: what else the pattern asks, in words if known
        pattern = str(ctx.get("pattern"))
        return f"{name} {_PATTERNS.get(pattern, f'must match the pattern {pattern}')}"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{name} must be one of: {expected}"
    messages = {
        "string_type": "must be a string", "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "int_type": "must be an integer", "int_parsing": "must be an integer",
        "int_from_float": "must be an integer", "float_type": "must be a number", "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
        "bool_type": "must be true or false", "bool_parsing": "must be true or false",
        "date_from_string": "must be a date like 2026-11-23", "date_type": "must be a date like 2026-11-23",
        "dict_type": "must be an object", "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "list_type": "must be a list", "too_long": f"must have at most {ctx.get('max_length')} items",
        "too_short": f"must have at least {ctx.get('min_length')} items",
        "extra_forbidden": "is not a field this request takes",
    }
    if kind in messages:
        return f"{name} {messages[kind]}"
    if fallback.startswith("must"):  # our own validators' messages, written to follow the field's name
        return f"{name} {fallback}"
    return fallback if ctx.get("field") or name == "body" else f"{name}: {fallback}"


# Patterns the routes declare, said as a sentence; any other is quoted as the schema documents it.
_PATTERNS = {"[A-Za-z0-9]": "must contain a letter or digit"}


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


_SCHEMAS: dict[type[BaseModel], dict[str, Any]] = {}


def _bounds(model: type[BaseModel] | None, loc: list[str]) -> tuple[Any, Any]:
    """The declared lower and upper bound of the field at `loc`, read from the model's own JSON schema (where
    `Latitude | None` keeps them), so a range error names both ends."""
    if model is None or not loc:
        return None, None
    if model not in _SCHEMAS:
        _SCHEMAS[model] = model.model_json_schema()
    root = _SCHEMAS[model]
    node: dict[str, Any] = root
    for part in loc:
        node = _resolve(root, node, want_object=True).get("properties", {}).get(part, {})
    node = _resolve(root, node)
    return node.get("minimum"), node.get("maximum")


def _resolve(root: dict[str, Any], node: dict[str, Any], *, want_object: bool = False) -> dict[str, Any]:
    """Follow `$ref`, and pick the member of a union (an optional field, a place) that can hold what is wanted."""
    if "$ref" in node:
        return _resolve(root, root.get("$defs", {}).get(node["$ref"].rsplit("/", 1)[-1], {}), want_object=want_object)
    for key in ("anyOf", "oneOf"):
        if key in node:
            members = [_resolve(root, m, want_object=want_object) for m in node[key] if m.get("type") != "null"]
            return next((m for m in members if "properties" in m or not want_object), {})
    return node


def not_found(what: str, field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found", field)


class ErrorDetail(TypedDict):  # declared once: `error_body` builds it, /openapi.json's `Error` is derived from it
    """Every refusal's error object: a stable `code`, a `message` to show, and the `field` at fault (a body field,
    query parameter or header), or null when the request as a whole is."""

    code: str
    message: str
    field: str | None  # the field, query parameter or header at fault (or to act on), when one is


class ErrorBody(TypedDict):
    error: ErrorDetail


def error_body(code: str, message: str, field: str | None = None) -> ErrorBody:
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error_body(error.code, error.message, error.field), error.status, headers=error.headers)


async def handle_api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else code.replace("_", " ")
    headers = exc.headers
    if exc.status_code == 405:
        allowed = allowed_methods(request.app.router.routes, request.scope)
        message = f"{request.method} is not allowed here; allowed: {', '.join(allowed)}"
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
    return JSONResponse(error_body(code, message), exc.status_code, headers=headers)


def database_unavailable(exc: Exception) -> JSONResponse:
    """The 503 a request gets while PostgreSQL is unreachable; it recovers by itself when the database returns."""
    log.warning("database_unavailable", error=type(exc).__name__)
    return JSONResponse(
        error_body("database_unavailable", "the database is unavailable; try again shortly"),
        503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )


async def handle_database_down(_: Request, exc: Exception) -> JSONResponse:
    return database_unavailable(exc)


async def handle_bad_data(_: Request, exc: Exception) -> JSONResponse:
    """Input the database cannot store (a NUL byte, a number out of range) is the client's mistake, not ours."""
    log.info("database_rejected_input", error=type(exc).__name__)
    return JSONResponse(error_body("invalid_input", "the request contains a value that cannot be stored"), 400)


async def handle_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", error=type(exc).__name__)
    return JSONResponse(error_body("internal_error", "something went wrong on our side"), 500)


EXCEPTION_HANDLERS = {
    ApiError: handle_api_error,
    HTTPException: handle_http_exception,
    psycopg.OperationalError: handle_database_down,
    psycopg_pool.PoolTimeout: handle_database_down,
    psycopg.DataError: handle_bad_data,
    Exception: handle_unexpected,
}
