from __future__ import annotations

import uuid
from datetime import datetime, timezone

import psycopg
import pytest
from starlette.applications import Starlette

from clara.analytics import storage
from clara.analytics.events import Batch, Event, new_event
from clara.settings import Settings
from tests.conftest import running


def batch(*events: Event) -> list[Batch]:
    return [Batch(uuid.uuid4(), events)]


async def fetch(pool: object, query: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
    async with pool.connection() as conn:  # type: ignore[attr-defined]
        cur = await conn.execute(query, params)
        return await cur.fetchall()


async def test_timescale_detection_and_the_native_partitioned_table(app: Starlette) -> None:
    db = app.state.stores.analytics.db
    [row] = await fetch(db, "SELECT analytics_timescale_available() AS available,"
                            " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS listed")
    assert row["available"] is row["listed"] is False  # this machine has no TimescaleDB
    assert await storage.uses_timescale(db) is False
    parts = await fetch(db, "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i"
                            " JOIN pg_class c ON c.oid = i.inhrelid"
                            " WHERE i.inhparent = 'analytics_events'::regclass ORDER BY 1")
    names = [p["relname"] for p in parts]
    assert "analytics_events_default" in names
    this_month = f"analytics_events_{datetime.now(timezone.utc):%Y_%m}"
    assert this_month in names
    [brin] = await fetch(db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'analytics_events_time_brin'")
    assert "brin" in brin["indexdef"]


async def test_maintenance_creates_months_ahead_and_rehomes_default_rows(app: Starlette) -> None:
    db = app.state.stores.analytics.db
    long_ago = datetime(2021, 3, 14, 15, 9, tzinfo=timezone.utc)
    event = new_event(type="user_message", user_id=None, now=long_ago)
    assert await storage.write_batches(db, batch(event)) == 1
    [row] = await fetch(db, "SELECT tableoid::regclass::text AS part FROM analytics_events WHERE id = %s", (event.id,))
    assert row["part"] == "analytics_events_default"
    created = await storage.maintain(db, now=datetime(2021, 4, 2, tzinfo=timezone.utc))
    assert created == ["analytics_events_2021_03", "analytics_events_2021_04", "analytics_events_2021_05",
                       "analytics_events_2021_06"]
    [row] = await fetch(db, "SELECT tableoid::regclass::text AS part FROM analytics_events WHERE id = %s", (event.id,))
    assert row["part"] == "analytics_events_2021_03"
    assert await storage.maintain(db, now=datetime(2021, 4, 2, tzinfo=timezone.utc)) == []


async def test_keyed_events_are_written_once(app: Starlette) -> None:
    db = app.state.stores.analytics.db
    first = new_event(type="user_message", user_id=7, event_id="retry-me")
    again = new_event(type="user_message", user_id=7, event_id="retry-me")
    plain = new_event(type="user_message", user_id=7)
    assert first.id == again.id
    assert await storage.write_batches(db, batch(first, again, plain)) == 2
    assert await storage.write_batches(db, batch(again)) == 0
    [row] = await fetch(db, "SELECT count(*) AS n FROM analytics_events")
    assert row["n"] == 2


async def test_a_batch_that_arrives_twice_is_stored_once(app: Starlette) -> None:
    """A commit that outlived its deadline but succeeded, then its journal copy: the second is skipped whole."""
    db = app.state.stores.analytics.db
    twice = batch(new_event(type="user_message", user_id=7), new_event(type="knowledge_miss", user_id=7))
    assert await storage.write_batches(db, twice) == 2
    assert await storage.write_batches(db, [*twice, *batch(new_event(type="user_message", user_id=8))]) == 1
    [row] = await fetch(db, "SELECT count(*) AS n FROM analytics_events")
    assert row["n"] == 3


async def test_timescale_url_keeps_events_in_their_own_database(settings: Settings, empty_database_url: str) -> None:
    async with running(settings, timescale_url=empty_database_url) as application:
        stores = application.state.stores
        assert stores.analytics.db is not stores.db
        event = new_event(type="session_started", user_id=1)
        assert stores.analytics.buffer.put(event)
        await stores.analytics.buffer.flush()
    with psycopg.connect(empty_database_url) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert "users" not in tables  # only the analytics schema was applied there
        assert conn.execute("SELECT count(*) FROM analytics_events WHERE id = %s", (event.id,)).fetchone() == (1,)
