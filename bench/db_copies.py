"""What the tests' per-test databases cost: CREATE DATABASE ... TEMPLATE and DROP DATABASE, one after another and
several at once (tests/databases.py drops on worker threads because drops waiting together share a checkpoint).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/db_copies.py [--copies 8]

Prints wall seconds for each way and the checkpoints PostgreSQL was asked for meanwhile (pg_stat_bgwriter), which
counts other sessions' requests too on a shared server. It builds a template of its own (one table of 100,000
rows) and removes everything it made.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.databases import admin, drop_database, with_database  # noqa: E402


def checkpoints(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT checkpoints_req FROM pg_stat_bgwriter").fetchone()
    return int(row[0]) if row else 0


def timed(url: str, label: str, work: Callable[[], None]) -> None:
    before, start = checkpoints(url), time.perf_counter()
    work()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s  checkpoints requested: {checkpoints(url) - before}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8)
    args = parser.parse_args()
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        sys.exit("set TEST_DATABASE_URL (an admin URL of a PostgreSQL server)")
    template = f"bench_copies_tpl_{os.getpid()}"
    names = [f"bench_copies_{os.getpid()}_{n}" for n in range(args.copies)]
    admin(url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    try:
        admin(with_database(url, template), sql.SQL(
            "CREATE TABLE filler AS SELECT n, md5(n::text) || repeat('x', 40) AS body FROM generate_series(1, 100000) n"))

        def create_all(threads: int) -> Callable[[], None]:
            def work() -> None:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(lambda name: admin(url, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template))), names))
            return work

        def drop_all(threads: int) -> Callable[[], None]:
            def work() -> None:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(lambda name: drop_database(url, name), names))
            return work

        for threads in (1, len(names)):
            timed(url, f"create {len(names)}, {threads} at a time", create_all(threads))
            timed(url, f"drop {len(names)}, {threads} at a time", drop_all(threads))
    finally:
        for name in [*names, template]:
            drop_database(url, name)


if __name__ == "__main__":
    main()
