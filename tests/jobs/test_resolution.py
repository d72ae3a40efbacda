"""What "here", "there", "my next job", "the job after X", "my last job", "that unit" and "the extinguisher" mean,
for the demo technician's day (WeWork, then the Ferry Building, then ABC Manufacturing)."""

from __future__ import annotations

import pytest

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError
from clara.jobs import resolution, trips, unit_match
from clara.jobs import service as jobs
from clara.jobs.resolution import Focus
from clara.stores import Stores

WEWORK = (37.79155, -122.39418)
FERRY = (37.79550, -122.39370)
NOWHERE = (37.70000, -122.50000)  # the ocean side of the city: no site within reach


async def site_id(stores: Stores, name: str) -> int:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id FROM sites WHERE name = %s", (name,))
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def test_here_is_where_the_technician_stands_and_there_is_the_site_discussed(
    stores: Stores, technician: CurrentUser
) -> None:
    ferry = await site_id(stores, "Ferry Building")
    focus = Focus(position=WEWORK, site_id=ferry)
    for said in ("here", "this site", "This building", "where I'm standing"):
        assert (await resolution.resolve_site(stores, actor=technician, focus=focus, reference=said)).name == \
            "WeWork 123 Main St", said
    for said in ("there", "that site", None, "", "them", "the customer"):
        assert (await resolution.resolve_site(stores, actor=technician, focus=focus, reference=said)).name == \
            "Ferry Building", said
    away = Focus(position=NOWHERE)  # not at a site: "here" is the job they are on (none started: the next one)
    assert (await resolution.resolve_site(stores, actor=technician, focus=away, reference="here")).name == \
        "WeWork 123 Main St"


async def test_jobs_by_their_place_in_the_day(stores: Stores, technician: CurrentUser,
                                              demo_jobs: dict[str, int]) -> None:
    wework, ferry, abc = (demo_jobs[s] for s in ("WeWork 123 Main St", "Ferry Building", "ABC Manufacturing Plant 1"))
    focus = Focus()

    async def job(said: str | None, where: Focus = focus) -> int:
        return (await resolution.resolve_job(stores, actor=technician, focus=where, reference=said)).id

    assert await job("my next job") == wework and await job(None) == wework
    assert await job("my last job today") == abc and await job("my first job") == wework
    # "that" points at a place in the day as "the" does: "the contact at that last one"
    assert await job("that last one") == abc and await job("that first stop") == wework
    assert (await resolution.resolve_site(stores, actor=technician, focus=focus, reference="at that last one")).name \
        == "ABC Manufacturing Plant 1"
    assert await job("the job after Ferry Building") == abc and await job("the job before ABC Manufacturing") == ferry
    assert await job("after the WeWork job") == ferry
    assert await job(f"job {ferry}") == ferry and await job("the Ferry Building job") == ferry
    at_wework = Focus(position=WEWORK)  # standing at WeWork: that is the current job, the next one is after it
    assert await job("this job", at_wework) == wework and await job("my next job", at_wework) == ferry
    for said, message in [("the job after Chase Center", "no job at Chase Center Arena today"),
                          ("the job after ABC Manufacturing", "no job after ABC Manufacturing Plant 1 today"),
                          ("the Qwertyuiop job", "matches")]:
        with pytest.raises(ApiError) as missing:
            await job(said)
        assert missing.value.status == 404 and message in missing.value.message, said


async def test_there_is_the_job_at_the_site_discussed_last(stores: Stores, technician: CurrentUser,
                                                          demo_jobs: dict[str, int]) -> None:
    """After talking about WeWork's job, then asking who the contact is at the Ferry Building, "when am I supposed
    to be there" is about today's Ferry Building job, not the job discussed before."""
    ferry = await site_id(stores, "Ferry Building")
    focus = Focus(job_id=demo_jobs["WeWork 123 Main St"], site_id=ferry)
    for said in ("there", "that job"):
        job = await resolution.resolve_job(stores, actor=technician, focus=focus, reference=said)
        assert job.id == demo_jobs["Ferry Building"], said
    elsewhere = Focus(job_id=demo_jobs["WeWork 123 Main St"], site_id=await site_id(stores, "Chase Center Arena"))
    assert (await resolution.resolve_job(stores, actor=technician, focus=elsewhere, reference="there")).id == \
        demo_jobs["WeWork 123 Main St"]  # no job at the site discussed: the job discussed


async def test_a_job_in_progress_is_the_current_one_and_from_here_starts_where_they_stand(
    stores: Stores, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    """Where they stand comes before a status left behind: with the Ferry Building job still in progress, standing
    at WeWork makes WeWork's job the current one (a write-up "here" was filed at the Ferry Building)."""
    ferry = demo_jobs["Ferry Building"]
    await jobs.update_job(stores, actor=technician, job_id=ferry, status="in_progress")
    standing = await resolution.current_job(stores, actor=technician, focus=Focus(position=WEWORK))
    assert standing is not None and standing.id == demo_jobs["WeWork 123 Main St"]
    current = await resolution.current_job(stores, actor=technician, focus=Focus(position=NOWHERE))
    assert current is not None and current.id == ferry  # at no site: the job under way
    start, _ = await trips.ends(stores, actor=technician, focus=Focus(position=NOWHERE),
                                             destination="WeWork", origin="here")
    assert start == NOWHERE
    start, _ = await trips.ends(stores, actor=technician, focus=Focus(), destination="WeWork",
                                             origin=None)
    assert start == current.point  # no position: from the job under way


async def test_the_next_job_from_a_named_site_is_the_one_after_that_sites_job(
    stores: Stores, technician: CurrentUser
) -> None:
    """ "From the Ferry Building to the next job" starts at the Ferry Building and ends at the job after it there
    (ABC), not at the technician's own next job (WeWork); from a site with no job today it is their next job."""
    start, end = await trips.ends(stores, actor=technician, focus=Focus(), destination="the next job",
                                               origin="Ferry Building")
    assert start == FERRY and end.name == "ABC Manufacturing Plant 1"
    _, end = await trips.ends(stores, actor=technician, focus=Focus(), destination="the next job",
                                           origin="Chase Center")
    assert end.name == "WeWork 123 Main St"


async def test_units_by_model_kind_place_or_reference(stores: Stores) -> None:
    wework, ferry = await site_id(stores, "WeWork 123 Main St"), await site_id(stores, "Ferry Building")

    async def unit(site: int, said: str | None, focus: Focus = Focus(), location: str | None = None) -> object:
        match = await unit_match.resolve_unit(stores, site_id=site, focus=focus, reference=said, location=location)
        return match.unit.model if match.unit else sorted(u.model for u in match.choices)

    assert await unit(ferry, "the extinguisher") == "B260"  # the only one there
    assert await unit(wework, "the extinguisher") == ["B260", "B500"]  # two: ask which
    assert await unit(wework, "the extinguisher in the kitchen") == "B260"
    assert await unit(wework, "the kitchen extinguisher") == "B260"
    assert await unit(wework, "extinguisher", location="corridor") == "B500"
    assert await unit(wework, "Amerex B260 extinguisher") == "B260"
    assert await unit(wework, "the Watts backflow") == "957-4"
    assert await unit(wework, "the rooftop unit") == "50TCQA06"
    assert await unit(wework, "the fire pump") == []  # none at WeWork
    assert await unit(wework, "the B999") == []
    assert await unit(wework, "that unit", Focus(equipment_model="50TCQA06")) == "50TCQA06"
    assert await unit(wework, "it") == []  # nothing discussed: no unit
    kitchen = await unit_match.resolve_unit(stores, site_id=wework, focus=Focus(), reference="the B260")
    discussed = Focus(equipment_id=kitchen.unit.id)  # type: ignore[union-attr]
    assert await unit(wework, "that extinguisher", discussed) == "B260"  # of two, the one discussed
    assert await unit(wework, "the extinguisher", discussed) == ["B260", "B500"]  # not pointed at: ask which
    assert await unit(wework, "that backflow", discussed) == ["3000SS-4", "957-4"]  # another kind: not that one
    assert await unit(wework, "the other one", discussed) == "B500"  # of the discussed unit's kind, not it
    assert await unit(wework, "the other backflow", discussed) == ["3000SS-4", "957-4"]  # the kind said
    assert await unit(wework, "the other one") == []  # nothing discussed: no "other"
    assert await unit(wework, "the roof top unit") == await unit(wework, "the roof unit") == "50TCQA06"
    assert await unit(wework, "the unit on the roof here") == "50TCQA06"  # by where it is alone
    assert await unit(wework, "the one", location="riser room") == ["957-4", "AV-1-300"]  # two there: ask
    assert await unit(wework, "sprinkler head", location="riser room") == []  # a part no unit is: no guess


async def test_a_job_is_named_by_its_start_time(stores: Stores, technician: CurrentUser,
                                                demo_jobs: dict[str, int]) -> None:
    """'What's after the ten o'clock one?': technicians name jobs by when they start."""

    async def job(said: str) -> int:
        return (await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference=said)).id

    assert await job("the ten o'clock one") == demo_jobs["Ferry Building"]
    assert await job("my 1:30") == await job("one thirty") == demo_jobs["ABC Manufacturing Plant 1"]
    assert await job("the job after ten o'clock") == demo_jobs["ABC Manufacturing Plant 1"]
    assert await job("the 7:30 am job") == demo_jobs["WeWork 123 Main St"]
    with pytest.raises(ApiError) as missing:
        await job("the four o'clock one")
    assert missing.value.status == 404 and "no job starting at 4:00" in missing.value.message
