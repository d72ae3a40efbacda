"""How jobs, site equipment and deficiencies are read from PostgreSQL and turned into the domain's dataclasses.

The jobs services (`clara.jobs.service`) hold the rules and the cache; this module holds the SQL they share, so a
column added to `jobs` or `deficiencies` is mapped in one place.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from clara.jobs.models import SEVERITIES, CustomerRef, Deficiency, Equipment, Job, SiteRef
from clara.jobs.transitions import UNDO_WINDOW
from clara.web.errors import not_found

_JOBS = """
SELECT j.id, j.status, j.type, j.priority, j.scheduled_start, j.duration_minutes, j.technician_id, j.systems, j.notes,
       c.id AS customer_id, c.name AS customer_name,
       s.id AS site_id, s.name AS site_name, s.address, s.city, s.latitude, s.longitude
FROM jobs j JOIN sites s ON s.id = j.site_id JOIN customers c ON c.id = s.customer_id
"""
DEFICIENCY_COLUMNS = ("id, site_id, equipment_id, job_id, severity, status, description, location, reported_by,"
                      " created_at, fixed_at")


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The company-time-zone instants a field day starts and ends at: `jobs.scheduled_start` is a timestamptz."""
    return datetime.combine(day, time(), tz), datetime.combine(day + timedelta(days=1), time(), tz)


async def jobs(conn: AsyncConnection[DictRow], tz: tzinfo, where: str, params: tuple[Any, ...]) -> list[Job]:
    cur = await conn.execute(_JOBS + where, params)  # type: ignore[arg-type]  # constant SQL from this module
    return [
        Job(
            id=row["id"], status=row["status"], type=row["type"], priority=row["priority"],
            scheduled_start=row["scheduled_start"].astimezone(tz), duration_minutes=row["duration_minutes"],
            technician_id=row["technician_id"], customer=CustomerRef(row["customer_id"], row["customer_name"]),
            site=SiteRef(row["site_id"], row["site_name"], row["address"], row["city"], row["latitude"],
                         row["longitude"]),
            systems=list(row["systems"]), notes=row["notes"],
        )
        for row in await cur.fetchall()
    ]


async def job(conn: AsyncConnection[DictRow], tz: tzinfo, job_id: int) -> Job:
    found = await jobs(conn, tz, "WHERE j.id = %s", (job_id,))
    if not found:
        raise not_found("job", "job_id")
    return found[0]


async def status_row(conn: AsyncConnection[DictRow], job_id: int, *, lock: bool = False) -> DictRow | None:
    """What a status change is decided on (`clara.jobs.transitions`): the job's technician and status, the status it
    came from, who changed it and whether that was within the undo window; locked for the change when `lock`."""
    cur = await conn.execute(
        "SELECT technician_id, status, previous_status, status_changed_by,"
        " coalesce(status_changed_at >= now() - %s, false) AS recent FROM jobs WHERE id = %s"
        + (" FOR UPDATE" if lock else ""), (UNDO_WINDOW, job_id))
    return await cur.fetchone()


async def equipment(conn: AsyncConnection[DictRow], site_id: int, day: date) -> list[Equipment]:
    cur = await conn.execute(
        """
        SELECT id, type, manufacturer, model, serial, location, install_date, last_inspected,
               inspection_interval_days, nfpa_standard,
               coalesce(coalesce(last_inspected, install_date) + inspection_interval_days, %(day)s)
                   AS next_inspection_due
        FROM equipment WHERE site_id = %(site)s
        ORDER BY next_inspection_due, id
        """,
        {"site": site_id, "day": day},
    )
    return [Equipment(**row, overdue=row["next_inspection_due"] < day) for row in await cur.fetchall()]


async def open_deficiencies(
    conn: AsyncConnection[DictRow], tz: tzinfo, site_ids: list[int], *, severity: str | None = None
) -> list[Deficiency]:
    """Deficiencies nobody has fixed yet, worst first."""
    cur = await conn.execute(
        f"SELECT {DEFICIENCY_COLUMNS} FROM deficiencies"
        " WHERE site_id = ANY(%s) AND status = 'new' AND (%s::text IS NULL OR severity = %s)"
        " ORDER BY array_position(%s, severity), created_at, id",
        (site_ids, severity, severity, list(SEVERITIES)),
    )
    return [deficiency(row, tz) for row in await cur.fetchall()]


def deficiency(row: dict[str, Any], tz: tzinfo) -> Deficiency:
    fixed_at = row["fixed_at"]
    return Deficiency(**{**row, "created_at": row["created_at"].astimezone(tz),
                         "fixed_at": None if fixed_at is None else fixed_at.astimezone(tz)})
