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
from clara.stores import Stores


@dataclass(frozen=True)
class Trip:
    """The site a trip ends at and how long the drive there takes."""

    destination: Place
    time: travel.TravelTime


async def trip(stores: Stores, *, actor: CurrentUser, focus: Focus, destination: str | None,
               origin: str | None) -> Trip:
    """The drive from `origin` to `destination`, each in the technician's words (empty: from where they are, to
    the site discussed)."""
    start, end = await resolution.resolve_trip(stores, actor=actor, focus=focus, destination=destination,
                                               origin=origin)
    return Trip(end, await travel.travel_time(stores, origin=start, destination=end.point))
