"""Travel time between two places: coordinates, or an address or site name resolved through the CRM.

`travel_time` is the one entry point every caller (jobs list, daily brief, the agent's tool, the route) uses, so a
better source can slot in here without any of them changing. With `GOOGLE_MAPS_API_KEY` the source is Google's
Routes API (`google`), through a timeout, one retry and a circuit breaker, cached per origin and destination rounded
to ~110 m; without a key, or whenever Google fails, it is `estimate`: the great-circle distance stretched by a road
factor, driven at an average urban speed. A technician always gets an answer.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

import httpx

from clara.platform import resilience
from clara.crm import service as crm
from clara.web.errors import ApiError
from clara.platform.logging import get_logger
from clara.stores import Stores

if TYPE_CHECKING:  # the job models carry a TravelTime: they import this module
    from clara.jobs.models import Job

log = get_logger(__name__)

Point = tuple[float, float]  # (latitude, longitude)
Place = Union[Point, str]

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3  # roads are longer than the crow flies; ~1.3 is the usual figure for US metro grids
URBAN_SPEED_KMH = 40.0  # average door-to-door speed across Bay Area streets and freeways

ROUTES_PATH = "/directions/v2:computeRoutes"
FIELD_MASK = "routes.duration,routes.distanceMeters"  # Google bills by field: ask for these two only
ROUTE_PRECISION = 3  # decimal places kept in cache keys and requests: ~110 m, nothing at city scale


class MapsError(Exception):
    """Google answered without a usable route: an HTTP error status, no route, or a body we cannot read."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"Routes API {status}: {reason}")
        self.status = status

    @property
    def transient(self) -> bool:
        """Worth one more try: Google is overloaded or briefly failing."""
        return self.status == 429 or self.status >= 500

    @property
    def unhealthy(self) -> bool:
        """Counts against the breaker: every call would fail alike (outage, or a rejected API key)."""
        return self.transient or self.status in (401, 403)


_MAPS_RETRY = resilience.Retry(  # computeRoutes only reads, so repeating it is safe
    attempts=2, base_delay=0.2, max_delay=1.0,
    retry_on=lambda exc: not isinstance(exc, MapsError) or exc.transient,
)


@dataclass(frozen=True, slots=True)
class TravelTime:
    duration: int  # seconds
    distance: float  # kilometres
    source: Literal["google", "estimate"]

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


async def google_travel_time(stores: Stores, origin: Point, destination: Point) -> TravelTime:
    """Driving time from Google's Routes API; raises `MapsError`, `CircuitOpen`, `httpx.HTTPError`, `TimeoutError`."""
    start, end = _rounded(origin), _rounded(destination)
    route = await stores.cache.get_or_load(
        "travel", f"{start[0]},{start[1]}>{end[0]},{end[1]}", lambda: _compute_route(stores, start, end)
    )
    return TravelTime(duration=route["duration"], distance=route["distance"], source="google")


async def _compute_route(stores: Stores, origin: Point, destination: Point) -> dict[str, float]:
    settings = stores.settings
    assert settings.google_maps_api_key is not None
    url = settings.google_maps_base_url.rstrip("/") + ROUTES_PATH
    headers = {"X-Goog-Api-Key": settings.google_maps_api_key.get_secret_value(), "X-Goog-FieldMask": FIELD_MASK}
    body = {"origin": _waypoint(origin), "destination": _waypoint(destination), "travelMode": "DRIVE",
            "routingPreference": "TRAFFIC_AWARE"}

    async def post() -> Any:
        response = await stores.http.post(url, json=body, headers=headers, timeout=settings.google_maps_timeout_seconds)
        if response.status_code != 200:
            raise MapsError(response.status_code, response.reason_phrase)
        return response.json()

    payload = await resilience.call(
        post, breaker=stores.breakers.get("maps"), timeout=settings.google_maps_timeout_seconds, retry=_MAPS_RETRY,
        is_failure=lambda exc: not isinstance(exc, MapsError) or exc.unhealthy,
    )
    try:
        route = payload["routes"][0] if isinstance(payload, dict) and payload.get("routes") else None
        if route is None:
            raise MapsError(200, "no route between these points")
        # proto3 JSON leaves out zero values: a zero-length route has no distanceMeters
        seconds = float(str(route.get("duration", "0s")).removesuffix("s"))
        return {"duration": round(seconds), "distance": round(float(route.get("distanceMeters", 0)) / 1000, 2)}
    except (AttributeError, TypeError, ValueError) as exc:
        raise MapsError(200, f"unreadable route ({type(exc).__name__})") from None


def _rounded(point: Point) -> Point:
    return round(point[0], ROUTE_PRECISION), round(point[1], ROUTE_PRECISION)


def _waypoint(point: Point) -> dict[str, Any]:
    return {"location": {"latLng": {"latitude": point[0], "longitude": point[1]}}}


async def travel_time(stores: Stores, *, origin: Place, destination: Place) -> TravelTime:
    start = await resolve(stores, origin, field="origin")
    end = await resolve(stores, destination, field="destination")
    if stores.settings.google_maps_api_key:
        try:
            return await google_travel_time(stores, start, end)
        except (MapsError, resilience.CircuitOpen, httpx.HTTPError, TimeoutError) as exc:
            if isinstance(exc, MapsError) and not exc.transient:  # a bad key or an odd point: worth a line
                log.warning("travel_time_estimated", reason=str(exc))
            else:  # an outage: the breaker already logs it once
                log.debug("travel_time_estimated", reason=str(exc))
    return estimate(start, end)

async def priced(stores: Stores, jobs: list[Job], origin: Point) -> list[Job]:
    """`jobs` with the travel from `origin` to each."""
    legs = await asyncio.gather(*(travel_time(stores, origin=origin, destination=job.point) for job in jobs))
    return [job.with_travel(leg) for job, leg in zip(jobs, legs)]
