"""The pool hands out connections that work, and checking them costs no round trip while nothing has happened.

A turn's queries each take a connection from the pool; a check that asked PostgreSQL first ("are you there?")
doubled the round trips of every one of them. A connection the server has ended (a restart, a terminated backend)
must still never reach a caller.
"""

from __future__ import annotations

import asyncio

import psycopg

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
