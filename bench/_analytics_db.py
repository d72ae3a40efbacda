"""A throwaway PostgreSQL database for the analytics benches, migrated like Clara's own.

`BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names a server where a fresh database is created and dropped after;
with neither, an embedded server runs in a temporary directory.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clara.stores import postgres  # noqa: E402  (after the path set-up, so the bench runs from any directory)
from bench._logs import configure_bench_logging  # noqa: E402

configure_bench_logging()


@asynccontextmanager
async def bench_database() -> AsyncIterator[postgres.Pool]:
    admin = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    scratch: Path | None = None
    if admin is None:
        scratch = Path(tempfile.mkdtemp(prefix="clara-bench-pg-"))
        admin = postgres.start_embedded(scratch)
    name = f"clara_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(admin, dbname=name)
    pool = await postgres.open_pool(url, max_size=4, timeout=60)
    try:
        await pool.wait(timeout=60)
        await postgres.migrate(pool)
        yield pool
    finally:
        await pool.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


async def copy_rows(pool: postgres.Pool, rows: list[tuple[object, ...]]) -> None:
    """Bulk-load (id, occurred_at, type, user_id, session_id, properties) rows with COPY, then ANALYZE."""
    from psycopg.types.json import Jsonb

    async with pool.connection() as conn:
        async with conn.cursor().copy(
            "COPY analytics_events (id, occurred_at, type, user_id, session_id, properties) FROM STDIN"
        ) as copy:
            for row in rows:
                await copy.write_row((*row[:5], Jsonb(row[5])))
        await conn.execute("ANALYZE analytics_events")
