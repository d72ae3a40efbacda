"""A local stand-in for Google's Routes API (`computeRoutes`) on 127.0.0.1, speaking its real wire format.

Clara's real client code (httpx, headers, retries, breaker, cache) talks to it over TCP exactly as it would talk
to routes.googleapis.com. Routes are deterministic: the great-circle distance stretched by 1.25, driven at
45 km/h, so a test can predict every answer. `mode` makes it misbehave the ways Google can: errors, a hang, a
rejected key, no route.
"""

from __future__ import annotations

import asyncio
import math
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.servers import ThreadedServer, free_port

Mode = Literal["ok", "error", "unavailable", "hang", "no_route"]
ROAD_FACTOR = 1.25
SPEED_KMH = 45.0


def route_for(origin: tuple[float, float], destination: tuple[float, float]) -> dict[str, Any]:
    """What the fake answers for a pair of points: `{"distanceMeters": int, "duration": "<n>s"}`."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*origin, *destination))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    meters = 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a))) * ROAD_FACTOR
    return {"distanceMeters": round(meters), "duration": f"{round(meters / 1000 / SPEED_KMH * 3600)}s"}


def _google_error(status: int, reason: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": status, "message": message, "status": reason}}, status)


@dataclass
class FakeMaps:
    api_key: str = "fake-maps-key"
    mode: Mode = "ok"
    fail_next: int = 0  # answer 503 to this many requests, then go back to `mode`
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _runner: ThreadedServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def compute_routes(self, request: Request) -> JSONResponse:
        body = await request.json()
        with self._lock:
            self.requests.append({"headers": dict(request.headers), "body": body})
            failing = self.fail_next > 0
            self.fail_next -= failing
            mode = self.mode
        if request.headers.get("x-goog-api-key") != self.api_key:
            return _google_error(403, "PERMISSION_DENIED", "The provided API key is invalid.")
        if not request.headers.get("x-goog-fieldmask"):
            return _google_error(400, "INVALID_ARGUMENT", "FieldMask is a required parameter.")
        if failing or mode == "unavailable":
            return _google_error(503, "UNAVAILABLE", "The service is currently unavailable.")
        if mode == "error":
            return _google_error(500, "INTERNAL", "Internal error encountered.")
        if mode == "hang":
            await asyncio.sleep(30)
        if mode == "no_route":
            return JSONResponse({})
        try:
            origin = _lat_lng(body["origin"])
            destination = _lat_lng(body["destination"])
        except (KeyError, TypeError):
            return _google_error(400, "INVALID_ARGUMENT", "Invalid origin or destination.")
        return JSONResponse({"routes": [route_for(origin, destination)]})

    def start(self) -> "FakeMaps":
        app = Starlette(routes=[Route("/directions/v2:computeRoutes", self.compute_routes, methods=["POST"])])
        self._runner = ThreadedServer(app, port=self.port, name="fake-maps").start()
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()

    def set(self, mode: Mode = "ok", fail_next: int = 0) -> None:
        with self._lock:
            self.mode, self.fail_next = mode, fail_next


def _lat_lng(waypoint: dict[str, Any]) -> tuple[float, float]:
    lat_lng = waypoint["location"]["latLng"]
    return float(lat_lng["latitude"]), float(lat_lng["longitude"])
