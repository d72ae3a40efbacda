"""A technician's day counted and compared: the jobs still to do, the longest or shortest booked, the closest or
farthest from a point, the urgent ones ("how many have I got left", "which of my jobs runs longest", "which site is
closest from here", "is anything high priority").

Plain functions over the day the jobs service already scoped to its technician (`service.list_jobs`), so the same
rule answers the app and Clara. Ties are kept together: three jobs booked an hour and a half each are all "the
longest", and saying one of them would be a guess.
"""

from __future__ import annotations

from typing import Literal

from clara.jobs.models import Job
from clara.jobs.transitions import OPEN
from clara.jobs.travel import Point, priced
from clara.stores import Stores
from clara.users import service as users
from clara.web.caller import CurrentUser
from clara.web.errors import validation_error

Rank = Literal["left", "longest", "shortest", "closest", "farthest", "urgent"]
RANKS: tuple[str, ...] = ("left", "longest", "shortest", "closest", "farthest", "urgent")
URGENT = ("emergency", "high")  # the priorities a dispatcher flags, most urgent first


def still_open(day: list[Job]) -> list[Job]:
    """The day's jobs not yet completed or cancelled, in schedule order."""
    return [job for job in day if job.status in OPEN]


def urgent(day: list[Job]) -> list[Job]:
    """The day's open jobs flagged high priority or emergency, emergencies first, then in schedule order."""
    return sorted((job for job in still_open(day) if job.priority in URGENT), key=lambda job: URGENT.index(job.priority))


def by_length(day: list[Job], *, longest: bool = True) -> list[Job]:
    """The jobs booked longest (or shortest), all of them when several tie."""
    if not day:
        return []
    edge = max(job.duration_minutes for job in day) if longest else min(job.duration_minutes for job in day)
    return [job for job in day if job.duration_minutes == edge]


async def by_distance(stores: Stores, day: list[Job], origin: Point) -> list[Job]:
    """The day's jobs with the drive from `origin` priced, nearest first (ties in schedule order)."""
    return sorted(await priced(stores, day, origin), key=lambda job: (job.distance_km or 0.0, job.scheduled_start))


async def ranked(stores: Stores, day: list[Job], which: str, *, actor: CurrentUser,
                 origin: Point | None = None) -> list[Job]:
    """The day narrowed or ordered as asked: "left" (still open), "urgent" (open and flagged high or emergency),
    "longest"/"shortest" (ties together), "closest"/"farthest" from `origin`, else from the actor's home base (all of
    the day, that one first)."""
    if which == "left":
        return still_open(day)
    if which == "urgent":
        return urgent(day)
    if which in ("longest", "shortest"):
        return by_length(day, longest=which == "longest")
    if which not in RANKS:
        raise validation_error("which", f"which must be one of: {', '.join(RANKS)}")
    start = origin or (await users.get_user(stores, actor=actor, user_id=actor.id)).home
    if start is None:
        raise validation_error("which", "tell me where you are to compare distances")
    near = await by_distance(stores, day, start)
    return near[::-1] if which == "farthest" else near
