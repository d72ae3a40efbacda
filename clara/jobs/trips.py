"""How far a site is, said the technician's way ("from there to the next job", "how far is WeWork from here").

The one function the agent's and the MCP server's `travel_time` tools call (the chat reaches it through the
agent's), so a trip means the same in every client: `clara.jobs.resolution` reads where it starts and ends,
`clara.jobs.travel` times it.
"""

from __future__ import annotations

from dataclasses import dataclass

from clara.web.caller import CurrentUser
from clara.jobs import resolution, travel
from clara.jobs.resolution import Focus, Place
from clara.jobs.travel import Point
from clara.stores import Stores
from clara.users import service as users
from clara.web.errors import ApiError


@dataclass(frozen=True)
class Trip:
    """The site a trip ends at and how long the drive there takes."""

    destination: Place
    time: travel.TravelTime


async def trip(stores: Stores, *, actor: CurrentUser, focus: Focus, destination: str | None,
               origin: str | None) -> Trip:
    """The drive from `origin` to `destination`, each in the technician's words (empty: from where they are, to
    the site discussed)."""
    start, end = await ends(stores, actor=actor, focus=focus, destination=destination, origin=origin)
    return Trip(end, await travel.travel_time(stores, origin=start, destination=end.point))


async def ends(
    stores: Stores, *, actor: CurrentUser, focus: Focus, destination: str | None, origin: str | None,
) -> tuple[Point, Place]:
    """Where a trip starts and the site it ends at, the start read once. The start: "here" or empty is where the
    technician stands, else the job they are on, else their home base; anything else resolves as a site. The end
    resolves as a site, except that "the next job" from a job's site ("from there to the next job", "from ABC to the
    next one") is the job after that one, not the technician's next."""
    words = resolution.words_of(origin)
    if not words or resolution.HERE.match(words):
        start = await _standing_point(stores, actor=actor, focus=focus)
        return start, await resolution.resolve_site(stores, actor=actor, focus=focus, reference=destination)
    site = await resolution.resolve_site(stores, actor=actor, focus=focus, reference=origin)
    if resolution.NEXT.match(resolution.words_of(destination)):
        day = await resolution.todays_jobs(stores, actor=actor)
        anchor = next((job for job in day if job.site.id == site.site_id), None)
        if anchor is not None:  # else no job today starts there ("from the shop"): the technician's next job
            return site.point, resolution.job_place(await resolution.job_after(stores, actor=actor, anchor=anchor))
    return site.point, await resolution.resolve_site(stores, actor=actor, focus=focus, reference=destination)


async def _standing_point(stores: Stores, *, actor: CurrentUser, focus: Focus) -> Point:
    """Where the technician is starting from: where they stand, else the job they are on, else their home base."""
    if focus.position is not None:
        return focus.position
    job = await resolution.current_job(stores, actor=actor, focus=focus, guess=False)
    if job is not None:
        return job.point
    home = (await users.get_user(stores, actor=actor, user_id=actor.id)).home
    if home is None:
        raise ApiError(400, "validation_error", "tell me where you are starting from", "origin")
    return home
