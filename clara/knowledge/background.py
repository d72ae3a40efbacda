"""Documents too big to ingest while the uploader waits: a bounded queue, one document at a time per process.

Parsing and embedding a 200-page PDF takes tens of seconds of CPU; done inline, the upload request waits that long
and a few of them together crowd everyone else's requests off the two cores. The upload answers 202 at once (the
original is already in PostgreSQL, so the acknowledgement is durable) and `GET .../documents/{id}` shows the status.
Work cut off by a shutdown or a crash is picked up again at the next start (`service.resume_ingests`).
"""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from clara.errors import ApiError
from clara.logging import get_logger

log = get_logger(__name__)

MAX_PENDING = 16  # documents queued or running per process; beyond, uploads are refused with a 503 to retry


class IngestQueue:
    def __init__(self, *, max_pending: int = MAX_PENDING) -> None:
        self._max_pending = max_pending
        self._turn = asyncio.Semaphore(1)  # one at a time: embedding already uses every core
        self._tasks: set[asyncio.Task[None]] = set()

    def ensure_room(self) -> None:
        """Refuse before anything is stored when the queue is full: the client retries the whole upload later."""
        if len(self._tasks) >= self._max_pending:
            raise ApiError(503, "ingest_busy", "too many documents are being indexed; try again in a minute",
                           "file", headers={"Retry-After": "60"})

    def submit(self, document_id: int, work: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._run(document_id, work), name=f"ingest-{document_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, document_id: int, work: Callable[[], Awaitable[None]]) -> None:
        async with self._turn:
            try:
                await work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the document stays `processing`; the next start tries again
                log.error("knowledge_ingest_interrupted", document_id=document_id,
                          error=f"{type(exc).__name__}: {exc}"[:300])

    async def drain(self) -> None:
        """Wait for what is queued (tests, and callers that need the documents searchable now)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        """Stop at shutdown: an unfinished document rolls back and stays `processing` for the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
