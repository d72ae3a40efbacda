"""Clara's real stores over a throwaway database and DATA_DIR, for the knowledge benches.

`BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names a server where a fresh database is created and dropped after;
with neither, an embedded server runs in a temporary directory. The Chroma index lives in a temporary DATA_DIR.
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
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clara.settings import Settings  # noqa: E402  (after the path set-up, so the bench runs from any directory)
from clara.ops.wiring import open_stores  # noqa: E402
from clara.stores import Stores, postgres  # noqa: E402
from bench._logs import configure_bench_logging  # noqa: E402

configure_bench_logging()


def with_database(url: str, name: str) -> str:
    """The server's URL naming database `name`: a URL, as DATABASE_URL must be (Settings checks its scheme), not
    libpq's key=value form."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@asynccontextmanager
async def bench_database() -> AsyncIterator[tuple[str, Path]]:
    """A fresh database URL and DATA_DIR, both dropped afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="clara-bench-knowledge-"))
    admin = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if admin is None:
        admin = postgres.start_embedded(scratch / "pg")
    name = f"clara_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(admin, name), scratch / "data"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        shutil.rmtree(scratch, ignore_errors=True)


@asynccontextmanager
async def bench_stores(**settings: object) -> AsyncIterator[Stores]:
    async with bench_database() as (database_url, data_dir):
        config = Settings(env="test", database_url=database_url, data_dir=data_dir, seed_demo_data=False,
                          agent_worker_enabled=False, log_level="warning", **settings)  # type: ignore[arg-type]
        async with open_stores(config) as stores:
            yield stores
