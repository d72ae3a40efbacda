"""The stores Clara talks to, opened once in the app's lifespan and handed to every service call.

Services take `stores` as their first argument instead of importing globals, so two app instances (tests run
several) never share a pool by accident, and an agent job thread reaches the very same objects.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

from clara.settings import Settings
from clara.stores import postgres


@dataclass
class Stores:
    settings: Settings
    db: postgres.Pool


@asynccontextmanager
async def open_stores(settings: Settings) -> AsyncIterator[Stores]:
    url = settings.database_url or postgres.start_embedded(settings.data_dir)
    db = await postgres.open_pool(url, max_size=settings.database_pool_size)
    try:
        await db.wait(timeout=30)
        await postgres.migrate(db)
        yield Stores(settings=settings, db=db)
    finally:
        await db.close()
