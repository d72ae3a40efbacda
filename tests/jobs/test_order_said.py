"""Today's job named by its place in the order past the first ("the second one"), or by the part of the day ("after
lunch", "the place this afternoon", "this morning"), for the demo day: WeWork at 7:30, the Ferry Building at 10:00,
ABC Manufacturing at 13:30. A place question resolves them to that job's site."""

from __future__ import annotations

import pytest

from clara.jobs import resolution
from clara.jobs.resolution import Focus
from clara.stores import Stores
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError


@pytest.mark.parametrize(("said", "site"), [
    ("the second one", "Ferry Building"), ("my third stop", "ABC Manufacturing Plant 1"),
    ("2nd job", "Ferry Building"), ("after lunch", "ABC Manufacturing Plant 1"),
    ("the one after lunch", "ABC Manufacturing Plant 1"), ("the place this afternoon", "ABC Manufacturing Plant 1"),
    ("this morning", "WeWork 123 Main St"), ("three thirty", None), ("one thirty", "ABC Manufacturing Plant 1"),
])
async def test_a_job_by_its_order_or_its_part_of_the_day(stores: Stores, technician: CurrentUser, said: str,
                                                          site: str | None) -> None:
    if site is None:  # no job starts then
        with pytest.raises(ApiError):
            await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference=said)
        return
    job = await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference=said)
    assert job.site.name == site, said
    place = await resolution.resolve_site(stores, actor=technician, focus=Focus(), reference=said)
    assert place.name == site, said


async def test_past_the_last_job_is_said_plainly(stores: Stores, technician: CurrentUser) -> None:
    with pytest.raises(ApiError) as caught:
        await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference="the fifth one")
    assert caught.value.status == 404 and "3 jobs" in caught.value.message
    with pytest.raises(ApiError):
        await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference="tonight")
