"""The analytics events table: batched writes with COPY, partition upkeep (hourly, `keep_maintained`), and the
optional TimescaleDB database.

Only the buffer writes here; the summary and pattern queries read the same table through the service.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from typing import AsyncIterator, Sequence

import psycopg
import psycopg_pool
from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from clara.analytics.events import Batch, Event
from clara.platform.cancelling import stop_if_cancelling
from clara.platform.logging import get_logger
from clara.stores import postgres

log = get_logger(__name__)

MIGRATIONS = ("0004_analytics", "0009_analytics_batches")
# PostgreSQL away (down, unreachable, the pool exhausted), as opposed to refusing the data: worth another try later.
TRANSIENT = (psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout, OSError, TimeoutError)
MAINTENANCE_EVERY = 3600.0  # seconds between partition upkeep runs
KEY_RETENTION = timedelta(days=7)
BATCH_RETENTION = timedelta(days=30)  # longer than any journal waits for PostgreSQL in practice
_SCHEMA_LOCK = 7_420_304  # advisory lock key: "creating the analytics schema in TIMESCALE_URL's database"
_COPY = "COPY analytics_events (id, occurred_at, type, user_id, session_id, properties) FROM STDIN"


async def write_batches(pool: postgres.Pool, batches: Sequence[Batch]) -> int:
    """Write `batches` in one transaction and return how many rows were written.

    A batch whose id is already recorded was written before (a write that timed out yet committed, replayed from
    the journal) and is skipped whole; so is an event whose client `event_id` was written before.
    """
    async with postgres.transaction(pool) as conn:
        cur = await conn.execute(
            "INSERT INTO analytics_batches (id) SELECT unnest(%s::uuid[]) ON CONFLICT DO NOTHING RETURNING id",
            ([b.id for b in batches],),
        )
        new = {row["id"] for row in await cur.fetchall()}
        fresh = await _unseen(conn, [e for b in batches if b.id in new for e in b.events])
        async with conn.cursor().copy(_COPY) as copy:
            for e in fresh:
                await copy.write_row((e.id, e.occurred_at, e.type, e.user_id, e.session_id, Jsonb(e.properties)))
    return len(fresh)


async def _unseen(conn: AsyncConnection[DictRow], events: Sequence[Event]) -> list[Event]:
    keyed = [e.id for e in events if e.keyed]
    if not keyed:
        return list(events)
    cur = await conn.execute(
        "INSERT INTO analytics_event_keys (id) SELECT unnest(%s::uuid[]) ON CONFLICT DO NOTHING RETURNING id",
        (keyed,),
    )
    new_keys = {row["id"] for row in await cur.fetchall()}
    fresh: list[Event] = []
    for e in events:
        if not e.keyed:
            fresh.append(e)
        elif e.id in new_keys:
            new_keys.discard(e.id)  # a retry buffered alongside its original: only the first is written
            fresh.append(e)
    return fresh


async def keep_maintained(pool: postgres.Pool) -> None:
    """`maintain` every MAINTENANCE_EVERY seconds while the app runs, and a minute after a failure."""
    while True:
        try:
            await maintain(pool)
        except (*TRANSIENT, psycopg.Error) as exc:
            stop_if_cancelling(exc)
            log.warning("analytics_maintenance_failed", error=type(exc).__name__)
            await asyncio.sleep(60)
            continue
        await asyncio.sleep(MAINTENANCE_EVERY)


async def maintain(pool: postgres.Pool, *, now: datetime | None = None) -> list[str]:
    """Create month partitions from last month to two months ahead, and forget old idempotency keys and batch ids.

    Returns the partitions created. A no-op for partitions on a TimescaleDB hypertable.
    """
    now = now or datetime.now(timezone.utc)
    months = [_add_months(now.date(), delta) for delta in range(-1, 3)]
    created: list[str] = []
    async with pool.connection() as conn:
        for month in months:
            cur = await conn.execute("SELECT analytics_ensure_partition(%s) AS created", (month,))
            row = await cur.fetchone()
            if row and row["created"]:
                created.append(f"analytics_events_{month:%Y_%m}")
        await conn.execute("DELETE FROM analytics_event_keys WHERE created_at < %s", (now - KEY_RETENTION,))
        await conn.execute("DELETE FROM analytics_batches WHERE created_at < %s", (now - BATCH_RETENTION,))
    if created:
        log.info("analytics_partitions_created", partitions=created)
    return created


def _add_months(month: date, delta: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 + delta, 12)
    return date(year, index + 1, 1)


async def uses_timescale(pool: postgres.Pool) -> bool:
    """Whether the events table is a TimescaleDB hypertable (else native partitions)."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_partitioned_table"
            " WHERE partrelid = 'analytics_events'::regclass) AS timescale"
        )
        row = await cur.fetchone()
    return bool(row and row["timescale"])


@asynccontextmanager
async def events_database(main: postgres.Pool, timescale_url: str | None) -> AsyncIterator[postgres.Pool]:
    """The pool events live in: the main database, or TIMESCALE_URL's with the analytics schema applied there."""
    if not timescale_url:
        yield main
        return
    pool = await postgres.open_pool(timescale_url, max_size=4)
    try:
        await pool.wait(timeout=30)
        await _ensure_schema(pool)
        yield pool
    finally:
        await pool.close()


async def _ensure_schema(pool: postgres.Pool) -> None:
    """Apply only the analytics migrations to a database that holds nothing else of Clara's.

    The first creates the events table (applied when it is missing); the later ones are written to be re-run.
    """
    first, *later = (dict(postgres.migration_files())[name] for name in MIGRATIONS)
    async with pool.connection() as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            cur = await conn.execute("SELECT to_regclass('analytics_events') IS NOT NULL AS present")
            row = await cur.fetchone()
            if not (row and row["present"]):
                async with conn.transaction():
                    await conn.execute(first)  # type: ignore[arg-type]  # trusted files shipped with the code
                log.info("analytics_schema_created", database="timescale_url")
            for sql in later:
                async with conn.transaction():
                    await conn.execute(sql)  # type: ignore[arg-type]
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
