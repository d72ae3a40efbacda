"""Loads the demo data (`clara.ops.demo_data`) of a Bay Area fire & life-safety / HVAC service company when the
database is empty.

Deterministic (fixed random seed) so tests and the README can name real records; jobs are placed relative to
the day of seeding, in the company's time zone, so a newcomer always sees a week of upcoming work and two weeks of
history. The demo technician's first day is written out by hand (WeWork, the Ferry Building, ABC Manufacturing) so
the README's first `/jobs` call and the daily brief show something worth hearing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from clara.auth.passwords import hash_password
from clara.ops.demo_data import (
    COMPANY_TZ, CUSTOMERS, DEMO_DAY, DEMO_DEFICIENCY, DEMO_PASSWORD, EQUIPMENT_KINDS, HISTORY_DAYS, JOB_TYPES, SYSTEMS,
    USERS,
)
from clara.platform.logging import get_logger
from clara.stores.postgres import Pool, transaction

log = get_logger(__name__)


async def seed_if_empty(db: Pool, *, today: date | None = None) -> bool:
    """Load the demo data unless users already exist; True when it loaded them."""
    async with transaction(db) as conn:
        await conn.execute("LOCK TABLE users IN EXCLUSIVE MODE")  # two instances starting together seed once
        cur = await conn.execute("SELECT EXISTS (SELECT 1 FROM users) AS seeded")
        row = await cur.fetchone()
        if row and row["seeded"]:
            return False
        await _seed(conn, today or datetime.now(COMPANY_TZ).date())
    log.info("demo_data_seeded", customers=len(CUSTOMERS))
    return True


async def _seed(conn: AsyncConnection[DictRow], today: date) -> None:
    rng = random.Random(2026)
    technician_ids: list[int] = []
    for user in USERS:
        cur = await conn.execute(
            "INSERT INTO users (email, name, role, password_hash, home_latitude, home_longitude)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            # A hash per user, each with its own salt: one shared hash would let one cracked row open them all.
            (user.email, user.name, user.role, hash_password(DEMO_PASSWORD), *user.home),
        )
        user_id = (await cur.fetchone())["id"]  # type: ignore[index]
        await conn.execute("INSERT INTO user_preferences (user_id) VALUES (%s)", (user_id,))
        if user.role == "technician":
            technician_ids.append(user_id)

    site_ids: dict[str, int] = {}
    for customer in CUSTOMERS:
        cur = await conn.execute(
            "INSERT INTO customers (name, segment, lifetime_value, special_requirements, notes)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (customer.name, customer.segment, customer.lifetime_value, list(customer.special_requirements),
             customer.notes),
        )
        customer_id = (await cur.fetchone())["id"]  # type: ignore[index]
        for title, value, stage in customer.opportunities:
            await conn.execute(
                "INSERT INTO opportunities (customer_id, title, value, stage) VALUES (%s, %s, %s, %s)",
                (customer_id, title, value, stage),
            )
        for index, site in enumerate(customer.sites):
            cur = await conn.execute(
                "INSERT INTO sites (customer_id, name, address, city, postal_code, latitude, longitude)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (customer_id, site.name, site.address, site.city, site.postal_code, site.latitude, site.longitude),
            )
            site_id = (await cur.fetchone())["id"]  # type: ignore[index]
            site_ids[site.name] = site_id
            first, last = _contact_name(rng)
            await conn.execute(
                "INSERT INTO contacts (customer_id, site_id, name, title, phone, email, is_primary)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (customer_id, site_id, f"{first} {last}", rng.choice(["Facilities Manager", "Chief Engineer",
                 "Property Manager", "Safety Director"]), f"(415) 555-{rng.randint(1000, 9999)}",
                 f"{first.lower()}.{last.lower()}@example.com", index == 0),
            )
            await _seed_equipment(conn, rng, site_id, today)

    await _seed_jobs(conn, rng, technician_ids, site_ids, today)
    # History draws from its own generator, so its size can change without reshuffling the upcoming week.
    await _seed_history(conn, random.Random(2025), technician_ids, list(site_ids.values()), today)


async def _seed_equipment(conn: AsyncConnection[DictRow], rng: random.Random, site_id: int, today: date) -> None:
    kinds = [EQUIPMENT_KINDS[0]] + rng.sample(EQUIPMENT_KINDS[1:], 5)
    for kind, manufacturer, model, location, interval, standard in kinds:
        installed = today - timedelta(days=rng.randint(365, 365 * 18))
        last_inspected = today - timedelta(days=rng.randint(5, interval + 60))
        await conn.execute(
            "INSERT INTO equipment (site_id, type, manufacturer, model, serial, location, install_date,"
            " last_inspected, inspection_interval_days, nfpa_standard)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (site_id, kind, manufacturer, model, f"{manufacturer[:2].upper()}{rng.randint(100000, 999999)}",
             location, installed, last_inspected, interval, standard),
        )


async def _seed_jobs(
    conn: AsyncConnection[DictRow], rng: random.Random, technician_ids: list[int], site_ids: dict[str, int],
    today: date,
) -> None:
    demo_technician = technician_ids[0]
    for job in DEMO_DAY:
        await conn.execute(
            "INSERT INTO jobs (site_id, technician_id, type, priority, scheduled_start, duration_minutes, systems,"
            " notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (site_ids[job.site], demo_technician, job.type, job.priority,
             datetime.combine(today, job.start, COMPANY_TZ), job.duration_minutes, list(job.systems), job.notes),
        )
    site_pool = list(site_ids.values())
    for day in range(7):
        for technician_id in technician_ids:
            if day == 0 and technician_id == demo_technician:
                continue  # their first day is DEMO_DAY
            starts = sorted(rng.sample([7, 8, 9, 10, 11, 13, 14, 15], 3 if day < 5 else 2))
            for hour in starts:
                job_type = rng.choice(list(JOB_TYPES))
                scheduled = datetime.combine(today + timedelta(days=day), time(hour, rng.choice([0, 30])), COMPANY_TZ)
                await conn.execute(
                    "INSERT INTO jobs (site_id, technician_id, type, priority, scheduled_start, duration_minutes,"
                    " systems, notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (rng.choice(site_pool), technician_id, job_type, rng.choice(["normal", "normal", "high", "low"]),
                     scheduled, rng.choice([60, 90, 120]), rng.sample(SYSTEMS[job_type], 2),
                     rng.choice(JOB_TYPES[job_type])),
                )
    # A few deficiencies already open, so "what's open at this site" has answers on day one.
    cur = await conn.execute("SELECT id, site_id FROM equipment ORDER BY id")
    equipment = await cur.fetchall()
    for item in rng.sample(equipment, 20):
        await conn.execute(
            "INSERT INTO deficiencies (site_id, equipment_id, severity, description)"
            " VALUES (%s, %s, %s, %s)",
            (item["site_id"], item["id"], rng.choice(["inoperable", "deficient", "deficient", "suggested"]),
             rng.choice(["Corroded sprinkler head", "Gauge out of calibration date", "Extinguisher missing tag",
                         "Low battery voltage on panel", "Condenser coil heavily fouled",
                         "Obstructed fire department connection"])),
        )
    site, severity, description, location = DEMO_DEFICIENCY
    await conn.execute(
        "INSERT INTO deficiencies (site_id, severity, description, location) VALUES (%s, %s, %s, %s)",
        (site_ids[site], severity, description, location),
    )


async def _seed_history(
    conn: AsyncConnection[DictRow], rng: random.Random, technician_ids: list[int], site_ids: list[int], today: date
) -> None:
    """Two weeks of finished weekday work, so a customer's recent jobs and "when were we last there" have answers."""
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for technician_id in technician_ids:
            for hour in sorted(rng.sample([7, 8, 9, 10, 11, 13, 14, 15], 2)):
                job_type = rng.choice(list(JOB_TYPES))
                await conn.execute(
                    "INSERT INTO jobs (site_id, technician_id, type, status, priority, scheduled_start,"
                    " duration_minutes, systems, notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (rng.choice(site_ids), technician_id, job_type, rng.choice(["completed"] * 9 + ["cancelled"]),
                     rng.choice(["normal", "normal", "high", "low"]), datetime.combine(day, time(hour), COMPANY_TZ),
                     rng.choice([60, 90, 120]), rng.sample(SYSTEMS[job_type], 2), rng.choice(JOB_TYPES[job_type])),
                )


def _contact_name(rng: random.Random) -> tuple[str, str]:
    return (rng.choice(["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Chris", "Pat", "Robin", "Casey", "Jamie"]),
            rng.choice(["Nguyen", "Garcia", "Smith", "Kim", "Johnson", "Rivera", "Brown", "Singh", "Wong", "Davis"]))
