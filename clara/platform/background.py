"""Work too long to do while a client waits: a bounded queue per process, one piece of work at a time.

Its one user today is knowledge ingest: parsing and embedding a 200-page PDF takes tens of seconds of CPU; done
inline, the upload request waits that long and a few of them together crowd everyone else's requests off the two
cores. The upload answers 202 at once (the original is already in PostgreSQL, so the acknowledgement is durable) and
`GET .../documents/{id}` shows the status. Work cut off by a shutdown or a crash must be durable elsewhere and picked
up again at the next start (`clara.knowledge.later`): this queue keeps nothing.
"""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from clara.platform.logging import get_logger

log = get_logger(__name__)

MAX_PENDING = 16  # pieces of work queued or running per process; beyond, callers refuse new work (a 503 to retry)


class WorkQueue:
    def __init__(self, *, max_pending: int = MAX_PENDING) -> None:
        self._max_pending = max_pending
        self._turn = asyncio.Semaphore(1)  # one at a time: embedding already uses every core
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def full(self) -> bool:
        """Whether new work must be refused; the caller asks before it stores anything, and answers its own client
        (the queue knows no HTTP: platform code sits below the web edge)."""
        return len(self._tasks) >= self._max_pending

    def submit(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._run(name, work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        async with self._turn:
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # left for the next start, which finds it still pending where it is durable
                log.error("background_work_interrupted", work=name, error=f"{type(exc).__name__}: {exc}"[:300])

    async def drain(self) -> None:
        """Wait for what is queued and what it queued in turn (the tests use it to see work finished)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop at shutdown: unfinished work rolls back, and stays pending for the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
