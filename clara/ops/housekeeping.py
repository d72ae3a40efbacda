"""The edge's expiring rows, purged at start-up and then hourly by every instance (each purge is idempotent):
idempotency keys past their day, login attempts nobody has made for an hour, revocations of tokens that expired.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from clara.web import idempotency
from clara.auth import service as auth
from clara.platform.logging import get_logger
from clara.stores import Stores

log = get_logger(__name__)

PURGE_EVERY_SECONDS = 3600


async def purge(stores: Stores) -> None:
    try:
        removed = await idempotency.purge(stores.db) + await auth.purge(stores)
    except Exception as exc:  # the next round tries again; meanwhile the rows are merely kept longer
        log.warning("housekeeping_failed", error=type(exc).__name__)
        return
    if removed:
        log.info("housekeeping_purged", rows=removed)


@asynccontextmanager
async def running(stores: Stores) -> AsyncIterator[None]:
    async def every_hour() -> None:
        while True:
            await asyncio.sleep(PURGE_EVERY_SECONDS)
            await purge(stores)

    await purge(stores)
    task = asyncio.create_task(every_hour(), name="housekeeping")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
