"""The day counted and compared, in a sentence: how many jobs are left and which, the urgent ones, the longest or
shortest booked, the closest or farthest from where the technician is."""

from __future__ import annotations

from datetime import date

from clara.agent.answers import booked, clock, distance, minutes, shaped, visit
from clara.jobs.models import Job
from clara.users.service import Preferences


def _names(jobs: list[Job]) -> str:
    said = [f"{job.site.name} at {clock(job.scheduled_start)}" for job in jobs]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"


def left(jobs: list[Job], day: date, preferences: Preferences) -> str:
    """ "You have 2 jobs left on Sunday: ..." (or none)."""
    if not jobs:
        return f"You have no jobs left on {day:%A}."
    count = f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}"
    return shaped([f"You have {count} left on {day:%A}: {_names(jobs)}."], preferences)


def urgent(jobs: list[Job], day: date, preferences: Preferences) -> str:
    """ "1 of your jobs on Monday is flagged urgent: the high-priority inspection at ..." (or none)."""
    if not jobs:
        return f"None of your open jobs on {day:%A} is flagged high priority or emergency."
    said = [f"the {job.priority}-priority {visit(job.type)} at {job.site.name} at {clock(job.scheduled_start)}"
            for job in jobs]
    listed = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
    count = f"{len(jobs)} of your open jobs on {day:%A} {'is' if len(jobs) == 1 else 'are'}"
    return shaped([f"{count} flagged urgent: {listed}."], preferences)


def by_length(ranked: list[Job], everyone: list[Job], *, longest: bool, preferences: Preferences) -> str:
    """The longest (or shortest) booked, or that they all tie."""
    if not ranked:
        return "You have no jobs that day."
    length = booked(ranked[0].duration_minutes)
    word = "longest" if longest else "shortest"
    if len(ranked) == len(everyone) and len(ranked) > 1:
        return f"They're all the same length: each is booked for {length} ({_names(ranked)})."
    if len(ranked) > 1:
        return f"{_names(ranked)} tie for the {word}, {length} each."
    job = ranked[0]
    return shaped([f"Your {word} job is the {visit(job.type)} at {job.site.name} at {clock(job.scheduled_start)}, "
                   f"booked for {length}."], preferences)


def by_distance(order: list[Job], *, which: str, preferences: Preferences) -> str:
    """The closest (or farthest) of the day's sites, with the drive, then the others in that order."""
    if not order:
        return "You have no jobs that day."
    first = order[0]
    drive = f", about {minutes(first.travel_seconds)} away ({distance(first.distance_km, preferences)})" \
        if first.travel_seconds is not None and first.distance_km is not None else ""
    rest = [f"{job.site.name} ({distance(job.distance_km or 0.0, preferences)})" for job in order[1:]]
    return shaped([f"The {which} of your jobs is {first.site.name}{drive}.",
                   f"Then {', '.join(rest)}." if rest else None], preferences)
