"""The pool hands out connections that work, quickly: checking one costs no round trip while nothing has happened,
and callers beyond its size queue on Clara's side, not in psycopg_pool's.

A turn's queries each take a connection from the pool; a check that asked PostgreSQL first ("are you there?")
doubled the round trips of every one of them. A connection the server has ended (a restart, a terminated backend)
must still never reach a caller.
"""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from psycopg_pool import PoolTimeout

from clara.platform.resilience import CircuitBreaker
from clara.stores import postgres
from tests.servers import PostgresWire, TcpProxy, proxied, upstream


async def _backend_gone(database_url: str, pid: int) -> None:
    """Until PostgreSQL no longer lists the backend: it has said goodbye on its socket by then."""
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
        await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        while await (await admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))).fetchone():
            await asyncio.sleep(0.01)


async def test_a_connection_the_server_ended_is_replaced_before_anyone_gets_it(database_url: str) -> None:
    pool = await postgres.open_pool(database_url, max_size=1)
    try:
        await pool.wait()
        async with pool.connection() as conn:
            first = (await (await conn.execute("SELECT pg_backend_pid() AS pid")).fetchone())["pid"]
        await _backend_gone(database_url, first)

        async with pool.connection() as conn:
            second = (await (await conn.execute("SELECT pg_backend_pid() AS pid")).fetchone())["pid"]
        assert second != first
    finally:
        await pool.close()


async def test_a_healthy_connection_is_handed_out_without_a_round_trip(database_url: str) -> None:
    wire = PostgresWire()
    proxy = await TcpProxy(upstream(database_url), wire=wire).start()
    pool = await postgres.open_pool(proxied(database_url, proxy.port), max_size=1)
    try:
        await pool.wait()
        async with pool.connection() as conn:
            await conn.execute("SELECT 1")
        wire.requests.clear()

        async with pool.connection() as conn:
            await conn.execute("SELECT 2")
        assert wire.requests == ["SELECT 2"]  # not "" (the check) first
    finally:
        await pool.close()
        await proxy.cut()


async def test_callers_beyond_the_pool_size_wait_their_turn_outside_psycopg_pool(database_url: str) -> None:
    """psycopg_pool hands a returned connection to a queued client while holding its lock, which on a busy loop
    lined every getconn and putconn up behind that lock: turns waited seconds beside idle connections. Callers
    beyond the pool's size wait on Clara's side instead, and the pool keeps all its connections open."""
    pool = await postgres.open_pool(database_url, max_size=2)
    try:
        await pool.wait()
        assert pool.get_stats()["pool_size"] == 2  # opened at start, not grown through the queue

        async def query(n: int) -> int:
            async with pool.connection() as conn:
                await asyncio.sleep(0.01)  # holding it, as a turn's query does, while others arrive
                return (await (await conn.execute("SELECT %s::int AS n", (n,))).fetchone())["n"]

        assert await asyncio.gather(*(query(n) for n in range(20))) == list(range(20))
        stats = pool.get_stats()
        assert stats.get("requests_queued", 0) == 0 and stats["pool_size"] == 2
    finally:
        await pool.close()


async def test_a_caller_that_finds_no_connection_in_time_gets_pool_timeout(database_url: str) -> None:
    """As psycopg_pool's own timeout did: a PoolTimeout, counted by the breaker (a 503 for the request); the turn
    it waited for is not lost to the next caller."""
    breaker = CircuitBreaker("postgres", failure_threshold=100)  # stays closed here: the next caller gets through
    pool = await postgres.open_pool(database_url, max_size=1, breaker=breaker)
    try:
        await pool.wait()
        async with pool.connection():
            with pytest.raises(PoolTimeout):
                await pool.getconn(timeout=0.1)
        assert breaker.failures == 1
        async with pool.connection() as conn:
            assert (await (await conn.execute("SELECT 1 AS one")).fetchone())["one"] == 1
    finally:
        await pool.close()
