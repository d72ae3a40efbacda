"""JSON every store and client can hold: the request body parsed, or the contract's 400 naming the field that is
not (malformed JSON, NaN, integers a JavaScript client would round, NUL characters, unpaired surrogates, a property
given twice), and a 415 for a body that says it is something other than JSON.

Its own module because WebSocket frames (`clara.chat.frames`) and HTTP bodies (`clara.web.http`) both read JSON
through it, so the two refuse the same values with the same words.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from clara.web.errors import ApiError, validation_error

JSON_SAFE_INTEGER = 2**53 - 1  # beyond this a JavaScript client (and JSON in general, RFC 7493) loses digits
# Only escapes can put a NUL or a lone surrogate into a parsed string (raw UTF-8 cannot encode either), so bodies
# without them skip the walk that names the offending field.
_SUSPECT_ESCAPE = re.compile(r"\\u(0000|d[89a-f])", re.IGNORECASE)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class _OutOfRange:
    """Stands in, during parsing, for a number JSON clients and PostgreSQL cannot hold; reported with its field."""

    text: str


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; a clear 400 for anything else (malformed, not an object, wrong content), and a 415
    naming `Content-Type` for a body declared as another media type or charset."""
    _require_json(request.headers.get("content-type"))
    raw = await request.body()
    if not raw:
        raise validation_error("body", "request body must be a JSON object")
    data = parse_json(raw)
    if not isinstance(data, dict):
        raise validation_error("body", "request body must be a JSON object")
    return data


def _require_json(content_type: str | None) -> None:
    """A body declared as form data, XML or text is not read as JSON: the client meant something else (a form post,
    a misconfigured library), and guessing would also let a browser's CORS-simple `text/plain` form write here. No
    header at all is taken as JSON (old clients send none); a charset, if named, is UTF-8, as JSON on the wire is."""
    if content_type is None:
        return
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json" and not (media_type.startswith("application/") and media_type.endswith("+json")):
        raise ApiError(415, "unsupported_media_type",
                       f"the body must be JSON sent as Content-Type: application/json, not {media_type or 'empty'}",
                       "Content-Type")
    charset = _CHARSET.search(params)
    if charset is not None and charset.group(1).lower() not in ("utf-8", "utf8"):
        raise ApiError(415, "unsupported_media_type", "a JSON body must be UTF-8 (charset=utf-8)", "Content-Type")


_CHARSET = re.compile(r"charset\s*=\s*\"?([^\";\s]*)", re.IGNORECASE)


@dataclass(frozen=True)
class _Repeated:
    """Stands in for an object that gives a property twice (which of the two was meant is not ours to guess);
    reported with its field like `_OutOfRange`."""

    name: str


def _repeated_name(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            return name
        seen.add(name)
    raise AssertionError("no property is repeated")


def parse_json(raw: bytes | str) -> Any:
    """JSON every store and client can hold, or a 400 naming the field that is not: malformed JSON, NaN or
    Infinity, integers beyond `JSON_SAFE_INTEGER`, floats beyond a double, NUL characters and unpaired surrogates
    (PostgreSQL text and jsonb refuse the last two, so they would otherwise fail deep inside a write), and a property
    given twice in one object (`{"type": "ping", "type": "message"}`: parsers disagree on which one wins)."""
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

    def obj(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _Repeated:
        nonlocal out_of_range
        value = dict(pairs)
        if len(value) == len(pairs):
            return value
        out_of_range = True
        return _Repeated(_repeated_name(pairs))

    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8")  # JSON on the wire is UTF-8 (RFC 8259)
        data = json.loads(text, parse_int=integer, parse_float=number, parse_constant=refuse, object_pairs_hook=obj)
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
        if isinstance(value, _Repeated):
            if _UNSTORABLE.search(value.name):
                raise validation_error(field, f"property names in {field} must not contain NUL characters or "
                                              "unpaired UTF-16 surrogates")
            field = (value.name if field == "body" else f"{field}.{value.name}")[:200]
            raise validation_error(field, f"{field} is given more than once; send each property once")
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
