"""The daily brief's reasoning, kept free of I/O: which order to drive, what to flag, and how to say it."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from clara.jobs import spoken
from clara.jobs.models import Deficiency, Highlight, Job
from clara.jobs.travel import Point, great_circle_km

_VISIT = {"inspection": "inspection", "maintenance": "maintenance visit", "repair": "repair",
          "installation": "installation", "emergency": "emergency call", "testing": "testing visit"}
URGENT = ("high", "emergency")


def route_order(jobs: list[Job], start: Point | None) -> list[Job]:
    """Appointments first: jobs in order of their scheduled start; jobs booked for the same time, nearest first.

    A customer was promised a time, so distance never moves a 3 p.m. visit ahead of a 9 a.m. one; among visits
    booked together, the technician drives to the closest next (straight-line distance, so no routing calls).
    """
    ordered: list[Job] = []
    here = start
    by_start = sorted(jobs, key=lambda job: job.scheduled_start)
    for _, booked_together in groupby(by_start, key=lambda job: job.scheduled_start):
        remaining = list(booked_together)
        while remaining:
            point = here
            nearest = min(remaining, key=lambda job: (great_circle_km(point, job.point) if point else 0.0, job.id))
            remaining.remove(nearest)
            ordered.append(nearest)
            here = nearest.point
    return ordered


def highlights(jobs: list[Job], requirements: dict[int, list[str]], inoperable: list[Deficiency]) -> list[Highlight]:
    """What a technician must not miss today: urgent jobs, each customer's rules, and broken life-safety gear."""
    found = [
        Highlight("high_priority", job.site.name, f"{job.priority}-priority {job.type} at {job.scheduled_start:%H:%M}",
                  job.id)
        for job in jobs if job.priority in URGENT
    ]
    first_visit: dict[int, Job] = {}
    for job in jobs:
        first_visit.setdefault(job.customer.id, job)
    found += [
        Highlight("special_requirement", job.customer.name, rule, job.id)
        for customer_id, job in first_visit.items() for rule in requirements.get(customer_id, [])
    ]
    site_visit = {job.site.id: job for job in reversed(jobs)}
    found += [
        Highlight("inoperable_deficiency", site_visit[d.site_id].site.name, d.description, site_visit[d.site_id].id)
        for d in inoperable if d.site_id in site_visit
    ]
    return found


def spoken_summary(first_name: str, day: date, jobs: list[Job], found: list[Highlight]) -> str:
    """The brief as one paragraph for text-to-speech: plain sentences, numbers in words, no markup."""
    when = f"{day:%A}, {day:%B} {day.day}"
    if not jobs:
        return f"{first_name}, you have no jobs left for {when}."
    priced = [job.travel_seconds for job in jobs if job.travel_seconds is not None]
    driving = f" and about {spoken.duration(sum(priced))} of driving" if priced else ""
    sentences = [f"{first_name}, here is your day for {when}. You have {spoken.count(len(jobs), 'job')}{driving}."]
    for index, job in enumerate(jobs):
        lead = "First" if index == 0 else "Last" if index == len(jobs) - 1 else "Then"
        leg = ""
        if job.travel_seconds is not None:
            leg = f", about {spoken.duration(job.travel_seconds)} {'away' if index == 0 else 'from there'}"
        sentences.append(f"{lead}, {job.site.name}: {_visit(job)} at {spoken.clock(job.scheduled_start.time())}{leg}.")
    grouped: dict[tuple[str, str], list[str]] = {}
    for item in found:
        grouped.setdefault((item.kind, item.subject), []).append(_mid_sentence(item.detail.rstrip(".")))
    for (kind, subject), details in grouped.items():
        if kind == "special_requirement":
            sentences.append(f"For {subject}, remember: {_listing(details)}.")
        elif kind == "inoperable_deficiency":
            what = "an open inoperable deficiency" if len(details) == 1 else \
                f"{spoken.count(len(details), 'open inoperable deficiency', 'open inoperable deficiencies')}"
            sentences.append(f"Heads up, {subject} has {what}: {_listing(details)}.")
    return spoken.readable(" ".join(sentences))


def _visit(job: Job) -> str:
    """ "a high-priority inspection", "an emergency call", "a testing visit"."""
    urgency = {"high": "high-priority ", "emergency": "emergency "}.get(job.priority, "")
    phrase = ("" if job.type == "emergency" else urgency) + _VISIT.get(job.type, job.type)
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def _mid_sentence(text: str) -> str:
    """Lower-case a capitalised first word so it reads on after a colon; acronyms ("NFPA") stay."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _listing(items: list[str]) -> str:
    # Semicolons, because the items carry commas and colons of their own.
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]
