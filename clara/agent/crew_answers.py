"""Another technician's day in a sentence, as a dispatcher hears it: their jobs meant, the one under way, who to ask
for at one of them or its rules, how many they have."""

from __future__ import annotations

from datetime import timedelta

from clara.agent.answers import card, clock, shaped, visit
from clara.crm.models import LocatedCustomer
from clara.jobs.models import Job
from clara.users.service import Preferences


def _job(job: Job, *, until: bool = False) -> str:
    end = f" until {clock(job.scheduled_start + timedelta(minutes=job.duration_minutes))}" if until else ""
    status = "" if job.status == "scheduled" else f", {job.status.replace('_', ' ')}"
    return f"{clock(job.scheduled_start)}{end} {visit(job.type)} at {job.site.name}{status}"


def day(name: str, meant: list[Job], whole: list[Job], preferences: Preferences, *, how: str,
        counted: bool = False) -> str:
    """The jobs meant of `name`'s day (all of it, or the ones asked about, as `clara.jobs.crew.jobs_meant` read
    them: "all", "now", "first", "last", a clock time, a place, a half of the day)."""
    if not whole:
        return f"{name} has no jobs that day."
    if not meant:
        return f"{name} has nothing then; the day is: {'; '.join(_job(j) for j in whole)}."
    if counted or how == "all":
        return shaped([f"{name} has {len(whole)} job{'s' if len(whole) != 1 else ''}: "
                       f"{'; '.join(_job(j) for j in whole)}."], preferences)
    if how == "now":
        job = meant[0]
        if job.status == "scheduled":
            return f"{name} hasn't started a job yet; next up is {_job(job)}, {job.site.address}, {job.site.city}."
        return f"{name} is at {job.site.name} ({job.status.replace('_', ' ')}): {_job(job, until=True)}."
    if len(meant) == 1:
        job = meant[0]
        lead = f"{name}'s {how} job is the" if how in ("first", "last") else f"{name} has the"
        return shaped([f"{lead} {_job(job, until=True)}, {job.site.address}, {job.site.city}."], preferences,
                      extra=[f"The work: {job.notes.rstrip('.')}." if job.notes else None])
    return shaped([f"{name} has {len(meant)} jobs then: {'; '.join(_job(j) for j in meant)}."], preferences)


def contact(name: str, job: Job, located: LocatedCustomer) -> str:
    """Who to ask for at one of `name`'s jobs."""
    person = located.site_contact
    if person is None:
        return f"There's no contact on file for {job.site.name} ({name}'s {clock(job.scheduled_start)})."
    return f"At {job.site.name}, {name}'s {clock(job.scheduled_start)}, the contact is {card(person)}."


def rules(name: str, job: Job, located: LocatedCustomer) -> str:
    """What one of `name`'s sites requires."""
    required = [r.rstrip(".") for r in located.customer.special_requirements]
    if not required:
        return f"Nothing special is on file for {job.site.name} ({name}'s {clock(job.scheduled_start)})."
    return f"At {job.site.name}, {name}'s {clock(job.scheduled_start)}: {'; '.join(required)}."
