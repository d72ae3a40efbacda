"""Another technician's day, as a dispatcher or an admin reads it: "where's James at", "what does Priya have after
lunch", "who's the contact at her three o'clock", "is James at the library at all today".

The same scoping as the HTTP routes (`GET /jobs?user_id=`): staff may read any technician's day, a technician only
their own (a lead on a colleague's tablet reads that colleague's day because it is the colleague's login). Which of
the day's jobs are meant is read from the question: the one at a time, after or before lunch, the first, the last,
the one under way (by status, not the clock: a job not yet started is still ahead), or the one at a place named.
"""

from __future__ import annotations

import re
from datetime import date

from clara.jobs import service as jobs
from clara.jobs.models import Job
from clara.jobs.spoken import clock_heard
from clara.stores import Stores
from clara.users import service as users
from clara.users.models import Technician
from clara.web.caller import CurrentUser
from clara.web.errors import ApiError, not_found


def named_in(words: str, crew: list[Technician]) -> Technician | None:
    """The technician some words name, by full or first name ("Priya", "james's", "Devon Wright"); None for none or
    for two who share a first name and are not told apart."""
    lowered = words.lower()
    full = [c for c in crew if re.search(rf"\b{re.escape(c.name.lower())}\b", lowered)]
    if len(full) == 1:
        return full[0]
    first = [c for c in crew if re.search(rf"\b{re.escape(c.first.lower())}(?:'s|s)?\b", lowered)]
    return first[0] if len(first) == 1 else None


async def day_of(stores: Stores, *, actor: CurrentUser, technician: Technician, on: date | None = None) -> list[Job]:
    """The technician's jobs on a day (today by default), by start time: 403 unless `actor` is staff or them."""
    if not actor.is_staff and actor.id != technician.id:
        raise ApiError(403, "forbidden", f"you can only see your own schedule, not {technician.first}'s",
                       "technician")
    await users.get_user(stores, actor=actor, user_id=technician.id)
    return await jobs.list_jobs(stores, actor=actor, user_id=technician.id, on=on)


async def day_asked(stores: Stores, *, actor: CurrentUser, technician: str,
                    question: str | None) -> tuple[Technician, list[Job], list[Job], str]:
    """The technician a name means, their whole day, the jobs `question` means of it and how it named them
    (`jobs_meant`): one rule for the agent's and the MCP server's `crew_day`. An unknown name is a 404."""
    found = named_in(technician, await users.technicians(stores))
    if found is None:
        raise not_found(f"technician named {technician!r}", "technician")
    whole = await day_of(stores, actor=actor, technician=found)
    meant, how = jobs_meant(whole, question)
    return found, whole, meant, how


_AFTERNOON = re.compile(r"\b(?:after lunch|this afternoon|in the afternoon|afternoon)\b", re.IGNORECASE)
_MORNING = re.compile(r"\b(?:before lunch|this morning|in the morning|morning)\b", re.IGNORECASE)
_LAST = re.compile(r"\b(?:last|final|done for the day|finish\w*|wrap\w*(?: up)?|end (?:his|her|the) day)\b",
                   re.IGNORECASE)
_FIRST = re.compile(r"\b(?:first|start\w*|begin\w*)\b", re.IGNORECASE)
_NOW = re.compile(r"\b(?:right now|at the moment|currently|now|where(?:'s| is)|next)\b", re.IGNORECASE)
_CLOCK = re.compile(r"\b(?:at|the|his|her|my)\s+(?P<said>(?:\d{1,2}(?::\d{2})?|one|two|three|four|five|six|seven|eight|"
                    r"nine|ten|eleven|twelve)(?:\s+(?:thirty|fifteen|forty five|o'?clock))?(?:\s*[ap]\.?m\.?)?)",
                    re.IGNORECASE)
_NOT_A_PLACE = frozenset("""the and what where whats doing have has got today tomorrow their there with about does
after before lunch morning afternoon job jobs stop stops last first next right now contact rules this that schedule
""".split())


def jobs_meant(day: list[Job], question: str | None) -> tuple[list[Job], str]:
    """The jobs of the day a question means, and how it named them ("clock", "place", "afternoon", "morning",
    "last", "first", "now"); the whole day ("all") when it narrows to none in particular."""
    said = question or ""
    for clock in _CLOCK.finditer(said):
        heard = clock_heard(clock.group("said").replace("oclock", "o'clock"))
        heard = heard or clock_heard(f"{clock.group('said')} one")
        if heard is not None:
            hour, minute = heard
            at = [j for j in day if (j.scheduled_start.hour == hour or (hour <= 12 and j.scheduled_start.hour % 12 ==
                                     hour % 12)) and minute in (None, j.scheduled_start.minute)]
            if at:
                return at, "clock"
    words = {w for w in re.findall(r"[a-z]{4,}", said.lower()) if w not in _NOT_A_PLACE}
    at_place = [j for j in day if words & set(re.findall(r"[a-z]{4,}", f"{j.site.name} {j.customer.name}".lower()))]
    if at_place:
        return at_place, "place"
    if _AFTERNOON.search(said):
        return [j for j in day if j.scheduled_start.hour >= 12], "afternoon"
    if _MORNING.search(said):
        return [j for j in day if j.scheduled_start.hour < 12], "morning"
    if _LAST.search(said) and day:
        return day[-1:], "last"
    if _FIRST.search(said) and day:
        return day[:1], "first"
    if _NOW.search(said):
        return under_way(day), "now"
    return day, "all"


def under_way(day: list[Job]) -> list[Job]:
    """The job the technician is on by its status (in progress, else en route), else the next not yet started."""
    for status in ("in_progress", "en_route", "scheduled"):
        found = [j for j in day if j.status == status]
        if found:
            return found[:1]
    return []
