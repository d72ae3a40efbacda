"""The stores Clara talks to, opened once in the app's lifespan and handed to every service call.

Services take `stores` as their first argument instead of importing globals, so two app instances (tests run
several) never share a pool by accident, and an agent job thread reaches the very same objects.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

import httpx
from redis.asyncio import Redis

from clara.analytics import state as analytics_state  # a module: clara.analytics imports clara.stores too
from clara.auth.identity import Identities
from clara.auth.locks import LoginLocks
from clara.platform.background import WorkQueue
from clara.platform.cache import Cache
from clara.platform.live import LiveUpdates
from clara.platform.resilience import Breakers
from clara.settings import Settings
from clara.stores import postgres
from clara.stores.chroma import ChromaStore, open_chroma
from clara.stores.embeddings import Embedder, open_embedder
from clara.stores.lexical import LexicalIndex
from clara.stores.redis import open_redis


@dataclass
class Stores:
    settings: Settings
    db: postgres.Pool
    redis: Redis | None  # None when REDIS_URL is unset
    cache: Cache
    breakers: Breakers  # one circuit breaker per external dependency, shown by /health
    http: httpx.AsyncClient  # outbound HTTP (Google's APIs): one connection pool, reused across calls
    analytics: analytics_state.Analytics  # event buffer, tool anomaly detector, pattern prior (clara.analytics.state)
    live: LiveUpdates  # events pushed to users' open sockets on every instance (clara.platform.live)
    embedder: Embedder  # sentence embeddings: offline MiniLM (loaded once per process) or Gemini
    chroma: ChromaStore  # knowledge vectors: embedded under DATA_DIR, or the server at CHROMA_URL
    lexical: LexicalIndex  # knowledge BM25, in memory, refreshed from PostgreSQL (clara.stores.lexical)
    identities: Identities  # each token's user as it stands now (active, token version, logouts), cached
    login_locks: LoginLocks  # addresses locked out of logging in, as PostgreSQL last said (clara.auth.locks)
    background: WorkQueue  # work no request waits for: big uploads' parsing and embedding (clara.platform.background)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The outbound client's TLS settings, built once per process: loading the CA bundle took about 0.1 s of CPU
    at every app start (tests start hundreds), and the context is not changed after it is built."""
    return httpx.create_ssl_context()


@asynccontextmanager
async def open_stores(settings: Settings) -> AsyncIterator[Stores]:
    url = settings.database_url or postgres.start_embedded(settings.data_dir)
    breakers = Breakers()
    db = await postgres.open_pool(url, max_size=settings.database_pool_size, breaker=breakers.get("postgres"))
    redis = open_redis(settings.redis_url, timeout=settings.redis_timeout_seconds) if settings.redis_url else None
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
            yield Stores(settings=settings, db=db, redis=redis, cache=cache, breakers=breakers, http=http,
                         analytics=analytics, live=live, embedder=embedder, chroma=chroma, lexical=lexical,
                         identities=identities, login_locks=login_locks, background=background)
    finally:
        await background.close()  # before the stores it writes to
        chroma.close()
        await identities.close()
        await live.close()
        await cache.close()
        await http.aclose()
        if redis is not None:
            await redis.aclose()
        await db.close()
