"""Group commit: the small writes callers make at the same time share one transaction, so one WAL flush (one
fsync) makes all of them durable.

Each chat turn used to commit on its own, twice (the turn, and its model usage in autocommit): at 300 open
sessions (bench/sessions.py, a quiet machine) the turns queued behind PostgreSQL's WAL flushes, not its CPU: p95
637 ms, where the same code at synchronous_commit=off held p95 41 ms. Here one committer at a time takes
everything waiting, runs it in one transaction (one pipelined round trip: BEGIN, the statements in arrival order,
COMMIT) and, once that committed, answers every caller; the writes that arrived meanwhile wait for that commit to
end and then go together. Nothing waits for a timer: a write that finds no commit under way starts one at once
(after one pass of the event loop, see `_commit_waiting`).

What a caller may rely on:
- `write` returns only after the transaction holding its statements committed, so "done means durable" holds for
  whoever acknowledges after it; it raises otherwise.
- Writes commit in the order they were made, so a later write (a conversation's next turn) never commits before
  an earlier one; within a batch, statements with the same SQL run in the order they were made (statements with
  different SQL are sent SQL by SQL, see `_run`: a batch that fails that way is run again write by write).
- One bad write does not fail the others: a batch PostgreSQL refuses is rolled back whole and its writes run again
  one transaction each, so only the bad one gets the error. A connection lost mid-commit leaves the outcome
  unknown: every caller of that batch gets the error (it may have been stored, it is never acknowledged).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Sequence

import psycopg
from psycopg import AsyncConnection
from psycopg.abc import Params, Query
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow

from clara.platform.logging import get_logger
from clara.stores import postgres

log = get_logger(__name__)

Statement = tuple[Query, Params]  # parameterised SQL and its parameters
Rows = list[dict[str, Any]]


@dataclass
class _Write:
    statements: tuple[Statement, ...]
    done: asyncio.Future[list[Rows]]


class GroupCommit:
    """The app loop's committer for small writes that must be durable before their caller answers: called on the
    app's loop (an agent job thread's code reaches it through its bridge, as it reaches the pool)."""

    def __init__(self, pool: postgres.Pool) -> None:
        self._pool = pool
        self._waiting: list[_Write] = []
        self._committer: asyncio.Task[None] | None = None

    async def write(self, statements: Sequence[Statement]) -> list[Rows]:
        """Run `statements` in one transaction with whatever else is waiting; return each statement's rows (empty
        for one that returns none) once that transaction has committed."""
        loop = asyncio.get_running_loop()
        write = _Write(tuple(statements), loop.create_future())
        self._waiting.append(write)
        if self._committer is None:
            self._committer = loop.create_task(self._commit_waiting(), name="group-commit")
        # Shielded: a caller cancelled while its batch commits leaves the batch (and the other callers) alone.
        return await asyncio.shield(write.done)

    async def close(self) -> None:
        """Wait for the commits under way and those already waiting (before the pool closes)."""
        if self._committer is not None:
            await asyncio.shield(self._committer)

    async def _commit_waiting(self) -> None:
        batch: list[_Write] = []
        try:
            # One pass of the loop before the first batch, no timer: writes already on their way join it. A chat
            # turn's model usage reaches here a task hop after the turn itself, and committed apart they cost a
            # lone turn two WAL flushes one after the other.
            await asyncio.sleep(0)
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._commit(batch)
        finally:
            self._committer = None
            for write in batch:  # cancelled mid-commit (the loop is closing): not acknowledged, whatever it became
                write.done.cancel()

    async def _commit(self, batch: list[_Write]) -> None:
        conn: AsyncConnection[DictRow] | None = None
        try:
            async with self._pool.connection() as conn:
                results = await _run(conn, batch)
        except psycopg.Error as exc:
            # Refused as data (the connection still answers): the transaction was rolled back whole, so running
            # each write again alone stores every good one and gives the bad one its own error.
            if len(batch) > 1 and conn is not None and not conn.closed:
                log.warning("group_commit_split", writes=len(batch), error=type(exc).__name__)
                for write in batch:
                    await self._commit([write])
                return
            _fail(batch, exc)
        except Exception as exc:  # a bug: every caller hears of it, and the committer carries on
            log.exception("group_commit_failed", writes=len(batch))
            _fail(batch, exc)
        else:
            for write, rows in zip(batch, results):
                if not write.done.done():
                    write.done.set_result(rows)


async def _run(conn: AsyncConnection[DictRow], batch: list[_Write]) -> list[list[Rows]]:
    """Every write's statements in one transaction, pipelined: one round trip however many there are.

    The statements sharing their SQL go in one `executemany`, in arrival order: psycopg sends those without waiting
    on the event loop per statement, where a batch of a hundred `execute` calls waited a hundred turns of a busy
    loop (at ten times the target load the batches then took longer than committing each turn on its own). BEGIN
    and COMMIT are statements of the pipeline: psycopg's transaction block syncs the pipeline on entry and exit
    (three round trips), and an explicit block stays one transaction even where psycopg syncs midway."""
    by_query: dict[Query, list[tuple[int, int, Params]]] = {}  # SQL -> (write, statement, parameters), in order
    for w, write in enumerate(batch):
        for n, (query, params) in enumerate(write.statements):
            by_query.setdefault(query, []).append((w, n, params))
    try:
        async with conn.pipeline():  # its exit syncs: every result is in, or the first error (COMMIT's too) raised
            await conn.execute("BEGIN")
            cursors = []
            for query, entries in by_query.items():
                cur = conn.cursor()
                await cur.executemany(query, [params for _, _, params in entries], returning=True)
                cursors.append((cur, entries))
            await conn.execute("COMMIT")
    except psycopg.Error:
        if conn.info.transaction_status == TransactionStatus.INERROR:  # refused mid-block: COMMIT was skipped
            await conn.rollback()
        raise
    results: list[list[Rows]] = [[[] for _ in write.statements] for write in batch]
    for cur, entries in cursors:
        for w, n, _ in entries:  # one result set per parameter set, in order
            results[w][n] = await cur.fetchall() if cur.description else []
            cur.nextset()
    return results


def _fail(batch: list[_Write], error: Exception) -> None:
    for write in batch:
        if not write.done.done():
            write.done.set_exception(error)
