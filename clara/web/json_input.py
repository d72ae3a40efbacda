"""JSON every store and client can hold: the request body parsed, or the contract's 400 naming the field that is
not (malformed JSON, NaN, integers a JavaScript client would round, NUL characters, unpaired surrogates).

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

from clara.web.errors import validation_error

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
