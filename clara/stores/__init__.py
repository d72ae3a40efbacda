"""The stores Clara talks to, opened once in the app's lifespan and handed to every service call.

Services take `stores` as their first argument instead of importing globals, so two app instances (tests run
several) never share a pool by accident, and an agent job thread reaches the very same objects. They are opened by
`clara.ops.wiring.open_stores`, above the domains: the analytics buffer and the identity cache are built on these
stores, so building them here made `clara.stores` and `clara.analytics` import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from redis.asyncio import Redis

from clara.platform.background import WorkQueue
from clara.platform.cache import Cache
from clara.platform.live import LiveUpdates
from clara.platform.resilience import Breakers
from clara.settings import Settings
from clara.stores import postgres
from clara.stores.chroma import ChromaStore
from clara.stores.embeddings import Embedder
from clara.stores.group_commit import GroupCommit
from clara.stores.lexical import LexicalIndex

if TYPE_CHECKING:  # built from stores by the domains that own them (clara.ops.wiring opens them all): named only
    from clara.analytics.state import Analytics
    from clara.auth.identity import Identities
    from clara.auth.locks import LoginLocks


@dataclass
class Stores:
    settings: Settings
    db: postgres.Pool
    writes: GroupCommit  # small writes that must be durable before their caller answers share one commit
    redis: Redis | None  # None when REDIS_URL is unset
    cache: Cache
    breakers: Breakers  # one circuit breaker per external dependency, shown by /health
    http: httpx.AsyncClient  # outbound HTTP (Google's APIs): one connection pool, reused across calls
    analytics: Analytics  # event buffer, tool anomaly detector, pattern prior (clara.analytics.state)
    live: LiveUpdates  # events pushed to users' open sockets on every instance (clara.platform.live)
    embedder: Embedder  # sentence embeddings: offline MiniLM (loaded once per process) or Gemini
    chroma: ChromaStore  # knowledge vectors: embedded under DATA_DIR, or the server at CHROMA_URL
    lexical: LexicalIndex  # knowledge BM25, in memory, refreshed from PostgreSQL (clara.stores.lexical)
    identities: Identities  # each token's user as it stands now (active, token version, logouts), cached
    login_locks: LoginLocks  # addresses locked out of logging in, as PostgreSQL last said (clara.auth.locks)
    background: WorkQueue  # work no request waits for: big uploads' parsing and embedding (clara.platform.background)
