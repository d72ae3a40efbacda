from __future__ import annotations

import asyncio
import random
import time
from typing import Awaitable, Callable

import httpx
import pytest
from psycopg.conninfo import conninfo_to_dict
from starlette.applications import Starlette

from clara.platform.resilience import BREAKER_DEFAULTS, Breakers, CircuitBreaker, CircuitOpen, Retry, call
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.conftest import running
from tests.servers import TcpProxy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Flaky:
    """An operation that fails `failures` times with `error`, then answers."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or ConnectionError("refused")
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "answer"


async def fail() -> None:
    raise ConnectionError("down")


async def succeed() -> str:
    return "ok"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("maps", failure_threshold=3, reset_timeout=5.0, clock=clock)


async def trip(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.failure_threshold):
        with pytest.raises(ConnectionError):
            await call(fail, breaker=breaker)


async def test_breaker_opens_after_the_threshold_and_then_fails_fast(breaker: CircuitBreaker) -> None:
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await call(fail, breaker=breaker)
    assert breaker.state == "closed"
    with pytest.raises(ConnectionError):
        await call(fail, breaker=breaker)
    assert breaker.state == "open" and breaker.last_error == "ConnectionError"

    never_called = Flaky(0)
    with pytest.raises(CircuitOpen) as refused:
        await call(never_called, breaker=breaker)
    assert never_called.calls == 0
    assert refused.value.name == "maps" and 0 < refused.value.retry_in <= 5.0


async def test_a_success_resets_the_failure_count(breaker: CircuitBreaker) -> None:
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await call(fail, breaker=breaker)
    assert await call(succeed, breaker=breaker) == "ok"
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await call(fail, breaker=breaker)
    assert breaker.state == "closed"


async def test_half_open_lets_one_trial_through_and_a_success_closes(breaker: CircuitBreaker, clock: Clock) -> None:
    await trip(breaker)
    clock.now += 5.0
    gate = asyncio.Event()

    async def slow_trial() -> str:
        await gate.wait()
        return "back"

    trial = asyncio.create_task(call(slow_trial, breaker=breaker))
    await asyncio.sleep(0)
    assert breaker.state == "half_open"
    with pytest.raises(CircuitOpen):  # a second caller during the trial still fails fast
        await call(succeed, breaker=breaker)
    gate.set()
    assert await trial == "back"
    assert breaker.state == "closed" and breaker.failures == 0
    assert await call(succeed, breaker=breaker) == "ok"


async def test_a_failed_trial_opens_the_circuit_again(breaker: CircuitBreaker, clock: Clock) -> None:
    await trip(breaker)
    clock.now += 5.0
    with pytest.raises(ConnectionError):
        await call(fail, breaker=breaker)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen):
        await call(succeed, breaker=breaker)
    clock.now += 5.0
    assert await call(succeed, breaker=breaker) == "ok"
    assert breaker.state == "closed"


async def test_a_cancelled_trial_lets_the_next_caller_try(breaker: CircuitBreaker, clock: Clock) -> None:
    await trip(breaker)
    clock.now += 5.0
    trial = asyncio.create_task(call(asyncio.Event().wait, breaker=breaker))
    await asyncio.sleep(0)
    trial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await trial
    assert await call(succeed, breaker=breaker) == "ok"
    assert breaker.state == "closed"


async def test_errors_that_are_not_failures_leave_the_circuit_closed(breaker: CircuitBreaker) -> None:
    bad_request = ValueError("400: origin is malformed")
    for _ in range(5):
        with pytest.raises(ValueError):
            await call(Flaky(1, bad_request), breaker=breaker, is_failure=lambda exc: not isinstance(exc, ValueError))
    assert breaker.state == "closed" and breaker.failures == 0


async def test_a_timeout_stops_a_hung_call_and_counts_as_a_failure(breaker: CircuitBreaker) -> None:
    with pytest.raises(TimeoutError):
        await call(asyncio.Event().wait, breaker=breaker, timeout=0.01)
    assert breaker.failures == 1 and breaker.last_error == "TimeoutError"


async def test_retry_recovers_from_transient_failures() -> None:
    flaky = Flaky(2)
    assert await call(flaky, retry=Retry(attempts=3, base_delay=0.001)) == "answer"
    assert flaky.calls == 3


async def test_retry_gives_up_after_its_attempts_with_the_last_error() -> None:
    flaky = Flaky(10)
    with pytest.raises(ConnectionError):
        await call(flaky, retry=Retry(attempts=3, base_delay=0.001))
    assert flaky.calls == 3


async def test_without_a_retry_policy_a_call_runs_once() -> None:
    """Non-idempotent calls (writes) pass no policy: a write that may have landed is never repeated."""
    flaky = Flaky(1)
    with pytest.raises(ConnectionError):
        await call(flaky)
    assert flaky.calls == 1


async def test_retry_only_retries_what_retry_on_allows() -> None:
    flaky = Flaky(1, PermissionError("403: key rejected"))
    policy = Retry(attempts=5, base_delay=0.001, retry_on=lambda exc: isinstance(exc, ConnectionError))
    with pytest.raises(PermissionError):
        await call(flaky, retry=policy)
    assert flaky.calls == 1


async def test_retries_stop_once_the_breaker_opens(breaker: CircuitBreaker) -> None:
    flaky = Flaky(10)
    with pytest.raises(CircuitOpen):
        await call(flaky, breaker=breaker, retry=Retry(attempts=10, base_delay=0.001))
    assert flaky.calls == breaker.failure_threshold


def test_backoff_grows_exponentially_with_full_jitter() -> None:
    policy = Retry(attempts=8, base_delay=0.1, max_delay=2.0)
    runs = [list(policy.delays(random.Random(seed))) for seed in range(50)]
    assert all(len(delays) == 7 for delays in runs)
    caps = [min(2.0, 0.1 * 2**n) for n in range(7)]
    assert all(0.0 <= d <= cap for delays in runs for d, cap in zip(delays, caps))
    # jitter: the same attempt waits differently across clients, so they do not retry in lockstep
    assert len({round(delays[3], 6) for delays in runs}) == 50
    # exponential: later attempts wait longer on average, up to the cap
    means = [sum(delays[n] for delays in runs) / len(runs) for n in range(7)]
    assert means[0] < means[2] < means[4]


def test_each_app_has_its_own_breakers_with_per_dependency_defaults() -> None:
    first, second = Breakers(), Breakers()
    assert first.get("redis") is first.get("redis")
    assert first.get("redis") is not second.get("redis")
    threshold, reset = BREAKER_DEFAULTS["maps"]
    maps = first.get("maps")
    assert (maps.failure_threshold, maps.reset_timeout) == (threshold, reset)
    assert set(first.all()) == {"redis", "maps"}


async def test_health_shows_each_breaker(client: httpx.AsyncClient, app: Starlette) -> None:
    breakers: Breakers = app.state.stores.breakers
    maps = breakers.get("maps")
    healthy = (await client.get("/health")).json()
    assert healthy["checks"]["maps"] == {"state": "ok"}

    for _ in range(maps.failure_threshold):
        maps.record_failure(TimeoutError())
    body = (await client.get("/health")).json()
    assert body["status"] == "degraded"
    assert body["checks"]["maps"]["state"] == "down"
    assert "circuit open" in body["checks"]["maps"]["detail"] and "TimeoutError" in body["checks"]["maps"]["detail"]

    maps.opened_at -= maps.reset_timeout
    assert maps.allow()
    assert (await client.get("/health")).json()["checks"]["maps"]["state"] == "connecting"
    maps.record_success()
    assert (await client.get("/health")).json()["checks"]["maps"] == {"state": "ok"}


async def test_postgres_down_answers_503_and_recovers_by_itself(settings: Settings) -> None:
    """The database host dies (a proxy in front of the real server is cut) and comes back: no restart needed."""
    info = conninfo_to_dict(settings.database_url.get_secret_value())
    host, port = str(info.get("host") or "127.0.0.1"), int(info.get("port") or 5432)
    proxy = await TcpProxy(f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)).start()
    password = f":{info['password']}" if info.get("password") else ""
    proxied = settings.changed(
        database_url=f"postgresql://{info.get('user', 'postgres')}{password}@127.0.0.1:{proxy.port}/{info['dbname']}"
    )
    credentials = {"email": DEMO_TECHNICIAN_EMAIL, "password": DEMO_PASSWORD}
    try:
        async with running(proxied) as app:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
                assert (await client.post("/auth/token", json=credentials)).status_code == 200

                await proxy.cut()
                down = await client.post("/auth/token", json=credentials)
                assert down.status_code == 503
                assert down.json()["error"]["code"] == "database_unavailable" and down.headers["retry-after"]
                health = await client.get("/health")
                assert health.status_code == 503 and health.json()["status"] == "down"
                # The first 503 waited out the pool's 5 s; while the breaker is open the next ones answer at once.
                started = time.monotonic()
                assert (await client.post("/auth/token", json=credentials)).status_code == 503
                assert time.monotonic() - started < 2.5 and app.state.stores.breakers.get("postgres").state == "open"

                await proxy.restore()

                async def logs_in_again() -> bool:
                    return (await client.post("/auth/token", json=credentials)).status_code == 200

                await asyncio.wait_for(_until(logs_in_again), 15)
                assert (await client.get("/health")).json()["checks"]["postgres"] == {"state": "ok"}
    finally:
        await proxy.cut()


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    while not await condition():
        await asyncio.sleep(0.1)
