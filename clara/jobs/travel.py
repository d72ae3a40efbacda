"""Travel time between two places: coordinates, or an address or site name resolved through the CRM.

`travel_time` is the one entry point every caller (jobs list, daily brief, the agent's tool, the route) uses, so a
better source can slot in here without any of them changing. Today the source is `estimate`: the great-circle
distance stretched by a road factor, driven at an average urban speed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Union

from clara.crm import service as crm
from clara.errors import ApiError
from clara.stores import Stores

Point = tuple[float, float]  # (latitude, longitude)
Place = Union[Point, str]

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3  # roads are longer than the crow flies; ~1.3 is the usual figure for US metro grids
URBAN_SPEED_KMH = 40.0  # average door-to-door speed across Bay Area streets and freeways


@dataclass(frozen=True, slots=True)
class TravelTime:
    duration: int  # seconds
    distance: float  # kilometres
    source: str  # "google" | "estimate"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def great_circle_km(origin: Point, destination: Point) -> float:
    """Haversine distance: exact enough on a sphere for the few kilometres between job sites."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*origin, *destination))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def estimate(origin: Point, destination: Point) -> TravelTime:
    distance = great_circle_km(origin, destination) * ROAD_FACTOR
    return TravelTime(duration=round(distance / URBAN_SPEED_KMH * 3600), distance=round(distance, 2), source="estimate")


async def resolve(stores: Stores, place: Place, *, field: str) -> Point:
    """Coordinates for `place`; an address or name must match exactly one of our customers' sites."""
    if not isinstance(place, str):
        return place
    matches = await crm.locate(stores, location=place, field=field)
    if not matches:
        raise ApiError(422, "unknown_location", f"no customer site matches {place.strip()!r}; send coordinates instead",
                       field)
    if len(matches) > 1:
        names = ", ".join(match.site_name for match in matches)
        raise ApiError(422, "ambiguous_location", f"{place.strip()!r} could be any of: {names}", field)
    return matches[0].latitude, matches[0].longitude


async def travel_time(stores: Stores, *, origin: Place, destination: Place) -> TravelTime:
    start = await resolve(stores, origin, field="origin")
    end = await resolve(stores, destination, field="destination")
    return estimate(start, end)
