"""Who a token's user is right now: exists, active, which token version, which tokens logout revoked.

A signed token proves who it was issued to, not that the account still stands. Every request is checked against
the user, so reading the user must not cost a database round trip per request: each process keeps each user's
`Identity` for `TTL_SECONDS`, and a change (deactivation, logout) drops it at once in this process and, through a
Redis channel, in every other. While Redis is away a change reaches other processes within `TTL_SECONDS`, and a
resubscription drops everything, since messages sent meanwhile are lost.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

import orjson
import psycopg
from psycopg_pool import PoolTimeout
from redis.asyncio import Redis

from clara.platform.logging import get_logger
from clara.platform.pubsub import ChannelListener
from clara.platform.resilience import CircuitBreaker, call
from clara.stores.postgres import Pool

log = get_logger(__name__)

TTL_SECONDS = 30.0  # the most a change can take to reach a process that missed its message (Redis down)
STALE_WAIT_SECONDS = 1.0  # how long a request known to us waits for a re-read before the last one stands
MAX_ENTRIES = 50_000  # users remembered per process; the table starts over when full (one query per user then)

_LOAD = """
SELECT u.role, u.active, u.token_version,
       coalesce(array_agg(r.jti::text) FILTER (WHERE r.jti IS NOT NULL), '{}') AS revoked
FROM users u LEFT JOIN revoked_tokens r ON r.user_id = u.id AND r.expires_at > now()
WHERE u.id = %s
GROUP BY u.id
"""


@dataclass(frozen=True, slots=True)
class Identity:
    role: str
    active: bool
    token_version: int
    revoked: frozenset[str]  # ids (jti) of this user's tokens revoked by logout and not yet expired

    def accepts(self, *, role: str, version: int, jti: str) -> bool:
        """Whether a token with these claims still speaks for this user."""
        return self.active and version == self.token_version and role == self.role and jti not in self.revoked


class Identities:
    """Each user's current `Identity`, cached per process and dropped everywhere when it changes."""

    def __init__(self, db: Pool, *, redis: Redis | None, breaker: CircuitBreaker, prefix: str, timeout: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._redis = redis
        self._breaker = breaker
        self._timeout = timeout
        self._clock = clock
        self._channel = f"{prefix}:identity-changes"
        self._known: dict[int, tuple[float, Identity | None]] = {}  # user id -> (expires, identity or no such user)
        self._loading: dict[int, asyncio.Future[Identity | None]] = {}
        self._generation = 0  # bumped by every change: a load begun before one is answered but not kept
        self._listener = ChannelListener(
            redis, self._channel, name="identity_changes", on_message=self._on_message,
            on_subscribed=self._on_subscribed)

    async def start(self) -> None:
        await self._listener.start(wait=self._timeout * 4)

    async def close(self) -> None:
        await self._listener.close()

    async def get(self, user_id: int) -> Identity | None:
        """The user's identity; None when no such user exists. Raises when the database cannot say."""
        known = self._known.get(user_id)
        if known is not None and known[0] > self._clock():
            return known[1]
        loading = self._loading.get(user_id)
        if loading is None:  # one query however many requests of this user arrive together
            loading = self._loading[user_id] = asyncio.ensure_future(self._load(user_id, self._generation))
            loading.add_done_callback(lambda done: self._loaded(user_id, done))
        try:
            # One caller giving up must not cancel the others' answer. A user we know waits a bounded time: a
            # database that hangs (a stopped server, a dead route) answers nothing at all, not even an error.
            async with asyncio.timeout(None if known is None else STALE_WAIT_SECONDS):
                return await asyncio.shield(loading)
        except (psycopg.OperationalError, PoolTimeout, TimeoutError):
            if known is None:
                raise
            # PostgreSQL is away: the user as last read stands (a change would have dropped it from here), so a
            # field app keeps its session and its acknowledged writes go to the journal instead of a 503 storm.
            log.info("identity_served_stale", user_id=user_id)
            return known[1]

    async def changed(self, user_id: int) -> None:
        """Forget `user_id` here and tell every other process to; their next request reads the user afresh."""
        self._forget(user_id)
        if self._redis is None:
            return
        redis, message = self._redis, orjson.dumps({"user_id": user_id})
        try:
            await call(lambda: redis.publish(self._channel, message), breaker=self._breaker, timeout=self._timeout)
        except Exception as exc:  # other processes learn of the change within TTL_SECONDS
            log.warning("identity_change_not_published", error=type(exc).__name__, user_id=user_id)

    async def _load(self, user_id: int, generation: int) -> Identity | None:
        started = self._clock()
        async with self._db.connection() as conn:
            cur = await conn.execute(_LOAD, (user_id,))
            row = await cur.fetchone()
        identity = None if row is None else Identity(row["role"], row["active"], row["token_version"],
                                                     frozenset(row["revoked"]))
        if generation == self._generation:
            if len(self._known) >= MAX_ENTRIES:
                self._known.clear()
            self._known[user_id] = (started + TTL_SECONDS, identity)
        return identity

    def _loaded(self, user_id: int, done: asyncio.Future[Identity | None]) -> None:
        if self._loading.get(user_id) is done:
            del self._loading[user_id]
        if not done.cancelled():
            done.exception()  # retrieved here: a database error reaches the callers, not the "never retrieved" log

    def _forget(self, user_id: int | None) -> None:
        """Drop one user (None: everyone); a load in flight may predate the change, so its answer is not kept."""
        self._generation += 1
        if user_id is None:
            self._known.clear()
            self._loading.clear()
        else:
            self._known.pop(user_id, None)
            self._loading.pop(user_id, None)

    def _on_message(self, data: bytes) -> None:
        try:
            user_id = orjson.loads(data)["user_id"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return
        if isinstance(user_id, int):
            self._forget(user_id)

    async def _on_subscribed(self) -> None:
        self._forget(None)  # changes published while we were not listening are lost: read everyone afresh
