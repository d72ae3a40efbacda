"""Jobs: a technician's day, one job in depth, status and notes, deficiencies, the daily brief.

Jobs belong to their technician: every function takes the acting user and `authorize`s against the job's
technician, so the app's routes and Clara's tools enforce one rule. Sites, their equipment and deficiencies are
company data, like the CRM. Days are read in the company's time zone (`Settings.company_timezone`).

A technician's day, next job and each job's detail are cached (namespace "jobs", keys `day:<technician>:<date>`,
`next:<technician>:<today>` and `job:<id>:<today>`: a detail's overdue flags are today's, so a new day reads them
afresh); a status or notes change and a deficiency logged or fixed invalidate exactly the keys they touch.
Authorization is checked on every call, cached or not.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta

from clara.analytics import service as analytics
from clara.web.caller import CurrentUser, authorize
from clara.platform.cache_values import revive
from clara.web.errors import ApiError, not_found, validation_error
from clara.jobs import brief, queries
from clara.jobs.free_text import stored_text
from clara.jobs.models import SEVERITIES, STATUSES, DailyBrief, Deficiency, Equipment, Job, JobDetail, Technician
from clara.jobs.transitions import OPEN, UNDO_WINDOW, may_move, nothing_to_undo, refusal, takes_back
from clara.jobs.travel import Point, priced, travel_time
from clara.stores import Stores
from clara.stores.postgres import transaction
from clara.users import service as users

MAX_NOTES = 5000
MAX_DESCRIPTION = 2000
MAX_LOCATION = 200
MAX_LABEL = 100  # manufacturer, model, type and serial of a unit


def today(stores: Stores) -> date:
    return datetime.now(stores.settings.company_tz).date()


async def list_jobs(
    stores: Stores, *, actor: CurrentUser, user_id: int | None = None, origin: Point | None = None,
    on: date | None = None, status: str | None = None,
) -> list[Job]:
    """A technician's jobs on one day (default today): nearest first from `origin` when given, else by start time."""
    owner = actor.id if user_id is None else user_id
    await users.get_user(stores, actor=actor, user_id=owner)  # 403 for someone else's id, then 404 for no one's
    if status is not None and status not in STATUSES:
        raise validation_error("status", f"status must be one of: {', '.join(STATUSES)}")
    jobs = [job for job in await _day(stores, owner, on or today(stores)) if status in (None, job.status)]
    if origin is None:
        return jobs
    with_travel = await priced(stores, jobs, origin)
    return sorted(with_travel, key=lambda job: (job.travel_seconds, job.scheduled_start, job.id))


async def get_job(stores: Stores, *, actor: CurrentUser, job_id: int, origin: Point | None = None) -> JobDetail:
    """One job with the site's rules, its equipment (next inspection due) and the deficiencies still open there."""
    day = today(stores)
    found = await stores.cache.get_or_load("jobs", _job_key(job_id, day), lambda: _detail(stores, job_id, day))
    detail = revive(JobDetail, found)
    authorize(actor, detail.job.technician_id, field="job_id")
    if origin is None:
        return detail
    return replace(detail, job=(await priced(stores, [detail.job], origin))[0])


def _job_key(job_id: int, day: date) -> str:  # a detail as of `day`: which units are overdue depends on the date
    return f"job:{job_id}:{day.isoformat()}"


async def _detail(stores: Stores, job_id: int, day: date) -> JobDetail:
    tz = stores.settings.company_tz
    async with stores.db.connection() as conn:
        job = await queries.job(conn, tz, job_id)
        cur = await conn.execute(
            "SELECT c.special_requirements, s.access_notes FROM sites s JOIN customers c ON c.id = s.customer_id"
            " WHERE s.id = %s",
            (job.site.id,),
        )
        site = await cur.fetchone()
        assert site is not None  # the job's foreign key keeps its site
        equipment = await queries.equipment(conn, job.site.id, day)
        deficiencies = await queries.open_deficiencies(conn, tz, [job.site.id])
    return JobDetail(job, list(site["special_requirements"]), site["access_notes"], equipment, deficiencies)


async def _day(stores: Stores, technician_id: int, day: date) -> list[Job]:
    """Every job of the technician on `day`, any status, in start order."""
    async def load() -> list[Job]:
        start, end = queries.day_bounds(day, stores.settings.company_tz)
        async with stores.db.connection() as conn:
            return await queries.jobs(
                conn, stores.settings.company_tz,
                "WHERE j.technician_id = %s AND j.scheduled_start >= %s AND j.scheduled_start < %s"
                " ORDER BY j.scheduled_start, j.id",
                (technician_id, start, end),
            )

    return revive(list[Job], await stores.cache.get_or_load("jobs", f"day:{technician_id}:{day.isoformat()}", load))


async def _job_changed(stores: Stores, job: Job) -> None:
    """After a committed change to `job`: its detail, its technician's day and next job, in every process."""
    await stores.cache.invalidate("jobs", _job_key(job.id, today(stores)))
    if job.technician_id is not None:
        await stores.cache.invalidate("jobs", f"day:{job.technician_id}:{job.scheduled_start.date().isoformat()}")
        await stores.cache.invalidate("jobs", _next_key(job.technician_id, today(stores)))


async def _site_changed(stores: Stores, site_id: int) -> None:
    """After a deficiency at the site changed: every job detail there lists the site's open deficiencies."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id FROM jobs WHERE site_id = %s", (site_id,))
        job_ids = [row["id"] for row in await cur.fetchall()]
    day = today(stores)
    await asyncio.gather(*(stores.cache.invalidate("jobs", _job_key(job_id, day)) for job_id in job_ids))


def _next_key(technician_id: int, day: date) -> str:
    return f"next:{technician_id}:{day.isoformat()}"


async def next_job(stores: Stores, *, actor: CurrentUser, origin: Point | None = None) -> Job | None:
    """The job to head to next: one already en route, else the earliest still scheduled from today on.

    Travel is priced from `origin`, or from the technician's home when the caller does not know where they are.
    Cached like the day ("my next job" and "my next site" come up turn after turn); a status change invalidates it.
    """
    day = today(stores)

    async def load() -> list[Job]:
        start, _ = queries.day_bounds(day, stores.settings.company_tz)
        async with stores.db.connection() as conn:
            return await queries.jobs(
                conn, stores.settings.company_tz,
                "WHERE j.technician_id = %s AND j.status IN ('scheduled', 'en_route') AND j.scheduled_start >= %s"
                " ORDER BY j.status = 'en_route' DESC, j.scheduled_start, j.id LIMIT 1",
                (actor.id, start),
            )

    jobs = revive(list[Job], await stores.cache.get_or_load("jobs", _next_key(actor.id, day), load))
    if not jobs:
        return None
    here = origin or (await users.get_user(stores, actor=actor, user_id=actor.id)).home
    return jobs[0] if here is None else (await priced(stores, jobs, here))[0]


async def daily_brief(
    stores: Stores, *, actor: CurrentUser, user_id: int | None = None, origin: Point | None = None,
    on: date | None = None,
) -> DailyBrief:
    """The day's remaining jobs in driving order, what to watch out for, and a paragraph to read aloud.

    The route starts at `origin`, else the technician's home; each job's travel is the leg from the stop before.
    """
    technician = await users.get_user(stores, actor=actor, user_id=actor.id if user_id is None else user_id)
    day = on or today(stores)
    tz = stores.settings.company_tz
    todo = [job for job in await _day(stores, technician.id, day) if job.status in OPEN]
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, special_requirements FROM customers WHERE id = ANY(%s)", ([job.customer.id for job in todo],)
        )
        requirements = {row["id"]: list(row["special_requirements"]) for row in await cur.fetchall()}
        inoperable = await queries.open_deficiencies(conn, tz, [job.site.id for job in todo], severity="inoperable")
    here = origin or technician.home
    route = brief.route_order(todo, here)
    if here is not None:
        stops = [here, *(job.point for job in route)]
        legs = await asyncio.gather(*(travel_time(stores, origin=a, destination=b) for a, b in zip(stops, stops[1:])))
        route = [job.with_travel(leg) for job, leg in zip(route, legs)]
    found = brief.highlights(route, requirements, inoperable)
    return DailyBrief(
        date=day,
        technician=Technician(technician.id, technician.name),
        jobs=route,
        total_travel_seconds=sum(job.travel_seconds or 0 for job in route),
        total_distance_km=round(sum(job.distance_km or 0 for job in route), 2),
        highlights=found,
        spoken_summary=brief.spoken_summary(technician.name.split()[0], day, route, found),
    )


async def inspections_due(
    stores: Stores, *, actor: CurrentUser, site_id: int, within_days: int = 30, overdue_only: bool = False
) -> list[Equipment]:
    """Equipment at a site whose inspection is overdue (only that: `overdue_only`) or due within `within_days`.

    Site equipment is company data, so any signed-in `actor` may ask (a technician standing in front of it).
    """
    if not 0 <= within_days <= 3650:
        raise validation_error("within_days", "within_days must be between 0 and 3650")
    due_by = today(stores) + timedelta(days=within_days)
    units = await site_equipment(stores, site_id=site_id)  # the site's units, soonest due first: the same order
    if not units:  # a site without equipment, or no site at all
        async with stores.db.connection() as conn:
            cur = await conn.execute("SELECT 1 FROM sites WHERE id = %s", (site_id,))
            if await cur.fetchone() is None:
                raise not_found("site", "site_id")
    return [unit for unit in units if (unit.overdue if overdue_only else unit.next_inspection_due <= due_by)]


def _equipment_key(site_id: int, day: date) -> str:
    return f"equipment:{site_id}:{day}"


async def site_equipment(stores: Stores, *, site_id: int) -> list[Equipment]:
    """Every unit at a site (company data, like inspections due), next inspection due first; cached briefly (the
    "jobs" namespace's TTL), as the units a technician names are looked up turn after turn. A unit added at the
    site invalidates it."""
    day = today(stores)

    async def load() -> list[Equipment]:
        async with stores.db.connection() as conn:
            return await queries.equipment(conn, site_id, day)

    return revive(list[Equipment], await stores.cache.get_or_load("jobs", _equipment_key(site_id, day), load))


async def log_deficiency(
    stores: Stores, *, actor: CurrentUser, job_id: int | None = None, site_id: int | None = None,
    equipment_id: int | None = None, severity: str, description: str, location: str | None = None,
) -> Deficiency:
    """Record a problem found on site, against the actor's job (its site follows) or directly against a site."""
    if severity not in SEVERITIES:
        raise validation_error("severity", f"severity must be one of: {', '.join(SEVERITIES)}")
    text = stored_text("description", description, MAX_DESCRIPTION)
    if text is None:
        raise validation_error("description", "description is required")
    where = stored_text("location", location, MAX_LOCATION)
    if job_id is None and site_id is None:
        raise validation_error("job_id", "give the job_id (or site_id) the deficiency belongs to")
    async with transaction(stores.db) as conn:
        if job_id is not None:
            cur = await conn.execute("SELECT site_id, technician_id FROM jobs WHERE id = %s", (job_id,))
            job = await cur.fetchone()
            if job is None:
                raise not_found("job", "job_id")
            authorize(actor, job["technician_id"], field="job_id")
            if site_id is not None and site_id != job["site_id"]:
                raise validation_error("site_id", f"job {job_id} is not at site {site_id}")
            site_id = job["site_id"]
        else:
            cur = await conn.execute("SELECT 1 FROM sites WHERE id = %s", (site_id,))
            if await cur.fetchone() is None:
                raise not_found("site", "site_id")
        if equipment_id is not None:
            cur = await conn.execute("SELECT 1 FROM equipment WHERE id = %s AND site_id = %s", (equipment_id, site_id))
            if await cur.fetchone() is None:
                raise validation_error("equipment_id", f"there is no equipment {equipment_id} at this site")
        cur = await conn.execute(
            "INSERT INTO deficiencies (site_id, equipment_id, job_id, severity, description, location, reported_by)"
            f" VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {queries.DEFICIENCY_COLUMNS}",
            (site_id, equipment_id, job_id, severity, text, where, actor.id),
        )
        row = await cur.fetchone()
    assert row is not None
    deficiency = queries.deficiency(row, stores.settings.company_tz)
    await _site_changed(stores, deficiency.site_id)
    await analytics.record(stores, type="deficiency_logged", user_id=actor.id, properties={
        "deficiency_id": deficiency.id, "severity": severity, "job_id": job_id, "site_id": site_id})
    return deficiency


async def add_equipment(
    stores: Stores, *, actor: CurrentUser, job_id: int, manufacturer: str, model: str, type: str,
    serial: str | None = None, location: str | None = None,
) -> tuple[Equipment, bool]:
    """Register a unit at the job's site (one read off its nameplate, say), so questions about it find it later.

    A unit whose serial is already registered at the site is that unit: it comes back unchanged, with False.
    """
    values = {name: stored_text(name, value, limit) for name, value, limit in (
        ("manufacturer", manufacturer, MAX_LABEL), ("model", model, MAX_LABEL), ("type", type, MAX_LABEL),
        ("serial", serial, MAX_LABEL), ("location", location, MAX_LOCATION))}
    for name in ("manufacturer", "model", "type"):
        if values[name] is None:
            raise validation_error(name, f"{name} is required")
    day = today(stores)
    async with transaction(stores.db) as conn:
        cur = await conn.execute("SELECT site_id, technician_id FROM jobs WHERE id = %s", (job_id,))
        job = await cur.fetchone()
        if job is None:
            raise not_found("job", "job_id")
        authorize(actor, job["technician_id"], field="job_id")
        site_id = job["site_id"]
        await conn.execute("SELECT 1 FROM sites WHERE id = %s FOR UPDATE", (site_id,))  # two taps on "add": one unit
        key = _serial_key(values["serial"])
        if key:
            same = [e for e in await queries.equipment(conn, site_id, day) if _serial_key(e.serial) == key]
            if same:
                return same[0], False
        cur = await conn.execute(
            "INSERT INTO equipment (site_id, type, manufacturer, model, serial, location)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (site_id, values["type"], values["manufacturer"], values["model"], values["serial"], values["location"]),
        )
        row = await cur.fetchone()
        assert row is not None
        added = next(e for e in await queries.equipment(conn, site_id, day) if e.id == row["id"])
    await _site_changed(stores, site_id)
    await stores.cache.invalidate("jobs", _equipment_key(site_id, day))
    return added, True


def _serial_key(serial: str | None) -> str:
    """Serials compared as a technician would: case, spaces and dashes ignored."""
    return "".join(c for c in (serial or "").upper() if c.isalnum())


async def mark_deficiency_fixed(stores: Stores, *, actor: CurrentUser, deficiency_id: int) -> Deficiency:
    """Mark a deficiency fixed (idempotent). Technicians may do so where they have work, or for what they reported."""
    async with transaction(stores.db) as conn:
        cur = await conn.execute(
            "SELECT d.status, d.reported_by, EXISTS (SELECT 1 FROM jobs j WHERE j.site_id = d.site_id"
            " AND j.technician_id = %s AND j.status <> 'cancelled') AS works_there"
            " FROM deficiencies d WHERE d.id = %s FOR UPDATE OF d",
            (actor.id, deficiency_id),
        )
        found = await cur.fetchone()
        if found is None:
            raise not_found("deficiency", "deficiency_id")
        involved = found["works_there"] or found["reported_by"] == actor.id
        authorize(actor, actor.id if involved else None, field="deficiency_id")
        if found["status"] == "verified":
            raise ApiError(409, "conflict", "this deficiency was already verified as fixed", "deficiency_id")
        cur = await conn.execute(
            "UPDATE deficiencies SET status = 'fixed', fixed_at = coalesce(fixed_at, now()) WHERE id = %s"
            f" RETURNING {queries.DEFICIENCY_COLUMNS}",
            (deficiency_id,),
        )
        row = await cur.fetchone()
    assert row is not None
    await _site_changed(stores, row["site_id"])
    return queries.deficiency(row, stores.settings.company_tz)


async def may_step_back(stores: Stores, *, actor: CurrentUser, job_id: int, status: str) -> bool:
    """Whether `update_job` would take the job back to `status` (the actor's own last change within the window, or a
    dispatcher's step): a status draft asks before its read-back, so the yes is not refused after it was promised."""
    if actor.is_staff:
        return True
    async with stores.db.connection() as conn:
        current = await queries.status_row(conn, job_id)
    return current is not None and takes_back(actor.id, current, status)


async def update_job(
    stores: Stores, *, actor: CurrentUser, job_id: int, status: str | None = None, notes: str | None = None
) -> Job:
    """Move a job along scheduled -> en_route -> in_progress -> completed (steps may be skipped) or cancel it, and
    replace its notes ("" clears them). Technicians change their own jobs; dispatchers and admins any job. A step
    back is a correction (`clara.jobs.transitions`): the technician's own last change, or a dispatcher's."""
    if status is None and notes is None:
        raise validation_error("status", "give a status or notes to change")
    if status is not None and status not in STATUSES:
        raise validation_error("status", f"status must be one of: {', '.join(STATUSES)}")
    new_notes = None if notes is None else stored_text("notes", notes, MAX_NOTES)
    tz = stores.settings.company_tz
    async with transaction(stores.db) as conn:
        current = await queries.status_row(conn, job_id, lock=True)
        if current is None:
            raise not_found("job", "job_id")
        authorize(actor, current["technician_id"], field="job_id")
        undoing = status is not None and not may_move(current["status"], status)
        if undoing and not (actor.is_staff or takes_back(actor.id, current, status)):
            raise ApiError(409, "invalid_transition", refusal(current["status"], status), "status")
        changed = status is not None and status != current["status"]
        await conn.execute(
            "UPDATE jobs SET status = coalesce(%s, status), notes = CASE WHEN %s THEN %s ELSE notes END,"
            " (previous_status, status_changed_by, status_changed_at) = (CASE WHEN %s THEN %s"
            " ELSE previous_status END, CASE WHEN %s THEN %s ELSE status_changed_by END, CASE WHEN %s THEN now()"
            " ELSE status_changed_at END), updated_at = now() WHERE id = %s",  # an undo leaves nothing to undo
            (status, notes is not None, new_notes, changed, None if undoing else current["status"],
             changed, actor.id, changed, job_id),
        )
        job = await queries.job(conn, tz, job_id)
    await _job_changed(stores, job)
    if status is not None and status != current["status"]:
        await analytics.record(stores, type="job_status_changed", user_id=actor.id,
                               properties={"job_id": job_id, "from": current["status"], "to": status})
    if current["technician_id"] is not None:  # after commit: the technician's open sockets, on any instance
        await stores.live.publish(
            current["technician_id"], {"type": "job_updated", "job": job.as_json(), "updated_by": actor.id})
    return job


async def undo_status(stores: Stores, *, actor: CurrentUser) -> Job:
    """Take back the actor's own last status change within the window: that job goes back to where it stood."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, previous_status FROM jobs WHERE status_changed_by = %s AND previous_status IS NOT NULL"
            " AND status_changed_at >= now() - %s AND status <> 'cancelled'"
            " ORDER BY status_changed_at DESC, id DESC LIMIT 1", (actor.id, UNDO_WINDOW))
        last = await cur.fetchone()
    if last is None:
        raise ApiError(409, "nothing_to_undo", nothing_to_undo(), "status")
    return await update_job(stores, actor=actor, job_id=last["id"], status=last["previous_status"])
