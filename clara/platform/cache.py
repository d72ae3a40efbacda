"""The read cache services use: an in-process LRU with TTL (L1) in front of Redis (L2, when configured).

Technicians ask the same few questions all day, so most answers come from L1 in microseconds; L2 lets several
Clara processes share what one of them loaded. Values are stored as compact JSON bytes in both layers, so a hit
from either layer (and the first load) returns the same plain JSON data, and no caller can mutate a cached value.

Writes call `invalidate`: the keys go from this process's L1 and from Redis, and a pub/sub message makes every
other process drop them from its L1. Concurrent misses for one key share a single load (single-flight).
Redis is optional at every moment: when it fails, the cache runs on L1 alone (the circuit breaker logs the outage
once), remembers the invalidations Redis missed, and replays them when it returns.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, TypeVar

import orjson
from redis.asyncio import Redis

from clara.platform import metrics
from clara.platform.cache_stats import CacheL2, CacheStats, LayerStats
from clara.platform.cache_values import dumps
from clara.platform.logging import get_logger
from clara.platform.pubsub import ChannelListener
from clara.platform.resilience import CircuitBreaker, CircuitOpen, call

log = get_logger(__name__)

T = TypeVar("T")

# Seconds a value lives, per namespace: the one table to read when asking "how stale can this be?".
# Writes invalidate explicitly; the TTL only bounds what no write path knows about (a catalogue release, traffic).
TTLS: dict[str, float] = {
    "specs": 24 * 3600,  # equipment specifications change with a data release, not during a shift
    "knowledge": 6 * 3600,  # search results: every corpus change (upload, delete, sync) invalidates them anyway
    "crm": 5 * 60,  # customers, sites, contacts
    "travel": 30 * 60,  # Google travel times by rounded origin/destination: traffic moves slowly
    "users": 5 * 60,  # preferences
    # Job lists, details, a site's units: every write Clara makes to them (status, notes, deficiencies, units)
    # invalidates its keys in every process listening (see DEAF_TTL), so this bounds only what Clara does not write
    # (a dispatch system's own edits; a unit turning overdue at midnight). At 30 s a technician asking every 10 s
    # reloaded the day from PostgreSQL every third turn.
    "jobs": 5 * 60,
    "login_locks": 10,  # nothing stored: invalidating it tells every process a login lock ended (clara.auth.locks)
}
# In every Redis key: bump it when the shape of a cached value changes, so that during a rolling deploy old and new
# processes sharing one Redis never read each other's values.
CACHE_VERSION = 1
# Seconds an in-process copy lives while this process shares a Redis but hears no invalidations (Redis away, the
# subscription broken): another instance's writes cannot reach it then, so nothing is trusted for longer.
DEAF_TTL = 30.0
_PENDING_LIMIT = 1000  # invalidations remembered while Redis is away; beyond that all of L2 is dropped on return


@dataclass(frozen=True)
class _Invalidation:
    namespace: str
    key: str | None
    prefix: str | None

    def match(self) -> str:
        """The L1 key (exact) or key prefix this invalidation removes."""
        return f"{self.namespace}:{self.key if self.key is not None else self.prefix or ''}"


class Cache:
    def __init__(
        self,
        *,
        redis: Redis | None = None,
        breaker: CircuitBreaker | None = None,
        prefix: str = "clara",
        max_entries: int = 10_000,
        timeout: float = 0.25,
        ttls: Mapping[str, float] = TTLS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = redis
        self._breaker = breaker or CircuitBreaker("redis")
        self._prefix = f"{prefix}:cache:v{CACHE_VERSION}:"
        self._channel = f"{prefix}:cache-invalidations"
        self._max_entries = max_entries
        self._timeout = timeout
        self._ttls = dict(ttls)
        self._clock = clock
        self._l1: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self._epochs: dict[str, int] = {}  # bumped by every invalidation: a load that saw another epoch is stale
        self._pending: list[_Invalidation] = []
        self._pending_overflow = False
        self._instance = uuid.uuid4().hex
        self._listener = ChannelListener(
            redis, self._channel, name="cache_invalidations", on_message=self._on_message,
            on_subscribed=self._on_subscribed, on_idle=self._on_idle,
        )
        self.l1 = LayerStats()
        self.l2 = LayerStats()
        self.loads = 0
        self._watchers: dict[str, list[Callable[[], None]]] = {}

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen for other processes' invalidations; wait briefly for the subscription, never for Redis."""
        await self._listener.start(wait=self._timeout * 4)

    async def close(self) -> None:
        await self._listener.close()

    # -- reading ---------------------------------------------------------------------------------------------

    async def get_or_load(
        self, namespace: str, key: str, loader: Callable[[], Awaitable[Any]],
        *, cacheable: Callable[[Any], bool] | None = None,
    ) -> Any:
        """The cached JSON value of `namespace:key`, running `loader` (once, however many callers wait) on a miss.

        `loader` returns JSON-able data (dicts, lists, dataclasses, datetimes); callers always get it back as plain
        JSON data. An exception from `loader` reaches every waiting caller and nothing is cached; so does a value
        `cacheable` rejects (a degraded answer, good enough for now but not worth keeping).
        """
        ttl = self._ttl(namespace)
        full = f"{namespace}:{key}"
        raw = self._l1_get(full)
        if raw is not None:
            self.l1.hits += 1
            metrics.cache_hit("l1")
            return orjson.loads(raw)
        self.l1.misses += 1
        metrics.cache_miss("l1")
        shared = self._inflight.get(full)
        if shared is None:
            epoch = self._epochs.get(namespace, 0)  # taken now: the load task may only start after a write
            shared = asyncio.ensure_future(self._fill(namespace, full, ttl, loader, cacheable, epoch))
            self._inflight[full] = shared
            shared.add_done_callback(lambda done: self._forget_inflight(full, done))
        # shield: a caller that gives up (client gone) must not cancel the load the others are waiting for
        return orjson.loads(await asyncio.shield(shared))

    async def _fill(
        self, namespace: str, full: str, ttl: float, loader: Callable[[], Awaitable[Any]],
        cacheable: Callable[[Any], bool] | None, epoch: int,
    ) -> bytes:
        found = await self._l2_get(full)
        if found is not None:
            raw, remaining = found
            if self._epochs.get(namespace, 0) == epoch:
                self._l1_put(full, raw, min(ttl, remaining))
            return raw
        self.loads += 1
        value = await loader()
        raw = dumps(value)
        if cacheable is not None and not cacheable(value):
            return raw
        if self._epochs.get(namespace, 0) == epoch:  # no write invalidated this namespace while we loaded
            self._l1_put(full, raw, ttl)
            await self._l2_set(full, raw, ttl)
        return raw

    def _forget_inflight(self, full: str, done: asyncio.Future[bytes]) -> None:
        if self._inflight.get(full) is done:
            del self._inflight[full]
        if not done.cancelled():
            done.exception()  # mark retrieved: a loader error reaches the callers, not the "never retrieved" log

    def _ttl(self, namespace: str) -> float:
        try:
            return self._ttls[namespace]
        except KeyError:
            raise ValueError(f"unknown cache namespace {namespace!r}: add it to clara.platform.cache.TTLS") from None

    # -- invalidation ----------------------------------------------------------------------------------------

    async def invalidate(self, namespace: str, key: str | None = None, *, prefix: str | None = None) -> None:
        """Forget `key`, every key starting with `prefix`, or (neither given) the whole namespace, everywhere."""
        self._ttl(namespace)
        if key is not None and prefix is not None:
            raise ValueError("give key or prefix, not both")
        change = _Invalidation(namespace, key, prefix)
        self._apply(change)
        if self._redis is not None and not await self._l2_invalidate(change):
            self._remember(change)

    def on_invalidate(self, namespace: str, watcher: Callable[[], None]) -> None:
        """Call `watcher` whenever `namespace` is invalidated, by this process or another: state derived from the
        same data (an in-memory index) follows the cache."""
        self._watchers.setdefault(namespace, []).append(watcher)

    def _apply(self, change: _Invalidation) -> None:
        """Drop the matching entries and loads in flight from this process; stop older loads from caching."""
        for watcher in self._watchers.get(change.namespace, ()):
            watcher()
        self._epochs[change.namespace] = self._epochs.get(change.namespace, 0) + 1
        match = change.match()
        exact = change.key is not None
        for store in (self._l1, self._inflight):
            doomed = [k for k in store if (k == match if exact else k.startswith(match))]
            for k in doomed:
                del store[k]  # an in-flight load keeps serving its waiters; new callers start afresh

    def _drop_everything(self) -> None:
        for namespace in self._ttls:
            self._apply(_Invalidation(namespace, None, None))

    def _remember(self, change: _Invalidation) -> None:
        if len(self._pending) < _PENDING_LIMIT:
            self._pending.append(change)
        else:
            self._pending_overflow = True

    async def _replay_pending(self) -> None:
        """Apply to Redis the invalidations it missed while away, so it does not serve what a write replaced."""
        if self._pending_overflow:
            if not await self._l2_invalidate(None):
                return
            self._pending_overflow = False
            self._pending.clear()
        while self._pending:
            if not await self._l2_invalidate(self._pending[0]):
                return
            self._pending.pop(0)

    # -- stats -----------------------------------------------------------------------------------------------

    async def stats(self) -> CacheStats:
        requests = self.l1.hits + self.l1.misses
        l2: CacheL2 = {"hits": self.l2.hits, "misses": self.l2.misses, "size": None, "state": "disabled"}
        if self._redis is not None:
            size = await self._l2_size()
            l2.update(size=size, state="ok" if size is not None else "down")
        return {
            "layers": {
                "l1": {"hits": self.l1.hits, "misses": self.l1.misses, "size": len(self._l1),
                       "max_size": self._max_entries},
                "l2": l2,
            },
            "requests": requests,
            "loads": self.loads,
            "hit_rate": round((requests - self.loads) / requests, 4) if requests else 0.0,
        }

    # -- L1 --------------------------------------------------------------------------------------------------

    def _l1_get(self, full: str) -> bytes | None:
        entry = self._l1.get(full)
        if entry is None:
            return None
        expires, raw = entry
        if expires <= self._clock():
            del self._l1[full]
            return None
        self._l1.move_to_end(full)
        return raw

    def _l1_put(self, full: str, raw: bytes, ttl: float) -> None:
        if self._redis is not None and not self._listener.listening:
            ttl = min(ttl, DEAF_TTL)
        self._l1[full] = (self._clock() + ttl, raw)
        self._l1.move_to_end(full)
        while len(self._l1) > self._max_entries:
            self._l1.popitem(last=False)

    # -- L2 --------------------------------------------------------------------------------------------------

    async def _l2(self, operation: Callable[[], Awaitable[T]]) -> tuple[bool, T | None]:
        """(ok, result) of one Redis operation under the breaker; failures are absorbed, never raised."""
        try:
            return True, await call(operation, breaker=self._breaker, timeout=self._timeout)
        except CircuitOpen:
            return False, None
        except Exception as exc:  # any Redis, socket or timeout error: L1 carries on alone
            log.debug("cache_l2_error", error=type(exc).__name__)
            return False, None

    async def _l2_get(self, full: str) -> tuple[bytes, float] | None:
        if self._redis is None:
            return None
        redis, rkey = self._redis, self._prefix + full

        async def get() -> list[Any]:
            async with redis.pipeline(transaction=False) as pipe:
                return await pipe.get(rkey).pttl(rkey).execute()  # type: ignore[no-any-return]

        ok, result = await self._l2(get)
        if ok and result is not None and result[0] is not None:
            self.l2.hits += 1
            metrics.cache_hit("l2")
            return result[0], max(result[1], 1) / 1000
        self.l2.misses += 1
        metrics.cache_miss("l2")
        return None

    async def _l2_set(self, full: str, raw: bytes, ttl: float) -> None:
        if self._redis is not None:
            redis, rkey = self._redis, self._prefix + full
            await self._l2(lambda: redis.set(rkey, raw, px=max(1, int(ttl * 1000))))

    async def _l2_invalidate(self, change: _Invalidation | None) -> bool:
        """Delete the matching Redis keys (all of ours for None) and tell the other processes; False if Redis failed."""
        assert self._redis is not None
        redis = self._redis
        message = orjson.dumps(
            {"from": self._instance, "namespace": change.namespace, "key": change.key, "prefix": change.prefix}
            if change is not None else {"from": self._instance, "all": True}
        )

        async def run() -> None:
            if change is not None and change.key is not None:
                await redis.pipeline(transaction=False).unlink(self._prefix + change.match()).publish(
                    self._channel, message).execute()
                return
            pattern = _glob_escape(self._prefix + (change.match() if change is not None else "")) + "*"
            batch: list[bytes] = []
            async for rkey in redis.scan_iter(match=pattern, count=1000):
                batch.append(rkey)
                if len(batch) >= 500:
                    await redis.unlink(*batch)
                    batch.clear()
            if batch:
                await redis.unlink(*batch)
            await redis.publish(self._channel, message)

        ok, _ = await self._l2(run)
        return ok

    async def _l2_size(self) -> int | None:
        assert self._redis is not None
        redis, pattern = self._redis, _glob_escape(self._prefix) + "*"

        async def count() -> int:
            return sum([1 async for _ in redis.scan_iter(match=pattern, count=1000)])

        ok, size = await self._l2(count)
        return size if ok else None

    # -- cross-process invalidation --------------------------------------------------------------------------

    async def _on_subscribed(self) -> None:
        # messages sent while we were not subscribed are lost: start L1 afresh rather than trust it
        self._drop_everything()
        await self._replay_pending()

    async def _on_idle(self) -> None:
        if self._pending or self._pending_overflow:
            await self._replay_pending()

    def _on_message(self, data: bytes) -> None:
        try:
            message = orjson.loads(data)
        except orjson.JSONDecodeError:
            return
        if message.get("from") == self._instance:
            return
        if message.get("all"):
            self._drop_everything()
        elif message.get("namespace") in self._ttls:
            self._apply(_Invalidation(message["namespace"], message.get("key"), message.get("prefix")))


def _glob_escape(text: str) -> str:
    """Escape Redis MATCH metacharacters so a key prefix matches only itself."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
