"""Analytics events on their way to PostgreSQL: a client's events are on disk before they are acknowledged,
Clara's own events are written within `flush_interval`, and no shutdown drops either.

- `write(events)` (the API's 202): the events join the next group commit, one transaction and one COPY shared by
  every request that arrived meanwhile, and `write` returns once it committed. When PostgreSQL does not commit
  within COMMIT_DEADLINE (down, hung, overloaded), the batch is appended to the journal and fsync'd instead
  (clara.analytics.journal), and `write` returns then.
- `put(event)` (Clara's own events, from any thread, never waiting): held in memory and written with the next
  group commit, at the latest `flush_interval` seconds later, or journalled like any batch.
- `tally(type, properties, session_id)` (Clara's own observations too frequent for an event each: a cache hit per
  request): counted in memory, and written with that same commit as one event per (type, properties, session)
  whose `count` property says how many occurrences it stands for. Nothing a client was acknowledged is held so.
- The drain hands journalled batches to PostgreSQL in the background as soon as it answers, then deletes their
  segment; at start it replays whatever an earlier run left (a SIGKILL, a shutdown while PostgreSQL was down).

Every batch carries an id written with its events, so one that reaches PostgreSQL twice (a commit that outlived
its deadline yet succeeded, then its journal copy) is stored once. Events waiting (in memory or in the journal)
are bounded by `max_events`: beyond it a client is refused (the API answers 503 with Retry-After and the client
keeps its events), and only Clara's own events are dropped, counted and logged.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import psycopg

from clara.platform import metrics
from clara.analytics import storage
from clara.analytics.events import Batch, Event
from clara.analytics.journal import Journal
from clara.analytics.storage import TRANSIENT
from clara.analytics.tallies import Tallies
from clara.platform.cancelling import stop_if_cancelling
from clara.platform.logging import get_logger
from clara.stores import postgres

log = get_logger(__name__)

COMMIT_DEADLINE = 0.5  # seconds a group commit may take before its batch goes to the journal instead
CLOSE_DRAIN_SECONDS = 2.0  # at shutdown, how long the journal may spend reaching PostgreSQL before it waits on disk
_MAX_BACKOFF = 2.0
_DRAIN_EVENTS = 5000  # events per transaction when the journal is replayed


class NotAccepted(Exception):
    """Events that were neither committed nor journalled (the bound is reached, the disk refuses, shutdown):
    nothing of them is kept, and the caller still holds them."""


class _Late(Exception):
    """A group commit outlived COMMIT_DEADLINE, or an earlier one still hangs: the journal takes the batch."""


@dataclass
class _Request:
    events: tuple[Event, ...]
    done: asyncio.Future[None]


class EventBuffer:
    def __init__(
        self, pool: postgres.Pool, journal: Journal, *, max_events: int, flush_interval: float,
        batch_size: int = 5000,
    ) -> None:
        self._pool = pool
        self._journal = journal
        self._max = max_events
        self._interval = flush_interval
        self._batch_size = batch_size
        self._own: deque[Event] = deque()
        self._own_since: float | None = None  # when the oldest of Clara's own waiting events was put
        self._tallies = Tallies()  # until the next commit
        self._requests: list[_Request] = []
        self._committing = 0
        self._commit_lock = asyncio.Lock()
        self._drain_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._drain_wake = asyncio.Event()  # the journal has something new
        self._postgres_back = asyncio.Event()  # a commit succeeded while the journal waits
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._late: set[asyncio.Task[int]] = set()
        self._closed = False
        self._failing_since: float | None = None
        self.dropped = 0

    @property
    def depth(self) -> int:
        """Events accepted and not yet in PostgreSQL (in memory, being committed, or in the journal)."""
        waiting = sum(len(r.events) for r in self._requests)
        return len(self._own) + len(self._tallies) + waiting + self._committing + self._journal.events

    @property
    def healthy(self) -> bool:
        """False while events wait in the journal for PostgreSQL."""
        return self._failing_since is None and self._journal.empty

    def put(self, event: Event) -> bool:
        """Queue one of Clara's own events without waiting; safe from any thread. False (counted) when dropped."""
        if self._closed or self.depth + 1 > self._max:
            self.dropped += 1
            metrics.ANALYTICS_DROPPED.inc()
            log.warning("analytics_event_dropped", type=event.type, depth=self.depth, closed=self._closed)
            return False
        self._own.append(event)
        if self._own_since is None or len(self._own) >= self._batch_size:
            self._own_since = self._own_since or time.monotonic()
            self._wake_soon()  # the committer recomputes when this event is due
        return True

    def tally(self, type: str, properties: tuple[tuple[str, str], ...], session_id: str | None) -> None:
        """Count one occurrence of a frequent event of Clara's own, without building it: a dictionary increment
        where `put` validated and queued a whole event (a tenth of a cached route's time when every cache hit was
        one). `properties` are trusted, already-valid (name, value) pairs; `count` is added when written."""
        if self._closed:
            self.dropped += 1
            metrics.ANALYTICS_DROPPED.inc()
            return
        self._tallies.count(type, properties, session_id)
        if self._own_since is None:  # the first of Clara's events to wait: the committer learns when it is due
            self._own_since = time.monotonic()
            self._wake_soon()

    async def write(self, events: Sequence[Event]) -> None:
        """Return once `events` are committed to PostgreSQL or fsync'd to the journal; `NotAccepted` otherwise."""
        if self._closed:
            raise NotAccepted("analytics is shutting down")
        if self.depth + len(events) > self._max:
            raise NotAccepted(f"{self.depth} events are waiting for the database")
        assert self._loop is not None, "start() the buffer first"
        request = _Request(tuple(events), self._loop.create_future())
        self._requests.append(request)
        self._wake.set()
        await asyncio.shield(request.done)  # a cancelled caller leaves its events to be committed all the same

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(self._journal.open)
        metrics.track_buffer(self)
        self._tasks = [
            asyncio.create_task(self._run_commits(), name="analytics-commits"),
            asyncio.create_task(self._run_drain(), name="analytics-journal-drain"),
            asyncio.create_task(storage.keep_maintained(self._pool), name="analytics-maintenance"),
        ]
        self._drain_wake.set()  # segments an earlier run left

    async def flush(self) -> int:
        """Commit everything waiting now and replay the journal; raises when PostgreSQL is unreachable."""
        # Shielded: a caller cancelled mid-commit must not leave a batch neither committed nor journalled.
        await asyncio.shield(asyncio.ensure_future(self._commit_waiting(everything=True)))
        return await self._drain()

    async def close(self) -> None:
        """Commit or journal what is waiting, give the journal a moment to reach PostgreSQL, keep the rest on disk.

        Bounded by COMMIT_DEADLINE plus CLOSE_DRAIN_SECONDS and an fsync, however PostgreSQL behaves.
        """
        self._closed = True
        commits, drain, maintenance = self._tasks
        self._wake.set()
        await commits  # returns after the commit under way, if any
        maintenance.cancel()
        try:
            await self._commit_waiting(everything=True)
        except OSError as exc:  # the disk refuses too: nothing left to keep these in
            lost = len(self._own)
            self.dropped += lost
            metrics.ANALYTICS_DROPPED.inc(lost)
            log.error("analytics_events_lost_on_shutdown", count=lost, error=type(exc).__name__)
        if not self._journal.empty:
            try:
                async with asyncio.timeout(CLOSE_DRAIN_SECONDS):
                    await self.flush()
            except (*TRANSIENT, TimeoutError):
                log.warning("analytics_journal_kept", events=self._journal.events,
                            detail="written to PostgreSQL at the next start")
        for task in (drain, maintenance, *self._late):
            task.cancel()
        await asyncio.gather(drain, maintenance, *self._late, return_exceptions=True)
        await asyncio.to_thread(self._journal.close)
        metrics.untrack_buffer(self)

    def _wake_soon(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._wake.set)  # put() may run on an agent job's thread

    def _own_due(self) -> bool:
        since = self._own_since
        return since is not None and (time.monotonic() - since >= self._interval or len(self._own) >= self._batch_size)

    async def _run_commits(self) -> None:
        backoff = 0.0
        while not self._closed:
            since = self._own_since
            timeout = None if since is None else max(0.0, since + self._interval - time.monotonic())
            if backoff or not (self._requests or timeout == 0.0):
                try:
                    async with asyncio.timeout(backoff or timeout):
                        await self._wake.wait()
                except TimeoutError:
                    pass
                self._wake.clear()
            try:
                await self._commit_waiting(everything=False)
                backoff = 0.0
            except OSError:  # neither PostgreSQL nor the disk took the batch; logged where it happened
                backoff = _MAX_BACKOFF
            except Exception:  # never let the committer die: every event goes through it
                log.exception("analytics_commit_crashed", depth=self.depth)
                backoff = _MAX_BACKOFF

    async def _commit_waiting(self, *, everything: bool) -> None:
        async with self._commit_lock:
            if self._tallies and (everything or self._own_due()):
                self._own.extend(self._tallies.take())
            while self._requests or (self._own and (everything or self._own_due())):
                requests = self._take_requests()
                room = max(0, self._batch_size - sum(len(r.events) for r in requests))
                own = [self._own.popleft() for _ in range(min(room, len(self._own)))]
                self._own_since = time.monotonic() if self._own or self._tallies else None
                events = [e for r in requests for e in r.events] + own
                self._committing = len(events)
                try:
                    await self._commit(Batch(uuid.uuid4(), tuple(events)), requests, own)
                finally:
                    self._committing = 0

    def _take_requests(self) -> list[_Request]:
        taken, total = [], 0
        while self._requests and (not taken or total + len(self._requests[0].events) <= self._batch_size):
            request = self._requests.pop(0)
            taken.append(request)
            total += len(request.events)
        return taken

    async def _commit(self, batch: Batch, requests: list[_Request], own: list[Event], *, split: bool = True) -> None:
        """Commit `batch` (the events of `requests` and `own`) to PostgreSQL, else to the journal, and settle the
        requests; a batch PostgreSQL refuses as data is retried request by request, so only the bad one fails."""
        try:
            await self._commit_in_time(batch)
        except (_Late, *TRANSIENT) as exc:
            await self._journal_batch(batch, requests, own, exc)
        except psycopg.Error as exc:
            if not split:
                self._reject(own, exc)
                self._settle(requests, exc)
                return
            for request in requests:
                await self._commit(Batch(uuid.uuid4(), request.events), [request], [], split=False)
            for event in own:
                await self._commit(Batch(uuid.uuid4(), (event,)), [], [event], split=False)
        except Exception as exc:  # a fault of ours: the journal still keeps the batch for a later replay
            log.exception("analytics_commit_failed", events=len(batch.events))
            await self._journal_batch(batch, requests, own, exc)
        else:
            self._settle(requests, None)

    async def _journal_batch(
        self, batch: Batch, requests: list[_Request], own: list[Event], cause: BaseException
    ) -> None:
        try:
            await self._journal.append(batch)
        except OSError as exc:
            log.error("analytics_journal_write_failed", error=str(exc), events=len(batch.events))
            self._own.extendleft(reversed(own))  # kept in memory and retried; the requests are told no
            self._own_since = self._own_since or time.monotonic()
            self._settle(requests, NotAccepted("analytics storage is unavailable"))
            raise
        self._note_failure(cause)
        self._drain_wake.set()
        self._settle(requests, None)

    async def _commit_in_time(self, batch: Batch) -> None:
        if any(not task.done() for task in self._late):
            raise _Late("an earlier commit is still waiting for PostgreSQL")
        task = asyncio.create_task(storage.write_batches(self._pool, [batch]))
        done, _ = await asyncio.wait({task}, timeout=COMMIT_DEADLINE)
        if not done:
            self._late.add(task)
            task.add_done_callback(self._late_finished)
            raise _Late(f"no commit within {COMMIT_DEADLINE} s")
        metrics.ANALYTICS_FLUSHED.inc(task.result())
        if not self._journal.empty:  # PostgreSQL answers again: the journal need not wait out its backoff
            self._postgres_back.set()

    def _late_finished(self, task: asyncio.Task[int]) -> None:
        """A commit that outlived its deadline ended; its batch is in the journal either way."""
        self._late.discard(task)
        if not task.cancelled() and task.exception() is None:
            metrics.ANALYTICS_FLUSHED.inc(task.result())

    def _settle(self, requests: list[_Request], error: BaseException | None) -> None:
        for request in requests:
            if request.done.done():
                continue
            if error is None:
                request.done.set_result(None)
            else:
                request.done.set_exception(error)

    def _reject(self, own: list[Event], exc: Exception) -> None:
        """Clara's own events PostgreSQL refuses as data: validated on the way in, so a schema drift, not input."""
        for event in own:
            self.dropped += 1
            metrics.ANALYTICS_DROPPED.inc()
            log.error("analytics_event_rejected", type=event.type, error=type(exc).__name__)

    def _note_failure(self, exc: BaseException) -> None:
        metrics.ANALYTICS_FLUSH_FAILURES.inc()
        if self._failing_since is None:
            self._failing_since = time.monotonic()
            log.warning("analytics_journalling", error=type(exc).__name__, detail=str(exc)[:200])

    async def _run_drain(self) -> None:
        backoff = 0.0
        while True:
            if backoff:
                try:  # a commit that reaches PostgreSQL again cuts the backoff short
                    async with asyncio.timeout(backoff):
                        await self._postgres_back.wait()
                except TimeoutError:
                    pass
            else:
                await self._drain_wake.wait()
            self._drain_wake.clear()
            self._postgres_back.clear()
            try:
                await self._drain()
            except TRANSIENT as exc:
                stop_if_cancelling(exc)
                backoff = min(max(backoff * 2, 0.25), _MAX_BACKOFF)
                self._note_failure(exc)
                continue
            except Exception as exc:  # keep draining later: the journal is the only copy of these events
                stop_if_cancelling(exc)
                log.exception("analytics_drain_crashed", journal_events=self._journal.events)
                backoff = _MAX_BACKOFF
                continue
            backoff = 0.0
            if self._failing_since is not None and self._journal.empty:
                log.info("analytics_recovered", outage_seconds=round(time.monotonic() - self._failing_since, 1))
                self._failing_since = None

    async def _drain(self) -> int:
        """Write every sealed journal segment to PostgreSQL, then delete it; returns the rows written."""
        written = 0
        async with self._drain_lock:
            for path in await self._journal.seal():
                batches = await asyncio.to_thread(self._journal.read, path)
                for chunk in _chunks(batches):
                    written += await self._replay(path, chunk)
                await asyncio.to_thread(self._journal.remove, path)
                log.info("analytics_journal_replayed", segment=path.name, batches=len(batches))
        metrics.ANALYTICS_FLUSHED.inc(written)
        return written

    async def _replay(self, path: Path, batches: list[Batch]) -> int:
        try:
            return await storage.write_batches(self._pool, batches)
        except TRANSIENT:
            raise
        except psycopg.Error as exc:
            if len(batches) == 1:  # acknowledged, so never deleted: set aside for an operator
                log.error("analytics_batch_refused", batch=str(batches[0].id), error=type(exc).__name__)
                await asyncio.to_thread(self._journal.set_aside, path, batches[0])
                return 0
            return sum([await self._replay(path, [batch]) for batch in batches])

def _chunks(batches: list[Batch]) -> Iterator[list[Batch]]:
    chunk: list[Batch] = []
    size = 0
    for batch in batches:
        if chunk and size + len(batch.events) > _DRAIN_EVENTS:
            yield chunk
            chunk, size = [], 0
        chunk.append(batch)
        size += len(batch.events)
    if chunk:
        yield chunk
