from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.web.errors import ApiError
from clara.jobs import travel

WEWORK = (37.79155, -122.39418)
ABC_PLANT = (37.7361, -122.1974)


def test_great_circle_distance_matches_known_values() -> None:
    assert travel.great_circle_km(WEWORK, WEWORK) == 0
    # San Francisco City Hall to Oakland City Hall: 13.1 km as the crow flies.
    assert travel.great_circle_km((37.7793, -122.4193), (37.8053, -122.2726)) == pytest.approx(13.2, abs=0.2)
    assert travel.great_circle_km(WEWORK, ABC_PLANT) == pytest.approx(travel.great_circle_km(ABC_PLANT, WEWORK))


def test_estimate_drives_a_stretched_straight_line_at_urban_speed() -> None:
    trip = travel.estimate(WEWORK, ABC_PLANT)
    crow = travel.great_circle_km(WEWORK, ABC_PLANT)
    assert trip.source == "estimate"
    assert trip.distance == pytest.approx(crow * travel.ROAD_FACTOR, abs=0.01)
    assert trip.duration == round(crow * travel.ROAD_FACTOR / travel.URBAN_SPEED_KMH * 3600)
    assert travel.estimate(WEWORK, WEWORK).duration == 0


async def test_travel_time_resolves_names_and_addresses_through_the_crm(app: Starlette) -> None:
    by_name = await travel.travel_time(app.state.stores, origin="WeWork", destination="456 Industrial Pkwy")
    assert by_name == travel.estimate(WEWORK, ABC_PLANT)
    with pytest.raises(ApiError) as ambiguous:
        await travel.travel_time(app.state.stores, origin=WEWORK, destination="Kaiser")
    assert ambiguous.value.code == "ambiguous_location" and "Kaiser Oakland Medical Center" in ambiguous.value.message
