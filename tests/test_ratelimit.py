from __future__ import annotations

import asyncio
import random
import shutil
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import httpx
import pytest
from limits import parse_many
from redis.asyncio import Redis
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.web.ratelimit import LEASE_MAX, ApiBudget
from clara.platform.resilience import CircuitBreaker
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings, SettingsError
from tests.conftest import bearer, running, still, user_by_email
from tests.servers import RedisServer

STATS = "/clara-server/cache/stats"
class CountingRedis(Redis):
    """A real Redis client that counts the EVALSHA commands it sends: this client's round trips for leases, which
    the server's own INFO counts for every client of a Redis other tests and engineers share."""

    evalsha_sent = 0

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        if str(args[0]).upper() == "EVALSHA":
            self.evalsha_sent += 1
        return await super().execute_command(*args, **options)


@asynccontextmanager
async def serving(settings: Settings, ip: str = "203.0.113.7") -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """A started app and a client calling it from `ip`."""
    async with running(settings, clock=still) as app:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
            yield app, client


def login(email: str = DEMO_TECHNICIAN_EMAIL, password: str = DEMO_PASSWORD) -> dict[str, str]:
    return {"email": email, "password": password}


def assert_rate_limited(response: httpx.Response) -> int:
    assert response.status_code == 429
    assert response.json() == {"error": {"code": "rate_limited", "message": response.json()["error"]["message"],
                                         "field": "Retry-After"}}
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 3600
    assert response.headers["x-request-id"]
    return retry_after


async def test_password_guessing_is_stopped_per_ip(settings: Settings) -> None:
    limited = settings.changed(rate_limit_login="3/minute;5/hour")
    async with serving(limited) as (app, client):
        for _ in range(3):
            assert (await client.post("/auth/token", json=login(password="guess"))).status_code == 401
        blocked = await client.post("/auth/token", json=login())  # even the right password waits now
        retry_after = assert_rate_limited(blocked)
        assert retry_after <= 60
        assert "3 per 1 minute" in blocked.json()["error"]["message"]

        other_ip = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("198.51.100.4", 1)),
                                     base_url="http://clara.test")
        async with other_ip:
            assert (await other_ip.post("/auth/token", json=login())).status_code == 200


async def test_the_login_limit_does_not_spend_the_api_budget(settings: Settings) -> None:
    limited = settings.changed(rate_limit_login="2/minute", rate_limit_default="100/minute")
    async with serving(limited) as (app, client):
        token = (await client.post("/auth/token", json=login())).json()["access_token"]
        assert (await client.get(STATS, headers={"Authorization": f"Bearer {token}"})).status_code == 200
        await client.post("/auth/token", json=login())
        assert_rate_limited(await client.post("/auth/token", json=login()))
        assert (await client.get(STATS, headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_each_user_has_their_own_api_budget(settings: Settings) -> None:
    limited = settings.changed(rate_limit_default="3/minute")
    async with serving(limited) as (app, client):
        maria = bearer(app, await user_by_email(app, DEMO_TECHNICIAN_EMAIL))
        james = bearer(app, await user_by_email(app, "james.chen@clara.dev"))
        for _ in range(3):
            assert (await client.get(STATS, headers=maria)).status_code == 200
        assert_rate_limited(await client.get(STATS, headers=maria))
        assert (await client.get(STATS, headers=james)).status_code == 200  # same IP, another user


async def test_health_and_docs_are_never_limited(settings: Settings) -> None:
    limited = settings.changed(rate_limit_default="2/minute")
    async with serving(limited) as (_, client):
        for _ in range(5):
            assert (await client.get("/health")).status_code == 200
            assert (await client.get("/openapi.json")).status_code == 200


async def test_anonymous_callers_are_limited_by_ip(settings: Settings) -> None:
    limited = settings.changed(rate_limit_default="2/minute")
    async with serving(limited) as (_, client):
        for _ in range(2):
            assert (await client.get(STATS)).status_code == 401
        assert_rate_limited(await client.get(STATS))


async def test_processes_sharing_redis_share_the_budget(settings: Settings, redis_server_url: str) -> None:
    shared = settings.changed(redis_url=redis_server_url, rate_limit_default="4/minute")
    async with serving(shared) as (first, first_client), serving(shared) as (_, second_client):
        user: CurrentUser = await user_by_email(first, DEMO_TECHNICIAN_EMAIL)
        headers = bearer(first, user)
        for client in (first_client, second_client, first_client, second_client):
            assert (await client.get(STATS, headers=headers)).status_code == 200
        assert_rate_limited(await second_client.get(STATS, headers=headers))
        assert_rate_limited(await first_client.get(STATS, headers=headers))


async def test_with_redis_down_limits_fall_back_to_memory(settings: Settings, tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("needs a redis-server binary on PATH to stop Redis")
    server = RedisServer(tmp_path / "redis").start()
    try:
        limited = settings.changed(redis_url=server.url, rate_limit_default="3/minute")
        async with serving(limited) as (app, client):
            headers = bearer(app, await user_by_email(app, DEMO_TECHNICIAN_EMAIL))
            assert (await client.get(STATS, headers=headers)).status_code == 200
            server.stop()
            statuses = [(await client.get(STATS, headers=headers)).status_code for _ in range(5)]
            assert 500 not in statuses and statuses[0] == 200
            assert statuses[-1] == 429  # still limited, now counted in memory
    finally:
        server.stop()


def test_a_malformed_limit_stops_start_up_with_the_variable_named() -> None:
    with pytest.raises(SettingsError, match="RATE_LIMIT_LOGIN"):
        Settings.from_env({"RATE_LIMIT_LOGIN": "five per fortnight"})


async def test_the_429_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "429" in schema["paths"]["/auth/token"]["post"]["responses"]


def budget(limits: str, redis: Redis | None, *, prefix: str, clock: Callable[[], float] = still) -> ApiBudget:
    return ApiBudget(parse_many(limits), redis=redis, breaker=CircuitBreaker("redis"), prefix=prefix, timeout=1.0,
                     clock=clock)


async def test_processes_together_never_admit_more_than_the_limit(redis_server_url: str) -> None:
    """However two processes interleave one caller's requests, the caller gets exactly the limit, never more."""
    redis = Redis.from_url(redis_server_url)
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = budget("100/minute", redis, prefix=prefix), budget("100/minute", redis, prefix=prefix)
    rng = random.Random(5)
    admitted = 0
    for _ in range(300):
        admitted += await rng.choice((first, second)).spend("user:7") is None
    both_refuse = [await b.spend("user:7") for b in (first, second)]
    burst = await asyncio.gather(*(b.spend("user:8") for b in (first, second) for _ in range(150)))
    await redis.delete(*await redis.keys(f"{prefix}:*"))
    await redis.aclose()
    assert admitted == 100 and all(r is not None for r in both_refuse)
    assert sum(r is None for r in burst) == 100  # concurrent spends from both processes: the same bound


async def test_a_busy_caller_costs_one_redis_round_trip_per_lease(redis_server_url: str) -> None:
    redis = CountingRedis.from_url(redis_server_url)
    prefix = f"test-{uuid.uuid4().hex}"
    api = budget("1000000/minute", redis, prefix=prefix)
    for _ in range(2_000):
        assert await api.spend("user:9") is None
    round_trips = redis.evalsha_sent
    keys = await redis.keys(f"{prefix}:*")
    counted = [int(v) for v in await redis.mget(keys)]
    await redis.delete(*keys)
    await redis.aclose()
    assert round_trips <= 9 + 2_000 // LEASE_MAX + 1  # 1, 2, 4 ... 256, then 256 at a time
    assert 2_000 <= sum(counted) < 2_000 + LEASE_MAX  # every request counted; at most one lease unspent


async def test_a_window_reopens_when_its_period_ends() -> None:
    now = [43_200.0 + 30]  # half a minute past noon
    api = budget("2/minute", None, prefix="test", clock=lambda: now[0])
    assert await api.spend("ip:203.0.113.9") is None and await api.spend("ip:203.0.113.9") is None
    refused = await api.spend("ip:203.0.113.9")
    assert refused is not None and str(refused[0]) == "2 per 1 minute" and refused[1] == 30.0
    now[0] = 43_200.0 + 60
    assert await api.spend("ip:203.0.113.9") is None
