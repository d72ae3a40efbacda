"""Every store and the shared state built on them, opened in dependency order for the app's lifespan (and the
tests' and benches' own), then closed in reverse.

It lives above the domains because it builds some of theirs (the analytics buffer, the identity cache, the login
locks) on the stores, which know no domain.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx

from clara.analytics import state as analytics_state
from clara.auth.identity import Identities
from clara.auth.locks import LoginLocks
from clara.platform.background import WorkQueue
from clara.platform.cache import Cache
from clara.platform.live import LiveUpdates
from clara.platform.resilience import Breakers
from clara.settings import Settings
from clara.stores import Stores, postgres
from clara.stores.chroma import open_chroma
from clara.stores.embeddings import open_embedder
from clara.stores.group_commit import GroupCommit
from clara.stores.lexical import LexicalIndex
from clara.stores.redis import open_redis


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The outbound client's TLS settings, built once per process: loading the CA bundle took about 0.1 s of CPU
    at every app start (tests start hundreds), and the context is not changed after it is built."""
    return httpx.create_ssl_context()


@asynccontextmanager
async def open_stores(settings: Settings) -> AsyncIterator[Stores]:
    url = settings.database_url.get_secret_value() if settings.database_url \
        else postgres.start_embedded(settings.data_dir)
    breakers = Breakers()
    db = await postgres.open_pool(url, max_size=settings.database_pool_size, breaker=breakers.get("postgres"))
    writes = GroupCommit(db)
    redis = open_redis(settings.redis_url.get_secret_value(), timeout=settings.redis_timeout_seconds) \
        if settings.redis_url else None
    cache = Cache(
        redis=redis, breaker=breakers.get("redis"), prefix=settings.redis_key_prefix,
        max_entries=settings.cache_l1_max_entries, timeout=settings.redis_timeout_seconds,
    )
    live = LiveUpdates(redis=redis, prefix=settings.redis_key_prefix, timeout=settings.redis_timeout_seconds)
    identities = Identities(db, redis=redis, breaker=breakers.get("redis"), prefix=settings.redis_key_prefix,
                            timeout=settings.redis_timeout_seconds)
    http = httpx.AsyncClient(verify=tls_context())
    background = WorkQueue()
    embedder = await asyncio.to_thread(open_embedder, settings)  # ~0.3 s the first time in a process, then free
    chroma = open_chroma(settings, embedder, breakers.get("chroma"))
    try:
        await db.wait(timeout=30)
        await postgres.migrate(db)
        await cache.start()
        await live.start()
        await identities.start()
        lexical = LexicalIndex(db)
        cache.on_invalidate("knowledge", lexical.mark_stale)
        login_locks = LoginLocks()
        cache.on_invalidate("login_locks", login_locks.clear)
        # Closed before the pool: the buffer's last events still need it.
        async with analytics_state.open_analytics(settings, db) as analytics:
            yield Stores(settings=settings, db=db, writes=writes, redis=redis, cache=cache, breakers=breakers,
                         http=http, analytics=analytics, live=live, embedder=embedder, chroma=chroma, lexical=lexical,
                         identities=identities, login_locks=login_locks, background=background)
    finally:
        await background.close()  # before the stores it writes to
        await writes.close()
        chroma.close()
        await identities.close()
        await live.close()
        await cache.close()
        await http.aclose()
        if redis is not None:
            await redis.aclose()
        await db.close()
