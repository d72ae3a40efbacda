"""What the cache stores and gives back: compact JSON bytes in, the caller's own declared type out.

Services cache their own return types (frozen dataclasses holding dates, tuples, nested dataclasses). Both cache
layers hold JSON, so a hit from either layer and the first load look the same; `revive` is the way back, through
the pydantic TypeAdapter of the very type the routes answer with, so a cached value is checked against its
declaration rather than walked by a second, hand-written reader.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

import orjson
from pydantic import TypeAdapter

T = TypeVar("T")


def dumps(value: Any) -> bytes:
    """`value` (JSON data, dataclasses, dates) as the bytes both layers keep."""
    return orjson.dumps(value, default=_default)


def revive(kind: type[T], data: Any) -> T:
    """`data` (the JSON the cache returned) as `kind`: `JobDetail`, `list[Job]`, `Preferences`..."""
    return _adapter(kind).validate_python(data)  # type: ignore[no-any-return]


@lru_cache(maxsize=None)
def _adapter(kind: Any) -> TypeAdapter[Any]:
    """One adapter per revived type, built on first use (building one costs far more than using it)."""
    return TypeAdapter(kind)


def _default(value: object) -> object:
    if isinstance(value, Decimal):  # psycopg returns numeric columns as Decimal; JSON has one number type
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
