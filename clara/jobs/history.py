"""Work already done: when the company last visited a customer, and what a technician did on a past day or week.

"When did we last see them?" asks about the customer, not the technician: any technician's visit counts, because the
site's history is company data like its equipment and deficiencies. A technician's own past days ("my last job
yesterday", "what did I do last week") are theirs, authorized like today's jobs. Only days before today count: today
is the schedule, not history. Cancelled jobs are not visits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from clara.web.caller import CurrentUser
from clara.jobs import queries
from clara.jobs.days import DAY_WORDS, WEEKDAYS, day_meant
from clara.jobs.models import Job
from clara.stores import Stores
from clara.web.errors import validation_error

LOOKBACK_DAYS = 366  # a "last visit" older than a year is no visit a technician asks about


@dataclass(frozen=True)
class Visit:
    """The last finished visit to a customer: the job, and whether the asking technician did it."""

    job: Job
    by_you: bool

    def as_json(self) -> dict[str, Any]:
        return {**self.job.as_json(), "by_you": self.by_you}


async def last_visit(stores: Stores, *, actor: CurrentUser, customer_id: int, before: date) -> Visit | None:
    """The customer's most recent job that was not cancelled, started before `before`; None when there is none in
    the last year."""
    tz = stores.settings.company_tz
    start, _ = queries.day_bounds(before - timedelta(days=LOOKBACK_DAYS), tz)
    end, _ = queries.day_bounds(before, tz)
    async with stores.db.connection() as conn:
        found = await queries.jobs(
            conn, tz,
            "WHERE c.id = %s AND j.status <> 'cancelled' AND j.scheduled_start >= %s AND j.scheduled_start < %s"
            " ORDER BY j.scheduled_start DESC, j.id DESC LIMIT 1", (customer_id, start, end),
        )
    return Visit(found[0], found[0].technician_id == actor.id) if found else None


async def past_jobs(stores: Stores, *, actor: CurrentUser, first: date, last: date) -> list[Job]:
    """The asking technician's own jobs from `first` to `last` (both included, both before today's schedule is a
    caller's concern), in start order."""
    tz = stores.settings.company_tz
    start, _ = queries.day_bounds(first, tz)
    _, end = queries.day_bounds(last, tz)
    async with stores.db.connection() as conn:
        return await queries.jobs(
            conn, tz, "WHERE j.technician_id = %s AND j.scheduled_start >= %s AND j.scheduled_start < %s"
            " ORDER BY j.scheduled_start, j.id", (actor.id, start, end))


PAST_DAY = re.compile(r"\b(?:yesterday|last week|(?:last|this past|past) (?:" + "|".join(WEEKDAYS) + r")|"
                      r"(?:the )?day before yesterday)\b", re.IGNORECASE)


def past_days(words: str, today: date) -> tuple[date, date]:
    """The days a technician means by a past day: "yesterday", "the day before yesterday", "last Friday" (the
    latest Friday before today), "last week" (Monday to Sunday of the week before this one)."""
    said = (PAST_DAY.search(words) or DAY_WORDS.search(words))
    text = said.group(0).lower() if said else ""
    if text == "last week":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if text.endswith("day before yesterday"):
        return (today - timedelta(days=2),) * 2
    if text.split()[-1:] and text.split()[-1] in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS.index(text.split()[-1])) % 7 or 7
        return (today - timedelta(days=back),) * 2
    meant = day_meant(text, today) if text else None
    if meant is None or meant >= today:
        raise validation_error("day", f"I can't tell which past day '{words}' is; say yesterday, last Friday or "
                                      "last week")
    return meant, meant


async def last_day_worked(stores: Stores, *, actor: CurrentUser, day: date) -> list[Job]:
    """The technician's jobs on `day`; when they had none (a weekend), on their last day with jobs in the week
    before it, so "my last job yesterday" on a Monday is Friday's."""
    week = await past_jobs(stores, actor=actor, first=day - timedelta(days=7), last=day)
    if not week:
        return []
    latest = week[-1].scheduled_start.date()
    return [job for job in week if job.scheduled_start.date() == latest]


async def past_work(stores: Stores, *, actor: CurrentUser, words: str, today: date) -> tuple[list[Job], date, date]:
    """The technician's jobs on the past day or week the words name, with the days meant: a single day's are its
    last day worked (see `last_day_worked`), a week's all of them."""
    first, last = past_days(words, today)
    if first == last:
        return await last_day_worked(stores, actor=actor, day=first), first, last
    return await past_jobs(stores, actor=actor, first=first, last=last), first, last
