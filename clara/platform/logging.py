"""structlog set-up: one key-value event per line, JSON off a terminal, with request and session ids bound.

Ids are bound through `structlog.contextvars`, so every event logged while serving a request or an agent turn
carries them without being passed around.

An exception is turned into a plain traceback (`format_exc_info`) before anything renders it, on a terminal too,
and scrubbed like any other field: left to the console renderer it became a Rich traceback with every frame's
local variables, and a frame of the request path holds the request's headers (a bearer token). Tests configure
logging the same way (`tests/conftest.py`).
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from typing import Any

import orjson
import structlog

_SECRET_KEYS = re.compile(r"(password|secret|token|api_key|authorization)", re.IGNORECASE)
# A query parameter that carries a credential (`?token=` of a WebSocket handshake, which uvicorn and websockets
# log), and anything shaped like a JWT, wherever either appears in a message.
_SECRET_PARAMETER = re.compile(
    r"((?:^|[?&;\s])(?:access_|refresh_|id_)?(?:token|jwt|key|api_?key|password|secret|signature|auth|authorization)=)"
    r"[^&\s\"';]*", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")


def scrub(text: str) -> str:
    """`text` with credentials in query parameters and JWT-shaped strings replaced by `[redacted]`."""
    if "=" not in text and "eyJ" not in text:
        return text
    return _JWT.sub("[redacted]", _SECRET_PARAMETER.sub(r"\1[redacted]", text))


@functools.lru_cache(maxsize=1024)
def _secret_key(key: str) -> bool:
    """Whether a field of this name holds a secret: asked once per name (a handful of names recur on every line),
    not once per field of every line, which was half of the access log's cost."""
    return bool(_SECRET_KEYS.search(key)) and key != "token_type"


def _redact(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """Never let a secret reach a log line, whatever a caller passed by mistake."""
    for key, value in event.items():
        if _secret_key(key):
            event[key] = "[redacted]"
        elif isinstance(value, str):
            event[key] = scrub(value)
    return event


class ScrubFilter(logging.Filter):
    """The same scrubbing for the libraries' stdlib log records (uvicorn, websockets, livekit), at the handler, so
    it covers every logger whose records propagate there."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a library's malformed format string: leave the record to the handler's own error path
            return True
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def _json_line(event: dict[str, Any], **options: Any) -> str:
    """One event as a JSON line, by orjson: the access log writes one per request, and the standard library's
    encoder was a tenth of the cached spec route's time (bench/http_load.py, profiled with py-spy). Keys that are
    not strings are written as strings and anything else orjson cannot encode goes through structlog's fallback
    (its repr), as with `json.dumps`."""
    return orjson.dumps(event, default=options.get("default"), option=orjson.OPT_NON_STR_KEYS).decode()


def configure_logging(level: str = "info", fmt: str = "auto") -> None:
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: Any = structlog.processors.JSONRenderer(_json_line) if use_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,  # the traceback as text, before the scrubbing sees every field
            _redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Libraries (uvicorn, livekit) use stdlib logging: route them at the same level, quiet the access log we replace.
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(ScrubFilter())
    logging.getLogger("uvicorn.access").disabled = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
