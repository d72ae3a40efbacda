"""Parsing uploads in a worker process of their own, not in a thread of the server's.

pdfminer and the chunker are pure Python: a 200-page PDF is tens of seconds of work that holds the GIL and allocates
millions of short-lived objects. In a thread, the event loop had to win the GIL back for every step of every other
request, and the parse's garbage made the collector pause the whole process: requests stalled up to a second while
a 200-page manual was parsed (bench/upload_stall.py). In another process the loop shares nothing with the parse
but the second core; the parse's memory is that process's, and it is handed back when the process is replaced.

One worker at a time: embedding already spreads over both cores, and the loop needs one. Its queue is fair: each
uploader has at most one document in it (`_Turns`), so someone sending ten manuals at once waits for their own, and
everyone else's upload goes in after at most one of theirs, not after all ten. It is started on first
use (spawned, so it inherits no threads or sockets), and dies with the server (PR_SET_PDEATHSIG on Linux), so a
shutdown never waits for a parse. A worker that dies (killed, out of memory) is replaced at the next upload, and so
is one that has just parsed a big document: small notes reuse a warm worker (spawning one costs a second or two of
imports), a long manual's peak memory goes back to the system with its worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import AsyncIterator

from clara.knowledge.parsing import ParsedDocument, parse_document, unreadable
from clara.platform.logging import get_logger
from clara.platform.priority import yield_to_requests

log = get_logger(__name__)

RECYCLE_AFTER_CHUNKS = 500  # a document this big raised the worker's peak memory: the next parse gets a fresh one
_PR_SET_PDEATHSIG = 1

_pool: ProcessPoolExecutor | None = None


class _Turns:
    """One lock per uploader (None: the shipped corpus), held from entering the worker's queue until the parse is
    done, and forgotten once nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int | None, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def of(self, owner: int | None) -> AsyncIterator[None]:
        lock, users = self._locks.get(owner, (asyncio.Lock(), 0))
        self._locks[owner] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[owner]
            if users == 1:
                del self._locks[owner]
            else:
                self._locks[owner] = (lock, users - 1)


_turns = _Turns()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the server exits, however it exits (os._exit after the grace period)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the worker ends when its parse does
            pass


def _start_worker() -> None:
    """A worker dies with the server, and parses at a lower priority than the server's requests: a 200-page PDF
    keeps a core busy for tens of seconds, and the event loop should not wait for the scheduler to get one back."""
    _die_with_parent()
    yield_to_requests()


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_start_worker)
    return _pool


def _retire(pool: ProcessPoolExecutor) -> None:
    """The next parse starts a fresh worker; this one exits once what it was given is done."""
    global _pool
    if _pool is pool:
        _pool = None
    pool.shutdown(wait=False)


async def parse(data: bytes, *, media_type: str, filename: str | None, source: str, title: str | None,
                may_name_standard: bool, owner: int | None = None) -> ParsedDocument:
    """`parse_document` in the worker process; its 4xx (`ApiError`) are raised here as they would be inline. A file
    whose parse kills the worker (memory, a crash in the PDF library) is unreadable: 422, and a fresh worker next.
    `owner` (the uploader's id) waits for their own document before this one joins the queue."""
    work = functools.partial(parse_document, data, media_type=media_type, filename=filename, source=source,
                             title=title, may_name_standard=may_name_standard)
    async with _turns.of(owner):
        return await _run(work, filename)


async def _run(work: functools.partial[ParsedDocument], filename: str | None) -> ParsedDocument:
    pool = _executor()
    try:
        parsed = await asyncio.get_running_loop().run_in_executor(pool, work)
    except BrokenProcessPool:
        log.warning("knowledge_parse_worker_lost", filename=filename)
        _retire(pool)
        raise unreadable("the file stopped the parser (too complex or damaged)") from None
    if len(parsed.chunks) >= RECYCLE_AFTER_CHUNKS:
        _retire(pool)
    return parsed
