"""What the cache says about itself: hits, misses and size per layer, as `GET /clara-server/cache/stats` answers
them (the route declares `CacheStats`, so these types are the documented schema too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict  # pydantic reads its fields on Python < 3.12


class CacheLayer(TypedDict):
    hits: Annotated[int, Field(ge=0)]
    misses: Annotated[int, Field(ge=0)]
    size: Annotated[int | None, Field(ge=0, description="Entries held; null when unknown")]


class CacheL1(CacheLayer):
    max_size: int


class CacheL2(CacheLayer):
    state: Literal["ok", "down", "disabled"]


class CacheLayers(TypedDict):
    l1: CacheL1
    l2: CacheL2


class CacheStats(TypedDict):
    """How well this process's cache is doing, per layer, since it started (`GET /clara-server/cache/stats`)."""

    layers: CacheLayers
    requests: Annotated[int, Field(ge=0, description="Look-ups since start")]
    loads: Annotated[int, Field(ge=0, description="Look-ups no layer could answer")]
    hit_rate: Annotated[float, Field(ge=0, le=1)]


@dataclass
class LayerStats:
    hits: int = 0
    misses: int = 0
