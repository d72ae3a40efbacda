"""Today's job named by when it is or where it falls in the day: "the ten o'clock one", "my 1:30", "after lunch",
"the place this afternoon", "the second one", "my third stop". Pure: `clara.jobs.resolution` passes today's jobs
in start order.
"""

from __future__ import annotations

import re

from clara.jobs.models import Job
from clara.jobs.spoken import clock_heard, day_part_heard
from clara.web.errors import ApiError

_NTH_WORDS = {"second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4}
_KINDS = r"(?:job|site|stop|appointment|visit|call|customer|work order|one|place)"
_NTH = re.compile(rf"^(?:my |the )?(?P<n>{'|'.join(_NTH_WORDS)})(?: {_KINDS})?(?: (?:of the day|today))?$")


def picks(words: str) -> bool:
    """Whether words name a job of the day this way (so a place question resolves them as a job)."""
    return bool(_NTH.match(words) or clock_heard(words) or day_part_heard(words))


def picked_from(day: list[Job], words: str) -> Job | None:
    """The job of `day` the words name by its place in the order, its start time or its part of the day; None when
    they name none of these. A time or a place the day does not have is a 404 saying so."""
    nth = _NTH.match(words)
    if nth is not None:
        index = _NTH_WORDS[nth.group("n")]
        if index >= len(day):
            raise ApiError(404, "not_found", f"you have {len(day)} jobs today", "job")
        return day[index]
    clock = clock_heard(words)
    if clock is not None:
        return by_clock(day, *clock)
    part = day_part_heard(words)
    if part is not None:
        start, end = part
        found = next((job for job in day if start <= job.scheduled_start.hour < end), None)
        if found is None:
            raise ApiError(404, "not_found", f"you have no job {words} today", "job")
        return found
    return None


def by_clock(day: list[Job], hour: int, minute: int | None) -> Job:
    """Today's job starting at a time said ("the ten o'clock one"): a 1-12 hour may be either half of the day."""
    for job in day:
        start = job.scheduled_start
        if (start.hour == hour or (hour <= 12 and start.hour % 12 == hour % 12)) and minute in (None, start.minute):
            return job
    said = f"{hour}:{minute:02d}" if minute is not None else f"{hour} o'clock"
    raise ApiError(404, "not_found", f"you have no job starting at {said} today", "job")
