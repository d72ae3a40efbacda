"""Resolution as a conversation leans on it (issue 14's left-overs, session 13): the day being talked about, the job
just closed where the technician stands, a site's own contact, and a place on site said in other words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clara.web.caller import CurrentUser
from clara.crm import service as crm
from clara.jobs import resolution, unit_match
from clara.jobs import service as jobs
from clara.jobs.resolution import Focus
from clara.stores import Stores
from clara.web.errors import ApiError
from tests.jobs.test_resolution import FERRY, WEWORK, site_id


async def test_a_kind_of_place_or_a_site_means_the_day_being_talked_about(
    stores: Stores, technician: CurrentUser, demo_day: date
) -> None:
    """After "what am I doing tomorrow?" (the conversation is on tomorrow's first job), "the school one" is
    tomorrow's school, and a site on tomorrow's schedule only is its job tomorrow; today stays today."""
    tomorrow = await jobs.list_jobs(stores, actor=technician, on=demo_day + timedelta(days=1))
    schools = [job for job in tomorrow if "School" in job.site.name]
    assert len(schools) == 1, "the demo's tomorrow has one school on it"
    on_tomorrow = Focus(job_id=tomorrow[0].id)
    school = await resolution.resolve_job(stores, actor=technician, focus=on_tomorrow, reference="the school")
    assert school.id == schools[0].id
    site = await resolution.resolve_site(stores, actor=technician, focus=on_tomorrow, reference="that school")
    assert site.site_id == schools[0].site.id
    named = schools[0].site.name.split()[0].lower()  # "skyline": on tomorrow's schedule, not today's
    assert (await resolution.resolve_job(stores, actor=technician, focus=on_tomorrow, reference=named)).id == \
        schools[0].id
    with pytest.raises(ApiError) as which:  # talking about today: no school job today, several schools: asked which
        await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference="the school")
    assert which.value.code == "ambiguous_location"


async def test_this_one_is_the_job_just_closed_where_they_stand(
    stores: Stores, technician: CurrentUser, demo_jobs: dict[str, int]
) -> None:
    """Standing at the Ferry Building with its job completed, "this one" is that job (not WeWork, still marked
    scheduled elsewhere), so "what's after this one" is ABC."""
    ferry = demo_jobs["Ferry Building"]
    await jobs.update_job(stores, actor=technician, job_id=ferry, status="completed")
    there = Focus(position=FERRY)
    assert (await resolution.resolve_job(stores, actor=technician, focus=there, reference="this one")).id == ferry
    after = await resolution.resolve_job(stores, actor=technician, focus=there, reference="after this")
    assert after.id == demo_jobs["ABC Manufacturing Plant 1"]
    away = await resolution.resolve_job(stores, actor=technician, focus=Focus(position=WEWORK), reference="this one")
    assert away.id == demo_jobs["WeWork 123 Main St"]  # an open job where they stand is still the one


async def test_the_contact_at_a_site_is_that_sites_own(stores: Stores) -> None:
    """A school district has a contact per school: at one of its schools the card names that school's contact,
    not the district's primary one at another school."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT site_id, name FROM contacts WHERE NOT is_primary AND site_id IS NOT NULL"
                                 " ORDER BY id LIMIT 1")
        row = await cur.fetchone()
    assert row is not None, "the demo data has a site whose contact is not the customer's primary"
    located = await crm.customer_at_site(stores, site_id=row["site_id"])
    assert located.site_contact is not None and located.site_contact.name == row["name"]
    assert any(c.is_primary and c.name != row["name"] for c in located.customer.contacts) or \
        len(located.customer.contacts) == 1


async def test_a_place_on_site_said_in_other_words(stores: Stores) -> None:
    """ "The hallway" is the stored "Corridor", "the rooftop" is "Roof"."""
    wework = await site_id(stores, "WeWork 123 Main St")

    async def unit(said: str, location: str | None = None) -> object:
        match = await unit_match.resolve_unit(stores, site_id=wework, focus=Focus(), reference=said,
                                              location=location)
        return match.unit.model if match.unit else sorted(u.model for u in match.choices)

    assert await unit("the extinguisher in the hallway") == "B500"
    assert await unit("the hallway extinguisher") == "B500"
    assert await unit("the extinguisher", location="hall") == "B500"
    assert await unit("the unit on the rooftop") == "50TCQA06"


async def test_a_place_on_site_picks_the_kind_talked_about(stores: Stores) -> None:
    """After the site's backflows were asked about, "which one is in the riser room" is the backflow there, not the
    alarm valve beside it; with no kind talked about both are asked between."""
    wework = await site_id(stores, "WeWork 123 Main St")

    async def unit(focus: Focus) -> object:
        match = await unit_match.resolve_unit(stores, site_id=wework, focus=focus, reference="the one",
                                              location="riser room")
        return match.unit.model if match.unit else sorted(u.model for u in match.choices)

    assert await unit(Focus(unit_kind="backflow preventer")) == "957-4"
    assert await unit(Focus()) == ["957-4", "AV-1-300"]
