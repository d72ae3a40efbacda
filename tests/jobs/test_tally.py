"""The day compared by distance: from where the technician stands when the caller knows it, else from their home
base (an MCP client, a chat without a location). The demo day from Maria's home is WeWork, the Ferry Building, then
ABC Manufacturing in Oakland; from the Oakland arena ABC is nearest."""

from __future__ import annotations

from datetime import date

from clara.jobs import service as jobs
from clara.jobs import tally
from clara.stores import Stores
from clara.web.caller import CurrentUser

OAKLAND_ARENA = (37.75030, -122.20300)


async def test_closest_is_measured_from_home_when_no_position_is_known(stores: Stores, technician: CurrentUser,
                                                                        demo_day: date) -> None:
    day = await jobs.list_jobs(stores, actor=technician, on=demo_day)
    from_home = await tally.ranked(stores, day, "closest", actor=technician)
    assert [job.site.name for job in from_home] == ["WeWork 123 Main St", "Ferry Building", "ABC Manufacturing Plant 1"]
    from_oakland = await tally.ranked(stores, day, "closest", actor=technician, origin=OAKLAND_ARENA)
    assert from_oakland[0].site.name == "ABC Manufacturing Plant 1"
