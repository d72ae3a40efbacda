"""The in-process analytics buffer: callers hand events over without waiting, a task writes them in batches.

Why a buffer: a tool call or a request must never wait on (or fail because of) analytics, and one COPY of many
rows costs far less than one INSERT per event. The buffer flushes every `flush_interval` seconds, sooner when a
batch fills up, and once more on close. While PostgreSQL is unreachable it keeps everything (up to `max_events`)
and retries with backoff; it drops, and counts, only what would overflow that bound.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Iterable

import psycopg
import psycopg_pool

from clara import metrics
from clara.analytics import storage
from clara.analytics.events import Event
from clara.logging import get_logger
from clara.stores import postgres

log = get_logger(__name__)

TRANSIENT = (psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout, OSError, TimeoutError)
MAINTENANCE_EVERY = 3600.0  # seconds between partition upkeep runs
_MAX_BACKOFF = 5.0


class EventBuffer:
    def __init__(self, pool: postgres.Pool, *, max_events: int, flush_interval: float, batch_size: int = 5000) -> None:
        self._pool = pool
        self._max = max_events
        self._interval = flush_interval
        self._batch_size = batch_size
        self._queue: deque[Event] = deque()
        self._in_flight = 0
        self._write_lock = asyncio.Lock()  # the loop and an explicit flush never write the same events twice
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._failing_since: float | None = None
        self._last_maintenance = float("-inf")
        self.dropped = 0

    @property
    def depth(self) -> int:
        """Events accepted and not yet written."""
        return len(self._queue) + self._in_flight

    @property
    def healthy(self) -> bool:
        """False while flushes are failing (the events wait in memory)."""
        return self._failing_since is None

    def room_for(self, count: int) -> bool:
        return not self._closed and self.depth + count <= self._max

    def put(self, event: Event) -> bool:
        """Queue one event without waiting; safe from any thread. False (and counted) when it had to be dropped."""
        if self.put_many((event,)):
            return True
        self.dropped += 1
        metrics.ANALYTICS_DROPPED.inc()
        log.warning("analytics_event_dropped", type=event.type, depth=self.depth, closed=self._closed)
        return False

    def put_many(self, events: Iterable[Event]) -> bool:
        """Queue events together or not at all. Not counted as dropped when refused: the API answers 503 and the
        client keeps them to retry."""
        batch = list(events)
        if not self.room_for(len(batch)):
            return False
        self._queue.extend(batch)
        if len(self._queue) >= self._batch_size:
            self._wake_soon()
        return True

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        metrics.track_buffer(self)
        self._task = asyncio.create_task(self._run(), name="analytics-buffer")

    async def flush(self) -> int:
        """Write everything queued now; raises (keeping the events queued) when the database is unreachable."""
        written = 0
        async with self._write_lock:
            while self._queue:
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._batch_size))]
                self._in_flight = len(batch)
                try:
                    written += await self._write(batch)
                except BaseException:
                    self._queue.extendleft(reversed(batch))  # back at the front, in their original order
                    raise
                finally:
                    self._in_flight = 0
        return written

    async def close(self, timeout: float = 5.0) -> None:
        """Stop the loop and write what is left, retrying until `timeout`; whatever still fails is logged as lost."""
        self._closed = True
        deadline = time.monotonic() + timeout
        if self._task is not None:
            self._wake.set()
            try:  # let a write in progress finish; cut it short only if the database hangs
                await asyncio.wait_for(asyncio.shield(self._task), timeout / 2)
            except TimeoutError:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
        while self._queue:
            try:
                await self.flush()
            except TRANSIENT as exc:
                if time.monotonic() >= deadline:
                    lost = self.depth
                    self.dropped += lost
                    metrics.ANALYTICS_DROPPED.inc(lost)
                    log.error("analytics_events_lost_on_shutdown", count=lost, error=type(exc).__name__)
                    self._queue.clear()
                    break
                await asyncio.sleep(0.2)
        metrics.untrack_buffer(self)

    def _wake_soon(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._wake.set)  # put() may run on an agent job's thread

    async def _write(self, batch: list[Event]) -> int:
        try:
            written = await storage.write_batch(self._pool, batch)
        except TRANSIENT:
            raise
        except psycopg.Error:
            written = await self._write_one_by_one(batch)
        metrics.ANALYTICS_FLUSHED.inc(written)
        return written

    async def _write_one_by_one(self, batch: list[Event]) -> int:
        """A batch the database refused (not a connection fault): keep the good rows, count the bad ones as dropped.

        Events are validated on the way in, so this guards against a schema drift, not against user input.
        """
        written = 0
        for event in batch:
            try:
                written += await storage.write_batch(self._pool, [event])
            except TRANSIENT:
                raise
            except psycopg.Error as exc:
                self.dropped += 1
                metrics.ANALYTICS_DROPPED.inc()
                log.error("analytics_event_rejected", type=event.type, error=type(exc).__name__)
        return written

    async def _run(self) -> None:
        backoff = 0.0
        while not self._closed:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=backoff or self._interval)
            except TimeoutError:
                pass
            self._wake.clear()
            if self._closed:
                return
            try:
                await self._maintain()
                await self.flush()
            except TRANSIENT as exc:
                backoff = min(max(backoff * 2, 0.25), _MAX_BACKOFF)
                metrics.ANALYTICS_FLUSH_FAILURES.inc()
                if self._failing_since is None:
                    self._failing_since = time.monotonic()
                    log.warning("analytics_flush_failing", error=type(exc).__name__, depth=self.depth)
                continue
            except Exception:  # never let the writer die: it is the only way events reach the database
                log.exception("analytics_flush_crashed", depth=self.depth)
                backoff = _MAX_BACKOFF
                continue
            backoff = 0.0
            if self._failing_since is not None:
                log.info("analytics_flush_recovered", outage_seconds=round(time.monotonic() - self._failing_since, 1))
                self._failing_since = None

    async def _maintain(self) -> None:
        if time.monotonic() - self._last_maintenance < MAINTENANCE_EVERY:
            return
        await storage.maintain(self._pool)
        self._last_maintenance = time.monotonic()
