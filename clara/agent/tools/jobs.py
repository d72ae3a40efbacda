"""The technician's day as tools: today's jobs, the next (or the one after X), the brief, one job, its status."""

from __future__ import annotations

from datetime import date

from livekit.agents import RunContext, function_tool

from clara.agent import answers, runner, tally_answers
from clara.agent.context import SessionContext
from clara.agent.tools.drafts import draft_result
from clara.agent import site_record_said
from clara.agent.tools.sites import site_said, track_site
from clara.jobs import days, drafts, history, resolution, site_record, tally
from clara.jobs import service as jobs
from clara.jobs.models import Job
from clara.web.errors import validation_error


def track_job(ctx: SessionContext, job: Job) -> None:
    ctx.track(job_id=job.id, site=job.site.name, site_id=job.site.id, customer=job.customer.name,
              customer_id=job.customer.id)


@function_tool
async def my_jobs_today(context: RunContext, day: str | None = None, which: str | None = None) -> str:
    """List the technician's jobs for a day, in schedule order: today, or the day they name; or count and compare
    them (how many are left, the longest, the closest from where they are).

    Args:
        day: The day in the technician's words, e.g. "tomorrow", "Monday", "the day after tomorrow"; empty for today.
        which: Only when they count or compare: "left" (still to do), "urgent" (flagged high priority or
            emergency), "longest", "shortest", "closest" or "farthest" (from where they stand); empty for the whole
            day.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        on = days.day_meant(day, ctx.today()) if day else ctx.today()
        if on is None:
            raise validation_error("day", f"I can't tell which day '{day}' is; say today, tomorrow or a weekday")
        day_jobs = await jobs.list_jobs(ctx.stores, actor=ctx.actor, on=on)
        if which in tally.RANKS:
            return await _tallied(ctx, day_jobs, on, which)
        if on != ctx.today() and day_jobs:  # "first thing tomorrow ... who's the contact there": its first job
            track_job(ctx, day_jobs[0])
        return {
            "say": answers.jobs_today(day_jobs, on, ctx.preferences),
            "jobs": [{"id": j.id, "start": j.scheduled_start.isoformat(), "type": j.type, "status": j.status,
                      "priority": j.priority, "site": j.site.name, "customer": j.customer.name} for j in day_jobs],
        }

    return await runner.run(context, "my_jobs_today", work)


async def _tallied(ctx: SessionContext, day_jobs: list[Job], on: date, which: str) -> runner.Result:
    """The day counted or compared (`clara.jobs.tally`): what is left, the urgent ones, the longest or shortest, the
    closest or farthest from where the technician stands (else their home base)."""
    ranked = await tally.ranked(ctx.stores, day_jobs, which, actor=ctx.actor, origin=ctx.position)
    if which == "left":
        say = tally_answers.left(ranked, on, ctx.preferences)
    elif which == "urgent":
        say = tally_answers.urgent(ranked, on, ctx.preferences)
    elif which in ("longest", "shortest"):
        say = tally_answers.by_length(ranked, day_jobs, longest=which == "longest", preferences=ctx.preferences)
    else:
        say = tally_answers.by_distance(ranked, preferences=ctx.preferences, which=which)
    if ranked:
        track_job(ctx, ranked[0])  # "how far is that", "who's the contact there": the one named first
    return {"say": say, "jobs": [{"id": j.id, "start": j.scheduled_start.isoformat(), "site": j.site.name,
                                  "status": j.status, "minutes": j.duration_minutes} for j in ranked]}


@function_tool
async def next_job(context: RunContext, after: str | None = None) -> str:
    """The technician's next job: where, when, for whom, and how far away; or the job after a given one.

    Args:
        after: The job or site to count from, e.g. "Chase Center" or "my current job"; empty for the next job.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        focus = ctx.focus()
        anchor = None
        if after:
            anchor = await resolution.resolve_job(ctx.stores, actor=ctx.actor, focus=focus, reference=after)
            job: Job | None = await resolution.job_after(ctx.stores, actor=ctx.actor, anchor=anchor)
        else:
            job = await resolution.next_job(ctx.stores, actor=ctx.actor, focus=focus)
        if job is not None:
            track_job(ctx, job)
        return {"say": answers.next_job(job, ctx.preferences, after=anchor),
                "job": None if job is None else job.as_json()}

    return await runner.run(context, "next_job", work)


@function_tool
async def daily_brief(context: RunContext) -> str:
    """The technician's day: remaining jobs in driving order, travel time, and what not to miss."""

    async def work(ctx: SessionContext) -> runner.Result:
        brief = await jobs.daily_brief(ctx.stores, actor=ctx.actor, origin=ctx.position)
        return {
            "say": answers.daily_brief(brief, ctx.preferences),
            "jobs": [{"id": j.id, "start": j.scheduled_start.isoformat(), "site": j.site.name,
                      "travel_seconds": j.travel_seconds} for j in brief.jobs],
            "highlights": [h.message for h in brief.highlights],
            "total_travel_seconds": brief.total_travel_seconds,
        }

    return await runner.run(context, "daily_brief", work)


@function_tool
async def job_details(context: RunContext, job: str | None = None, job_id: int | None = None) -> str:
    """Details of one job: site, customer, schedule, site rules, equipment and open deficiencies.

    Args:
        job: Which job in the technician's words: "my last job", "the Ferry Building job", "my next job". Empty for
            the job they are on (or the one this conversation is about).
        job_id: The job number, when they said one.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        reference = f"job {job_id}" if job_id else job
        if not reference and ctx.entities.job_id and ctx.job is None:
            reference = "that job"
        try:
            found = await resolution.resolve_job(ctx.stores, actor=ctx.actor, focus=ctx.focus(), reference=reference)
        except resolution.NoJobThere as away:
            if len(away.sites) != 1:
                raise
            # "anything open on the books at the Hall of Justice": no job there today, and the site's record says it
            place = away.sites[0]
            track_site(ctx, place)
            on_file = await site_record.open_at_site(ctx.stores, site_id=place.site_id)
            return {"say": site_record_said.open_there(place.name, on_file),
                    "open_deficiencies": [{"id": d.id, "severity": d.severity, "description": d.description}
                                          for d in on_file]}
        detail = await jobs.get_job(ctx.stores, actor=ctx.actor, job_id=found.id)
        track_job(ctx, detail.job)
        return {
            "say": answers.job_details(detail, ctx.preferences),
            "job": detail.job.as_json(),
            "special_requirements": detail.special_requirements,
            "equipment": [{"id": e.id, "type": e.type, "manufacturer": e.manufacturer, "model": e.model,
                           "location": e.location, "overdue": e.overdue} for e in detail.equipment],
            "open_deficiencies": [{"id": d.id, "severity": d.severity, "description": d.description}
                                  for d in detail.deficiencies],
        }

    return await runner.run(context, "job_details", work)


@function_tool
async def update_job_status(context: RunContext, status: str, job: str | None = None) -> str:
    """Change a job's status: en route, on site (in progress), completed or cancelled. Nothing is saved until the
    technician confirms the read-back (confirm_draft).

    Args:
        status: The new status in the technician's words or the system's: "on my way" or en_route, "on site" or
            in_progress, "done" or completed, cancelled.
        job: Which job, e.g. "my next job" or "the Ferry Building job"; empty for the one they are on.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        draft = await drafts.draft_status(ctx.stores, actor=ctx.actor, focus=ctx.focus(), status=status, job=job)
        ctx.draft = draft
        # the job read back is the one discussed, saved or not: "the rule at that building" after "cancel the
        # Ferry Building job ... no, leave it" is the Ferry Building's
        track_job(ctx, await resolution.resolve_job(ctx.stores, actor=ctx.actor, focus=ctx.focus(),
                                                    reference=f"job {draft.job_id}"))
        return draft_result(draft)

    return await runner.run(context, "update_job_status", work)


@function_tool
async def undo_status_change(context: RunContext) -> str:
    """Take back the technician's own last job status change, right after it ("undo that", "scratch that", "I
    didn't mean to"): the job goes back to the status it had. Only their own change of the last few minutes; for
    anything else the answer says a dispatcher can change it."""

    async def work(ctx: SessionContext) -> runner.Result:
        job = await jobs.undo_status(ctx.stores, actor=ctx.actor)
        ctx.track(job_id=job.id)
        return {"say": answers.status_undone(job), "job": job.as_json()}

    return await runner.run(context, "undo_status_change", work)


@function_tool
async def job_history(context: RunContext, customer: str | None = None, day: str | None = None) -> str:
    """Work already done: when the company last visited a customer or site, or the technician's jobs on a past
    day or week ("my last job yesterday", "what did I do last week").

    Args:
        customer: The customer or site in the technician's words: a name, "them", "there", "here", "this
            customer". Empty for the one being discussed (or the current job's).
        day: A past day or week in the technician's words: "yesterday", "last Friday", "last week". Empty when
            asking about a customer's last visit.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        if day:
            done, first, last = await history.past_work(ctx.stores, actor=ctx.actor, words=day, today=ctx.today())
            if done:
                track_job(ctx, done[-1])
            return {"say": answers.past_jobs(done, first, last, ctx.preferences),
                    "jobs": [job.as_json() for job in done]}
        place = await site_said(ctx, customer)
        visit = await history.last_visit(ctx.stores, actor=ctx.actor, customer_id=place.customer_id,
                                         before=ctx.today())
        return {"say": answers.last_visit(visit, place.customer, ctx.preferences),
                "visit": None if visit is None else visit.as_json()}

    return await runner.run(context, "job_history", work)

