"""The contract's one error shape, and the handlers that turn every failure into it.

`{"error": {"code", "message", "field"}}`: a mobile client can show `message` and highlight `field` without
knowing which route failed. Nothing here ever renders a stack trace or an HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import psycopg_pool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Match

from clara.logging import get_logger

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


def not_found(what: str, field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found", field)


def error_body(code: str, message: str, field: str | None = None) -> dict[str, dict[str, str | None]]:
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
        allowed = allowed_methods(request)
        message = f"{request.method} is not allowed here; allowed: {', '.join(allowed)}"
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
    return JSONResponse(error_body(code, message), exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route that matched the path;
    `/clara-server/users/{id}/preferences` is two routes, GET and PUT)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


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
