"""The functions Clara's agent tools call directly, with the same rules the routes rely on."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.jobs import service, voice
from clara.stores import Stores


async def test_next_job_is_the_earliest_open_one_priced_from_home(
    app: Starlette, technician: CurrentUser, demo_day: date, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    if service.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    first = await service.next_job(stores, actor=technician)
    assert first is not None and first.id == demo_jobs["WeWork 123 Main St"]
    assert first.travel_source == "estimate" and first.travel_seconds and first.travel_seconds > 0
    await service.update_job(stores, actor=technician, job_id=first.id, status="completed")
    second = await service.next_job(stores, actor=technician, origin=(first.site.latitude, first.site.longitude))
    assert second is not None and second.id == demo_jobs["Ferry Building"]
    assert second.distance_km is not None and second.distance_km < 1


async def test_en_route_beats_an_earlier_scheduled_job(
    app: Starlette, technician: CurrentUser, demo_day: date, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    if service.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    await service.update_job(stores, actor=technician, job_id=demo_jobs["Ferry Building"], status="en_route")
    heading = await service.next_job(stores, actor=technician, origin=(37.79, -122.39))
    assert heading is not None and heading.id == demo_jobs["Ferry Building"]


async def test_a_dispatcher_has_no_next_job(app: Starlette, dispatcher: CurrentUser) -> None:
    assert await service.next_job(app.state.stores, actor=dispatcher) is None


async def test_a_unit_added_at_a_site_is_due_for_inspection_at_once(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    """The site's units are cached (they are named turn after turn); adding one must not leave it out for a while."""
    stores: Stores = app.state.stores
    job = (await service.get_job(stores, actor=technician, job_id=demo_jobs["WeWork 123 Main St"])).job
    before = await service.inspections_due(stores, actor=technician, site_id=job.site.id)
    added, created = await service.add_equipment(stores, actor=technician, job_id=job.id, manufacturer="Amerex",
                                                 model="B456", type="fire extinguisher", serial="XQ-1")
    assert created
    after = await service.inspections_due(stores, actor=technician, site_id=job.site.id)
    assert [unit.id for unit in after if unit.id != added.id] == [unit.id for unit in before]
    assert added.id in [unit.id for unit in after]  # never inspected: due today


async def test_inspections_due_lists_overdue_and_upcoming_equipment_soonest_first(
    app: Starlette, technician: CurrentUser
) -> None:
    stores: Stores = app.state.stores
    everything = await service.inspections_due(stores, actor=technician, site_id=1, within_days=3650)
    assert len(everything) == 6  # every item at the site is due within ten years
    soon = await service.inspections_due(stores, actor=technician, site_id=1, within_days=30)
    horizon = service.today(stores) + timedelta(days=30)
    assert soon == [item for item in everything if item.next_inspection_due <= horizon]
    assert [item.next_inspection_due for item in soon] == sorted(item.next_inspection_due for item in soon)
    assert all(item.overdue == (item.next_inspection_due < service.today(stores)) for item in everything)
    late = await service.inspections_due(stores, actor=technician, site_id=1, within_days=3650, overdue_only=True)
    assert 0 < len(late) < len(everything) and late == [item for item in everything if item.overdue]  # only the late
    with pytest.raises(ApiError) as missing:
        await service.inspections_due(stores, actor=technician, site_id=999999)
    assert missing.value.status == 404 and missing.value.field == "site_id"
    with pytest.raises(ApiError) as bad:
        await service.inspections_due(stores, actor=technician, site_id=1, within_days=-1)
    assert bad.value.field == "within_days"


async def test_deficiency_against_a_site_without_a_job(app: Starlette, other_technician: CurrentUser) -> None:
    stores: Stores = app.state.stores
    logged = await service.log_deficiency(
        stores, actor=other_technician, site_id=2, severity="suggested", description="Add signage at the FDC",
        location="North wall",
    )
    assert (logged.site_id, logged.job_id, logged.reported_by) == (2, None, other_technician.id)
    fixed = await service.mark_deficiency_fixed(stores, actor=other_technician, deficiency_id=logged.id)
    assert fixed.status == "fixed" and fixed.fixed_at is not None  # the reporter may close their own
    for kwargs, field in (({}, "job_id"), ({"site_id": 999999}, "site_id"), ({"job_id": 999999}, "job_id")):
        with pytest.raises(ApiError) as caught:
            await service.log_deficiency(stores, actor=other_technician, severity="suggested", description="x",
                                         **kwargs)  # type: ignore[arg-type]
        assert caught.value.field == field


async def test_a_tool_cannot_store_a_control_character_in_a_deficiency_or_notes(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    """Clara's tools reach the service without the route's schema: the service refuses what the schema does."""
    stores: Stores = app.state.stores
    job_id = demo_jobs["Ferry Building"]
    for kwargs, field in (({"description": "Valve\x1b[31m leaking"}, "description"),
                          ({"description": "Valve leaking", "location": "Riser\x0c room"}, "location")):
        with pytest.raises(ApiError) as caught:
            await service.log_deficiency(stores, actor=technician, job_id=job_id, severity="deficient",
                                         **kwargs)  # type: ignore[arg-type]
        assert (caught.value.status, caught.value.field) == (400, field)
        assert "control characters" in caught.value.message
    with pytest.raises(ApiError) as caught:
        await service.update_job(stores, actor=technician, job_id=job_id, notes="gauge\x07 replaced")
    assert caught.value.field == "notes"
    kept = await service.update_job(stores, actor=technician, job_id=job_id, notes="Line one\r\n\tline two")
    assert kept.notes == "Line one\r\n\tline two"  # tab and line breaks are text


async def test_job_and_site_must_agree(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    with pytest.raises(ApiError) as caught:
        await service.log_deficiency(app.state.stores, actor=technician, job_id=demo_jobs["WeWork 123 Main St"],
                                     site_id=2, severity="deficient", description="Wrong site")
    assert caught.value.status == 400 and caught.value.field == "site_id"


async def test_verified_deficiencies_stay_closed(app: Starlette, dispatcher: CurrentUser) -> None:
    stores: Stores = app.state.stores
    async with stores.db.connection() as conn:
        await conn.execute("UPDATE deficiencies SET status = 'verified' WHERE id = 1")
    with pytest.raises(ApiError) as caught:
        await service.mark_deficiency_fixed(stores, actor=dispatcher, deficiency_id=1)
    assert caught.value.status == 409


async def test_cancelled_jobs_are_final(app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]) -> None:
    stores: Stores = app.state.stores
    job_id = demo_jobs["Ferry Building"]
    cancelled = await service.update_job(stores, actor=technician, job_id=job_id, status="cancelled")
    assert cancelled.status == "cancelled"
    with pytest.raises(ApiError) as caught:
        await service.update_job(stores, actor=technician, job_id=job_id, status="scheduled")
    assert caught.value.status == 409 and caught.value.code == "invalid_transition"


async def test_production_without_livekit_refuses_voice_tokens(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    stores: Stores = app.state.stores
    production = dataclasses.replace(stores, settings=stores.settings.changed(
        env="production", jwt_secret="pY1c0mG0lq4hX6Tz9nWmB2yKcVdE3fRs8uJ7iLaOe5Q=", livekit_url=None))
    with pytest.raises(ApiError) as caught:
        await voice.livekit_token(production, actor=technician, user_id=technician.id,
                                    job_id=demo_jobs["Ferry Building"])
    assert caught.value.status == 503


async def test_a_jobs_overdue_units_are_the_new_days_after_midnight(
    app: Starlette, technician: CurrentUser, demo_jobs: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A job's detail is cached, but which units are overdue depends on the day: the first read after midnight
    says what is overdue that day, not what was overdue when the detail was cached."""
    stores: Stores = app.state.stores
    job_id = demo_jobs["WeWork 123 Main St"]
    now = service.today(stores)
    monkeypatch.setattr(service, "today", lambda _stores: now)
    before = await service.get_job(stores, actor=technician, job_id=job_id)
    due = max(unit.next_inspection_due for unit in before.equipment)
    assert not all(unit.overdue for unit in before.equipment)
    monkeypatch.setattr(service, "today", lambda _stores: due + timedelta(days=1))  # the clock passes midnight
    after = await service.get_job(stores, actor=technician, job_id=job_id)
    assert all(unit.overdue for unit in after.equipment)
