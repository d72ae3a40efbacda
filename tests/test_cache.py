from __future__ import annotations

import asyncio
import faulthandler
import itertools
import os
import shutil
import signal
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.applications import Starlette

from clara.platform import pubsub
from clara.platform.cache import CACHE_VERSION, DEAF_TTL, TTLS, Cache
from clara.platform.pubsub import CLOSE_WITHIN, ChannelListener
from clara.platform.resilience import CircuitBreaker
from clara.ops.demo_data import DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from clara.stores.redis import open_redis
from tests.conftest import bearer, running, user_by_email
from tests.servers import RedisServer

_prefixes = itertools.count()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """Counts how often the cache really loaded; returns a new version each time."""

    def __init__(self, value: object = "v") -> None:
        self.value = value
        self.calls = 0

    async def __call__(self) -> object:
        self.calls += 1
        return {"value": self.value, "version": self.calls}


async def eventually(condition: Callable[[], bool | Awaitable[bool]], timeout: float = 5.0) -> None:
    """Wait (bounded) for something another process or task does, e.g. deliver a pub/sub message."""
    async def poll() -> None:
        while True:
            result = condition()
            if isinstance(result, Awaitable):
                result = await result
            if result:
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def prefix() -> str:
    return f"clara-test-cache-{os.getpid()}-{next(_prefixes)}"


@pytest.fixture
async def redis(redis_server_url: str, prefix: str) -> AsyncIterator[Redis]:
    client = open_redis(redis_server_url, timeout=1.0)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
async def shared(redis: Redis, prefix: str) -> AsyncIterator[Callable[[], Awaitable[Cache]]]:
    """Build caches that share one Redis and prefix, as two Clara processes would."""
    caches: list[Cache] = []

    async def make() -> Cache:
        cache = Cache(redis=redis, breaker=CircuitBreaker("redis", 3, 0.2), prefix=prefix, timeout=1.0)
        await cache.start()
        caches.append(cache)
        return cache

    yield make
    for cache in caches:
        await cache.close()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server this test alone owns, so it may kill, freeze and restart it."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs a redis-server binary on PATH to stop and restart Redis")
    server = RedisServer(tmp_path / "redis").start()
    yield server
    if server.process is not None:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


# -- L1 ---------------------------------------------------------------------------------------------------------


async def test_a_second_read_is_served_from_memory() -> None:
    cache, load = Cache(), Loader()
    first = await cache.get_or_load("specs", "50TCQA06", load)
    second = await cache.get_or_load("specs", "50TCQA06", load)
    assert first == second == {"value": "v", "version": 1}
    assert load.calls == 1
    stats = await cache.stats()
    assert stats["layers"]["l1"] == {"hits": 1, "misses": 1, "size": 1, "max_size": 10_000}
    assert stats["layers"]["l2"]["state"] == "disabled"
    assert stats["hit_rate"] == 0.5


async def test_values_come_back_as_the_same_json_on_a_miss_and_a_hit() -> None:
    @dataclass
    class Spec:
        model: str
        amps: Decimal
        updated: datetime

    spec = Spec("50TCQA06", Decimal("17.3"), datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc))
    cache = Cache()

    async def load() -> Spec:
        return spec

    miss = await cache.get_or_load("specs", "50TCQA06", load)
    hit = await cache.get_or_load("specs", "50TCQA06", load)
    assert miss == hit == {"model": "50TCQA06", "amps": 17.3, "updated": "2026-11-23T09:30:00+00:00"}
    hit["model"] = "changed by a caller"
    assert (await cache.get_or_load("specs", "50TCQA06", load))["model"] == "50TCQA06"


async def test_entries_expire_after_their_namespace_ttl(clock: Clock) -> None:
    cache = Cache(clock=clock)
    jobs, specs = Loader(), Loader()
    await cache.get_or_load("jobs", "user:7", jobs)
    await cache.get_or_load("specs", "50TCQA06", specs)
    clock.now += TTLS["jobs"] - 0.1
    await cache.get_or_load("jobs", "user:7", jobs)
    assert jobs.calls == 1
    clock.now += 0.2
    assert (await cache.get_or_load("jobs", "user:7", jobs))["version"] == 2
    assert TTLS["specs"] > TTLS["knowledge"] > TTLS["jobs"]
    await cache.get_or_load("specs", "50TCQA06", specs)
    assert specs.calls == 1


async def test_the_least_recently_used_entry_goes_first() -> None:
    cache, load = Cache(max_entries=2), Loader()
    await cache.get_or_load("specs", "a", load)
    await cache.get_or_load("specs", "b", load)
    await cache.get_or_load("specs", "a", load)  # a is now the most recent
    await cache.get_or_load("specs", "c", load)  # evicts b
    calls = load.calls
    await cache.get_or_load("specs", "a", load)
    assert load.calls == calls
    await cache.get_or_load("specs", "b", load)
    assert load.calls == calls + 1
    assert (await cache.stats())["layers"]["l1"]["size"] == 2


async def test_an_unknown_namespace_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="TTLS"):
        await Cache().get_or_load("nope", "k", Loader())


async def test_invalidating_a_key_a_prefix_or_a_namespace() -> None:
    cache, load = Cache(), Loader()
    for key in ("job:1", "job:2", "user:7:2026-11-23", "user:7:2026-11-24", "user:8:2026-11-23"):
        await cache.get_or_load("jobs", key, load)
    await cache.get_or_load("specs", "50TCQA06", load)
    assert load.calls == 6

    await cache.invalidate("jobs", "job:1")
    await cache.invalidate("jobs", prefix="user:7:")
    for key in ("job:1", "job:2", "user:7:2026-11-23", "user:7:2026-11-24", "user:8:2026-11-23"):
        await cache.get_or_load("jobs", key, load)
    assert load.calls == 9  # job:1 and both user:7 entries reloaded; job:2 and user:8 still cached

    await cache.invalidate("jobs")
    await cache.get_or_load("jobs", "job:2", load)
    await cache.get_or_load("specs", "50TCQA06", load)
    assert load.calls == 10  # the whole jobs namespace went, specs stayed


async def test_a_loader_error_reaches_the_caller_and_nothing_is_cached() -> None:
    cache, calls = Cache(), 0

    async def broken() -> object:
        nonlocal calls
        calls += 1
        raise LookupError("no such model")

    for _ in range(2):
        with pytest.raises(LookupError):
            await cache.get_or_load("specs", "XYZ", broken)
    assert calls == 2


async def test_a_value_the_caller_marks_uncacheable_is_returned_but_not_kept() -> None:
    cache, calls = Cache(), 0

    async def search() -> object:
        nonlocal calls
        calls += 1
        return {"hits": ["lexical only"], "complete": calls > 1}  # the vector index was down the first time

    def complete(value: object) -> bool:
        return bool(value["complete"])  # type: ignore[index]

    first = await cache.get_or_load("knowledge", "q", search, cacheable=complete)
    assert first == {"hits": ["lexical only"], "complete": False}
    assert (await cache.get_or_load("knowledge", "q", search, cacheable=complete))["complete"] is True
    assert (await cache.get_or_load("knowledge", "q", search, cacheable=complete))["complete"] is True
    assert calls == 2


# -- single-flight ----------------------------------------------------------------------------------------------


async def test_a_hundred_concurrent_misses_run_the_loader_once() -> None:
    cache, gate, calls = Cache(), asyncio.Event(), 0

    async def slow_search() -> object:
        nonlocal calls
        calls += 1
        await gate.wait()
        return {"results": ["NFPA 25 5.2.4.1"]}

    waiters = [asyncio.create_task(cache.get_or_load("knowledge", "nfpa 25 gauges", slow_search)) for _ in range(100)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiters)
    assert calls == 1
    assert all(result == {"results": ["NFPA 25 5.2.4.1"]} for result in results)
    stats = await cache.stats()
    assert stats["loads"] == 1 and stats["layers"]["l1"]["misses"] == 100


async def test_concurrent_callers_all_see_the_loader_error_and_the_next_call_retries() -> None:
    cache, gate, calls = Cache(), asyncio.Event(), 0

    async def failing() -> object:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise ConnectionError("chroma unreachable")

    waiters = [asyncio.create_task(cache.get_or_load("knowledge", "q", failing)) for _ in range(10)]
    await asyncio.sleep(0)
    gate.set()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    assert calls == 1 and all(isinstance(o, ConnectionError) for o in outcomes)
    with pytest.raises(ConnectionError):
        await cache.get_or_load("knowledge", "q", failing)
    assert calls == 2


async def test_a_caller_that_gives_up_does_not_cancel_the_others() -> None:
    cache, gate = Cache(), asyncio.Event()

    async def slow() -> object:
        await gate.wait()
        return "done"

    impatient = asyncio.create_task(cache.get_or_load("specs", "k", slow))
    patient = asyncio.create_task(cache.get_or_load("specs", "k", slow))
    await asyncio.sleep(0)
    impatient.cancel()
    gate.set()
    assert await patient == "done"


async def test_a_write_during_a_load_is_not_hidden_by_it() -> None:
    """Read-your-writes: a load that began before a write neither gets cached nor serves later readers."""
    cache, gate = Cache(), asyncio.Event()
    versions = iter(["before the write", "after the write"])

    async def load() -> object:
        value = next(versions)
        if value == "before the write":
            await gate.wait()
        return value

    early = asyncio.create_task(cache.get_or_load("jobs", "job:1", load))
    await asyncio.sleep(0)
    await cache.invalidate("jobs", "job:1")  # the write committed while the early load was running
    assert await cache.get_or_load("jobs", "job:1", load) == "after the write"
    gate.set()
    assert await early == "before the write"
    assert await cache.get_or_load("jobs", "job:1", load) == "after the write"


# -- L2 (Redis) -------------------------------------------------------------------------------------------------


async def test_a_second_process_is_served_from_redis(shared: Callable[[], Awaitable[Cache]]) -> None:
    first, second = await shared(), await shared()
    load = Loader()
    await first.get_or_load("specs", "50TCQA06", load)
    assert await second.get_or_load("specs", "50TCQA06", load) == {"value": "v", "version": 1}
    assert load.calls == 1
    stats = await second.stats()
    assert stats["layers"]["l2"]["hits"] == 1 and stats["layers"]["l2"]["state"] == "ok"
    assert stats["layers"]["l2"]["size"] == 1
    await second.get_or_load("specs", "50TCQA06", load)
    assert (await second.stats())["layers"]["l1"]["hits"] == 1


async def test_redis_entries_carry_the_namespace_ttl(
    shared: Callable[[], Awaitable[Cache]], redis: Redis, prefix: str
) -> None:
    cache = await shared()
    await cache.get_or_load("jobs", "job:1", Loader())
    await cache.get_or_load("specs", "50TCQA06", Loader())
    jobs_ttl = await redis.pttl(f"{prefix}:cache:v{CACHE_VERSION}:jobs:job:1")
    specs_ttl = await redis.pttl(f"{prefix}:cache:v{CACHE_VERSION}:specs:50TCQA06")
    assert 0 < jobs_ttl <= TTLS["jobs"] * 1000
    assert TTLS["jobs"] * 1000 < specs_ttl <= TTLS["specs"] * 1000


async def test_an_invalidation_reaches_the_other_process_memory(shared: Callable[[], Awaitable[Cache]]) -> None:
    reader, writer = await shared(), await shared()
    load = Loader()
    await reader.get_or_load("jobs", "job:1", load)
    await writer.get_or_load("jobs", "job:1", load)  # both processes now hold the job in L1
    assert load.calls == 1

    await writer.invalidate("jobs", "job:1")  # e.g. the writer's process logged a deficiency on the job

    async def reader_sees_the_change() -> bool:
        return (await reader.get_or_load("jobs", "job:1", load))["version"] == 2

    await eventually(reader_sees_the_change)
    assert (await writer.get_or_load("jobs", "job:1", load))["version"] == 2
    assert load.calls == 2


async def test_a_namespace_invalidation_clears_redis_and_every_process(
    shared: Callable[[], Awaitable[Cache]], redis: Redis, prefix: str
) -> None:
    first, second = await shared(), await shared()
    load = Loader()
    for query in ("nfpa 25 gauges", "amp draw 50tcqa06", "quarterly alarm valve"):
        await first.get_or_load("knowledge", query, load)
        await second.get_or_load("knowledge", query, load)
    await first.get_or_load("specs", "50TCQA06", load)
    assert load.calls == 4

    await second.invalidate("knowledge")  # an upload changed what search can find
    assert [k async for k in redis.scan_iter(match=f"{prefix}:cache:v{CACHE_VERSION}:knowledge:*")] == []
    assert await redis.exists(f"{prefix}:cache:v{CACHE_VERSION}:specs:50TCQA06") == 1

    async def first_reloads() -> bool:
        return (await first.get_or_load("knowledge", "nfpa 25 gauges", load))["version"] > 1

    await eventually(first_reloads)


async def test_single_flight_with_redis(shared: Callable[[], Awaitable[Cache]]) -> None:
    cache, gate, calls = await shared(), asyncio.Event(), 0

    async def slow() -> object:
        nonlocal calls
        calls += 1
        await gate.wait()
        return "spec"

    waiters = [asyncio.create_task(cache.get_or_load("specs", "50TCQA06", slow)) for _ in range(100)]
    await asyncio.sleep(0.05)
    gate.set()
    assert set(await asyncio.gather(*waiters)) == {"spec"} and calls == 1


# -- Redis failures ---------------------------------------------------------------------------------------------


async def test_with_redis_down_the_cache_runs_on_memory_and_recovers(own_redis: RedisServer, prefix: str) -> None:
    client = open_redis(own_redis.url, timeout=0.25)
    breaker = CircuitBreaker("redis", 3, 0.2)
    cache = Cache(redis=client, breaker=breaker, prefix=prefix, timeout=0.25)
    await cache.start()
    try:
        load = Loader()
        await cache.get_or_load("specs", "50TCQA06", load)
        own_redis.stop()

        assert (await cache.get_or_load("specs", "50TCQA06", load))["version"] == 1  # L1 still serves
        for n in range(5):  # misses go to the loader without an error, whatever Redis does
            assert (await cache.get_or_load("specs", f"model-{n}", load))["value"] == "v"
        await cache.invalidate("specs", "50TCQA06")  # a write while Redis is down still works locally
        assert (await cache.get_or_load("specs", "50TCQA06", load))["version"] == load.calls
        assert breaker.state == "open"
        assert (await cache.stats())["layers"]["l2"]["state"] == "down"

        own_redis.start()  # same port, empty: like a restarted cache server

        async def l2_back() -> bool:
            await cache.get_or_load("specs", "probe", load)
            return (await cache.stats())["layers"]["l2"]["state"] == "ok"

        await eventually(l2_back)
        assert breaker.state == "closed"
        await eventually(lambda: cache._listener._subscribed.is_set() and not cache._pending)
        await cache.get_or_load("specs", "after the outage", load)
        before = load.calls
        second = Cache(redis=client, prefix=prefix, timeout=0.25)
        await second.get_or_load("specs", "after the outage", load)
        assert load.calls == before  # L2 is filled again and shared
    finally:
        await cache.close()
        await client.aclose()


async def test_invalidations_missed_by_an_unreachable_redis_are_replayed(
    own_redis: RedisServer, prefix: str
) -> None:
    """Redis frozen (a network partition: its data survives): the write's invalidation must not be lost."""
    client = open_redis(own_redis.url, timeout=0.25)
    cache = Cache(redis=client, breaker=CircuitBreaker("redis", 3, 0.2), prefix=prefix, timeout=0.25)
    await cache.start()
    observer = Redis.from_url(own_redis.url)
    try:
        await cache.get_or_load("jobs", "job:1", Loader("open"))
        assert await observer.exists(f"{prefix}:cache:v{CACHE_VERSION}:jobs:job:1") == 1
        assert own_redis.process is not None
        own_redis.process.send_signal(signal.SIGSTOP)

        await cache.invalidate("jobs", "job:1")  # job 1 completed while Redis could not hear about it
        assert cache._pending

        own_redis.process.send_signal(signal.SIGCONT)
        await eventually(lambda: not cache._pending)
        assert await observer.exists(f"{prefix}:cache:v{CACHE_VERSION}:jobs:job:1") == 0
        assert (await cache.get_or_load("jobs", "job:1", Loader("completed")))["value"] == "completed"
    finally:
        await observer.aclose()
        await cache.close()
        await client.aclose()


async def test_the_cache_starts_while_redis_is_down(tmp_path: Path, prefix: str) -> None:
    client = open_redis(f"redis://127.0.0.1:{RedisServer(tmp_path).port}/0", timeout=0.1)
    cache = Cache(redis=client, breaker=CircuitBreaker("redis", 3, 0.2), prefix=prefix, timeout=0.1)
    await cache.start()
    try:
        load = Loader()
        await cache.get_or_load("specs", "50TCQA06", load)
        await cache.get_or_load("specs", "50TCQA06", load)
        assert load.calls == 1
    finally:
        await cache.close()
        await client.aclose()



async def test_while_no_invalidation_can_arrive_nothing_is_trusted_past_the_deaf_ttl(
    tmp_path: Path, prefix: str, clock: Clock,
) -> None:
    """Redis away: another instance's write to a job cannot reach this process, so its copy of the day must not
    outlive DEAF_TTL (the jobs namespace alone would keep it five minutes)."""
    client = open_redis(f"redis://127.0.0.1:{RedisServer(tmp_path).port}/0", timeout=0.1)
    cache = Cache(redis=client, breaker=CircuitBreaker("redis", 3, 0.2), prefix=prefix, timeout=0.1, clock=clock)
    await cache.start()
    try:
        load = Loader()
        await cache.get_or_load("jobs", "day:7", load)
        clock.now += DEAF_TTL - 0.1
        await cache.get_or_load("jobs", "day:7", load)
        assert load.calls == 1
        clock.now += 0.2
        assert (await cache.get_or_load("jobs", "day:7", load))["version"] == 2
        assert TTLS["jobs"] > DEAF_TTL
    finally:
        await cache.close()
        await client.aclose()


# -- GET /clara-server/cache/stats -------------------------------------------------------------------------------


async def test_cache_stats_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/clara-server/cache/stats")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_cache_stats_reports_each_layer(client: httpx.AsyncClient, auth: dict[str, str], app) -> None:  # type: ignore[no-untyped-def]
    cache: Cache = app.state.stores.cache
    load = Loader()
    await cache.get_or_load("specs", "50TCQA06", load)
    await cache.get_or_load("specs", "50TCQA06", load)
    response = await client.get("/clara-server/cache/stats", headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["layers"]["l1"]["hits"] >= 1 and body["layers"]["l1"]["size"] >= 1
    assert body["layers"]["l2"] == {"hits": 0, "misses": 0, "size": None, "state": "disabled"}
    assert 0 < body["hit_rate"] <= 1


# -- /health -----------------------------------------------------------------------------------------------------


async def test_health_without_redis_says_disabled(client: httpx.AsyncClient) -> None:
    body = (await client.get("/health")).json()
    assert body["checks"]["redis"]["state"] == "disabled"


class _PubSub:
    """A pub/sub connection with no messages. `cleanup_error`: its clean-up, as redis-py's disconnect under its
    own timeout can, raises that error while a cancellation passes through. `deaf`: it ignores cancellation."""

    def __init__(self, *, cleanup_error: Exception | None = None, deaf: bool = False) -> None:
        self.cleanup_error = cleanup_error
        self.deaf = deaf

    async def __aenter__(self) -> "_PubSub":
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is asyncio.CancelledError and self.cleanup_error is not None:
            raise self.cleanup_error

    async def subscribe(self, channel: str) -> None:
        return None

    async def get_message(self, timeout: float) -> None:
        while True:
            try:
                await asyncio.sleep(timeout)
                return None
            except asyncio.CancelledError:
                if not self.deaf:
                    raise


class _Redis:
    def __init__(self, pubsub: _PubSub) -> None:
        self._pubsub = pubsub

    def pubsub(self, **_: object) -> _PubSub:
        return self._pubsub


def _listener(pubsub: _PubSub) -> ChannelListener:
    return ChannelListener(_Redis(pubsub), "channel", name="test_listener",  # type: ignore[arg-type]
                           on_message=lambda _: None)


async def test_closing_a_listener_ends_it_when_its_cleanup_turns_the_cancel_into_an_error() -> None:
    pubsub_connection = _PubSub(cleanup_error=RedisTimeoutError("Timed out closing connection"))
    listener = _listener(pubsub_connection)
    await listener.start(wait=1.0)
    task = next(t for t in asyncio.all_tasks() if t.get_name() == "test_listener")
    try:
        async with asyncio.timeout(CLOSE_WITHIN + 5):
            await listener.close()
        assert task.cancelled()  # ended, not left retrying as if Redis had failed
    finally:  # a task left running would stall the test loop's teardown
        pubsub_connection.cleanup_error = None
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_closing_a_listener_that_ignores_cancellation_still_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pubsub, "CLOSE_WITHIN", 0.2)
    pubsub_connection = _PubSub(deaf=True)
    listener = _listener(pubsub_connection)
    await listener.start(wait=1.0)
    task = next(t for t in asyncio.all_tasks() if t.get_name() == "test_listener")
    closing = asyncio.create_task(listener.close())
    done, _ = await asyncio.wait({closing}, timeout=5)
    pubsub_connection.deaf = False
    task.cancel()
    await asyncio.gather(task, closing, return_exceptions=True)
    assert done, "close() waited for good on a task that ignores cancellation"  # the app's shutdown must go on


@asynccontextmanager
async def step(what: str, seconds: float) -> AsyncIterator[None]:
    """Bound a step of a test that must never hang: past `seconds` it fails naming the step."""
    bound = asyncio.timeout(seconds)
    try:
        async with bound:
            yield
    except TimeoutError:
        if not bound.expired():  # the step's own TimeoutError, not this bound's
            raise
        pytest.fail(f"{what} took over {seconds:g} s")


async def test_health_follows_redis_down_and_back(settings: Settings, own_redis: RedisServer) -> None:
    """Every await is bounded and redis-server is stopped and started off the event loop: under load 10-20 this
    test once hung for over ten minutes, with nothing to say where. Past the bounds it fails naming the step; if
    even cancelling that step hangs, faulthandler writes every thread's stack to stderr."""
    faulthandler.dump_traceback_later(180)
    try:
        async with step("the whole test", 150), running(settings, redis_url=own_redis.url) as app:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test",
                                         timeout=10) as client:
                async with step("/health with Redis up", 10):
                    up = await client.get("/health")
                assert up.status_code == 200 and up.json()["checks"]["redis"] == {"state": "ok"}

                async with step("stopping redis-server", 15):
                    await asyncio.to_thread(own_redis.stop)
                async with step("/health with Redis down", 10):
                    down = await client.get("/health")
                assert down.status_code == 200  # Redis is optional: degraded, never down
                assert down.json()["status"] == "degraded"
                assert down.json()["checks"]["redis"]["state"] == "down"
                assert "memory" in down.json()["checks"]["redis"]["detail"]

                async with step("starting redis-server again", 20):
                    await asyncio.to_thread(own_redis.start)

                async def redis_ok() -> bool:
                    async with step("a cache read while Redis comes back", 10):
                        await app.state.stores.cache.get_or_load("specs", "probe", Loader())
                    async with step("/health while Redis comes back", 10):
                        return (await client.get("/health")).json()["checks"]["redis"] == {"state": "ok"}

                await eventually(redis_ok, timeout=30)
    finally:
        faulthandler.cancel_dump_traceback_later()


# -- the services' own caching, across two app instances sharing Redis and PostgreSQL -------------------------------


@pytest.fixture
async def two_instances(
    settings: Settings, redis_server_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, Starlette]]:
    shared = settings.changed(redis_url=redis_server_url)
    async with running(shared) as first, running(shared) as second:
        clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://clara.test")
                   for a in (first, second)]
        async with clients[0], clients[1]:
            yield clients[0], clients[1], first
    redis = open_redis(redis_server_url, timeout=1.0)
    keys = [key async for key in redis.scan_iter(match=f"{shared.redis_key_prefix}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


async def maria_first_job(app: Starlette) -> int:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT j.id FROM jobs j JOIN users u ON u.id = j.technician_id WHERE u.email = %s"
            " AND j.status = 'scheduled' ORDER BY j.scheduled_start LIMIT 1",
            (DEMO_TECHNICIAN_EMAIL,),
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def test_a_status_change_on_one_instance_is_seen_by_the_other(
    two_instances: tuple[httpx.AsyncClient, httpx.AsyncClient, Starlette]
) -> None:
    reader, writer, app = two_instances
    headers = bearer(app, await user_by_email(app, DEMO_TECHNICIAN_EMAIL))
    job_id = await maria_first_job(app)
    before = await reader.get(f"/jobs/{job_id}", headers=headers)
    assert before.status_code == 200 and before.json()["status"] == "scheduled"
    assert (await reader.get(f"/jobs/{job_id}", headers=headers)).json()["status"] == "scheduled"  # now from cache

    changed = await writer.patch(f"/jobs/{job_id}", json={"status": "en_route"}, headers=headers)
    assert changed.status_code == 200

    async def reader_sees_en_route() -> bool:
        return (await reader.get(f"/jobs/{job_id}", headers=headers)).json()["status"] == "en_route"

    await eventually(reader_sees_en_route)
    day = before.json()["scheduled_start"][:10]
    listed = (await reader.get("/jobs", params={"date": day}, headers=headers)).json()["jobs"]
    assert {job["id"]: job["status"] for job in listed}[job_id] == "en_route"


async def test_a_new_deficiency_on_one_instance_shows_on_the_other(
    two_instances: tuple[httpx.AsyncClient, httpx.AsyncClient, Starlette]
) -> None:
    reader, writer, app = two_instances
    headers = bearer(app, await user_by_email(app, DEMO_TECHNICIAN_EMAIL))
    job_id = await maria_first_job(app)
    before = (await reader.get(f"/jobs/{job_id}", headers=headers)).json()["deficiencies"]
    logged = await writer.post(f"/jobs/{job_id}/deficiencies", headers=headers,
                               json={"severity": "deficient", "description": "Main drain gauge cracked"})
    assert logged.status_code in (200, 201)

    async def reader_sees_it() -> bool:
        found = (await reader.get(f"/jobs/{job_id}", headers=headers)).json()["deficiencies"]
        return len(found) == len(before) + 1

    await eventually(reader_sees_it)


async def test_equipment_specs_are_served_from_the_cache(
    two_instances: tuple[httpx.AsyncClient, httpx.AsyncClient, Starlette]
) -> None:
    first, second, app = two_instances
    headers = bearer(app, await user_by_email(app, DEMO_TECHNICIAN_EMAIL))
    cache: Cache = app.state.stores.cache
    spellings = ["50TCQA06", "50tcqa06", "50-TCQA-06"]
    answers = [(await first.get(f"/clara-server/equipment/{m}", headers=headers)).json() for m in spellings]
    assert answers[0]["model"] == "50TCQA06" and answers[0] == answers[1] == answers[2]
    stats = await cache.stats()
    assert stats["loads"] == 1 and stats["layers"]["l1"]["hits"] == 2  # three spellings, one lookup
    assert (await second.get("/clara-server/equipment/50TCQA06", headers=headers)).json() == answers[0]
    unknown = await first.get("/clara-server/equipment/50TCQA99", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "model"


async def test_an_upload_makes_every_instance_search_afresh(
    two_instances: tuple[httpx.AsyncClient, httpx.AsyncClient, Starlette]
) -> None:
    reader, writer, app = two_instances
    headers = bearer(app, await user_by_email(app, DEMO_TECHNICIAN_EMAIL))
    query = {"query": "zebra valve quarterly torque procedure", "source": "uploads"}
    assert (await reader.get("/clara-server/knowledge/search", params=query, headers=headers)).json()["results"] == []
    note = b"# Zebra valve\n\nThe zebra valve quarterly torque procedure: torque the bonnet bolts to 45 ft-lb.\n"
    uploaded = await writer.post("/clara-server/knowledge/documents", headers=headers,
                                 files={"file": ("zebra.md", note, "text/markdown")})
    assert uploaded.status_code == 201

    async def reader_finds_it() -> bool:
        found = await reader.get("/clara-server/knowledge/search", params=query, headers=headers)
        return any("zebra" in hit["text"].lower() for hit in found.json()["results"])

    await eventually(reader_finds_it)


async def test_a_listener_without_redis_listens_to_nothing() -> None:
    """One instance alone: no task left retrying a connection that does not exist (and logging an outage)."""
    listener = ChannelListener(None, "channel", name="lonely_listener", on_message=lambda _: None)
    await listener.start(wait=0.2)
    assert [t for t in asyncio.all_tasks() if t.get_name() == "lonely_listener"] == []
    await listener.close()
