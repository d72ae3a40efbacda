"""Travel time through Google's Routes API (a local fake speaking its wire format), and the fall back to the estimate."""

from __future__ import annotations

from typing import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.jobs import travel
from clara.settings import Settings
from clara.stores import Stores
from tests.conftest import bearer, running
from tests.fakes.maps import FakeMaps, route_for

WEWORK = (37.79155, -122.39418)
ABC_PLANT = (37.7361, -122.1974)


@pytest.fixture
def maps() -> Iterator[FakeMaps]:
    fake = FakeMaps().start()
    yield fake
    fake.stop()


@pytest.fixture
def maps_settings(settings: Settings, maps: FakeMaps) -> Settings:
    return settings.changed(google_maps_api_key=maps.api_key, google_maps_base_url=maps.base_url,
                            google_maps_timeout_seconds=0.5)


@pytest.fixture
async def maps_app(maps_settings: Settings) -> AsyncIterator[Starlette]:
    async with running(maps_settings) as application:
        yield application


@pytest.fixture
def stores(maps_app: Starlette) -> Stores:
    return maps_app.state.stores


def google_answer(origin: tuple[float, float], destination: tuple[float, float]) -> travel.TravelTime:
    route = route_for(travel._rounded(origin), travel._rounded(destination))
    return travel.TravelTime(int(route["duration"].removesuffix("s")), round(route["distanceMeters"] / 1000, 2),
                             "google")


async def test_google_answers_when_a_key_is_set(stores: Stores, maps: FakeMaps) -> None:
    trip = await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)
    assert trip == google_answer(WEWORK, ABC_PLANT)
    assert trip != travel.estimate(WEWORK, ABC_PLANT)


async def test_the_request_is_what_the_routes_api_expects(stores: Stores, maps: FakeMaps) -> None:
    await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)
    (sent,) = maps.requests
    assert sent["headers"]["x-goog-api-key"] == maps.api_key
    assert set(sent["headers"]["x-goog-fieldmask"].split(",")) == {"routes.duration", "routes.distanceMeters"}
    assert sent["body"]["travelMode"] == "DRIVE"
    assert sent["body"]["origin"] == {"location": {"latLng": {"latitude": 37.792, "longitude": -122.394}}}
    assert sent["body"]["destination"] == {"location": {"latLng": {"latitude": 37.736, "longitude": -122.197}}}


async def test_routes_are_cached_by_rounded_origin_and_destination(stores: Stores, maps: FakeMaps) -> None:
    first = await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)
    a_few_metres_on = (WEWORK[0] + 0.0002, WEWORK[1] - 0.0002)
    second = await travel.travel_time(stores, origin=a_few_metres_on, destination=ABC_PLANT)
    assert first == second and len(maps.requests) == 1
    await travel.travel_time(stores, origin=ABC_PLANT, destination=WEWORK)
    assert len(maps.requests) == 2


async def test_without_a_key_the_estimate_is_used_and_google_never_called(app: Starlette, maps: FakeMaps) -> None:
    trip = await travel.travel_time(app.state.stores, origin=WEWORK, destination=ABC_PLANT)
    assert trip == travel.estimate(WEWORK, ABC_PLANT) and trip.source == "estimate"
    assert maps.requests == []


async def test_a_brief_outage_is_retried(stores: Stores, maps: FakeMaps) -> None:
    maps.set("ok", fail_next=1)
    trip = await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)
    assert trip.source == "google" and len(maps.requests) == 2


@pytest.mark.parametrize("mode", ["error", "unavailable", "hang", "no_route"])
async def test_a_failing_google_falls_back_to_the_estimate(stores: Stores, maps: FakeMaps, mode: str) -> None:
    maps.set(mode)  # type: ignore[arg-type]
    trip = await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)
    assert trip == travel.estimate(WEWORK, ABC_PLANT)
    maps.set("ok")
    assert (await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)).source == "google"  # not cached


async def test_a_rejected_key_falls_back_without_retrying(maps_settings: Settings, maps: FakeMaps) -> None:
    async with running(maps_settings, google_maps_api_key="revoked") as app:
        trip = await travel.travel_time(app.state.stores, origin=WEWORK, destination=ABC_PLANT)
    assert trip.source == "estimate" and len(maps.requests) == 1


async def test_repeated_failures_open_the_breaker_then_google_is_tried_again(
    stores: Stores, maps: FakeMaps, maps_app: Starlette
) -> None:
    maps.set("unavailable")
    breaker = stores.breakers.get("maps")
    destinations = [(ABC_PLANT[0] + n / 100, ABC_PLANT[1]) for n in range(6)]
    for destination in destinations:
        assert (await travel.travel_time(stores, origin=WEWORK, destination=destination)).source == "estimate"
    assert breaker.state == "open"
    calls_when_open = len(maps.requests)
    assert calls_when_open < 2 * len(destinations)  # once open, nobody waits on Google any more

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=maps_app), base_url="http://clara.test") as client:
        health = (await client.get("/health")).json()
    assert health["status"] == "degraded" and health["checks"]["maps"]["state"] == "down"

    maps.set("ok")
    breaker.opened_at -= breaker.reset_timeout  # the breaker's wait is over: the next call is the trial
    assert (await travel.travel_time(stores, origin=WEWORK, destination=ABC_PLANT)).source == "google"
    assert breaker.state == "closed"


async def test_the_travel_time_route_reports_google_as_the_source(
    maps_app: Starlette, maps: FakeMaps, technician: CurrentUser
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=maps_app), base_url="http://clara.test") as client:
        response = await client.post(
            "/clara-server/travel-time",
            json={"origin": {"latitude": WEWORK[0], "longitude": WEWORK[1]},
                  "destination": {"latitude": ABC_PLANT[0], "longitude": ABC_PLANT[1]}},
            headers=bearer(maps_app, technician),
        )
    assert response.status_code == 200
    expected = google_answer(WEWORK, ABC_PLANT)
    assert response.json() == {"duration": expected.duration, "distance": expected.distance, "source": "google"}


async def test_the_jobs_list_is_priced_by_google(maps_app: Starlette, maps: FakeMaps, technician: CurrentUser) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=maps_app), base_url="http://clara.test") as client:
        response = await client.get("/jobs", params={"latitude": WEWORK[0], "longitude": WEWORK[1]},
                                    headers=bearer(maps_app, technician))
    assert response.status_code == 200
    jobs = response.json()["jobs"]
    assert jobs and all(job["travel_source"] == "google" for job in jobs if job["travel_seconds"] is not None)
