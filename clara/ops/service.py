"""Health: one small check per dependency, so `/health` tells an operator which part is down and why.

`/health` must answer within a second whatever a store does (a platform's health check gives up after a few
seconds and restarts an instance that is merely waiting on a hung database). So the stores are probed in tasks of
their own, each probe bounded by PROBE_TIMEOUT and never two at once per store: a request starts fresh probes,
waits at most ANSWER_WITHIN for them, and answers with the last known state of any that has not finished, saying
how old the oldest answer is. A background loop keeps the state recent when nobody asks.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, AsyncIterator, Awaitable, Callable, Literal, Mapping

from pydantic import Field

from clara.analytics import service as analytics_service
from clara.platform.resilience import CircuitBreaker
from clara.stores import Stores, postgres
from clara.stores import redis as redis_store

CheckState = Literal["ok", "disabled", "connecting", "fallback", "down"]
HealthSource = Callable[[], tuple[str, str]]
PROBE_TIMEOUT = 2.0  # a store slower than this to answer a trivial call is reported down
ANSWER_WITHIN = 0.5  # how long /health waits for fresh probes before answering from the last known state
PROBE_EVERY = 5.0  # background refresh while nobody asks


@dataclass(frozen=True)
class HealthCheck:
    """One dependency's state; `detail` (why, or where) is left out of the answer when there is none."""

    state: CheckState
    detail: Annotated[str, Field(exclude_if=lambda detail: not detail)] = ""


@dataclass(frozen=True)
class HealthReport:
    """`GET /health`'s answer."""

    status: Literal["ok", "degraded", "down"]
    checks: dict[str, HealthCheck]
    age_seconds: Annotated[float, Field(ge=0, description=(
        "Age of the oldest store answer shown: stores are probed in the background, and one that does not answer "
        "within half a second is shown as last known."))]


@dataclass
class Probe:
    """One store's last known state, refreshed by at most one probe at a time, in a task of its own."""

    check: Callable[[], Awaitable[HealthCheck]]
    last: HealthCheck = field(default_factory=lambda: HealthCheck("connecting", "not probed yet"))
    answered_at: float | None = None
    started_at: float = 0.0
    task: asyncio.Task[None] | None = None

    def refresh(self) -> asyncio.Task[None]:
        if self.task is None or self.task.done():
            self.started_at = time.monotonic()
            self.task = asyncio.create_task(self._probe(), name="health-probe")
        return self.task

    async def _probe(self) -> None:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                result = await self.check()
        except TimeoutError:
            result = HealthCheck("down", f"no answer within {PROBE_TIMEOUT:g} s")
        self.last, self.answered_at = result, time.monotonic()

    def state(self, now: float) -> tuple[HealthCheck, float]:
        """The last known state and its age. A probe still waiting past its timeout (a store that hangs even
        the cancelling of a call) is an answer in itself: down."""
        if self.task is not None and not self.task.done() and now - self.started_at > PROBE_TIMEOUT:
            return HealthCheck("down", f"no answer for {now - self.started_at:.0f} s"), 0.0
        return self.last, now - (self.answered_at if self.answered_at is not None else now)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()


async def check_postgres(stores: Stores) -> HealthCheck:
    try:
        await postgres.ping(stores.db)
    except Exception as exc:  # any failure means "down"; the reason is shown, not raised
        return HealthCheck("down", type(exc).__name__)
    return HealthCheck("ok")


async def check_redis(stores: Stores) -> HealthCheck:
    if stores.redis is None:
        return HealthCheck("disabled", "REDIS_URL unset: cache and rate limits are in-process")
    try:
        await redis_store.ping(stores.redis, timeout=max(stores.settings.redis_timeout_seconds * 4, 0.5))
    except Exception as exc:  # unreachable Redis only costs the shared cache layer; say so, never raise
        return HealthCheck("down", f"{type(exc).__name__}: cache serving from memory, rate limits counted in memory")
    if stores.breakers.get("redis").state != "closed":
        return HealthCheck("connecting", "Redis answers again; the cache resumes using it within seconds")
    return HealthCheck("ok")


async def check_chroma(stores: Stores) -> HealthCheck:
    """The vector index; without it knowledge search still answers, from Postgres full-text alone."""
    where = "server at CHROMA_URL" if stores.chroma.remote else "embedded under DATA_DIR"
    try:
        await stores.chroma.heartbeat()
    except Exception as exc:  # shown, never raised: search falls back to lexical matching
        return HealthCheck("down", f"{type(exc).__name__} ({where}): knowledge search is full-text only")
    return HealthCheck("ok", where)


def check_breaker(breaker: CircuitBreaker) -> HealthCheck:
    """An external dependency seen through its circuit breaker: open means callers take their fallback."""
    if breaker.state == "open":
        return HealthCheck("down", f"circuit open after {breaker.failures} failures ({breaker.last_error}); "
                                   "using fallback")
    if breaker.state == "half_open":
        return HealthCheck("connecting", "circuit half-open: a trial call is checking the dependency")
    return HealthCheck("ok")


def check_analytics(stores: Stores) -> HealthCheck:
    """The event buffer (waiting on the database?) and any tool flagged by the anomaly detector."""
    buffer = stores.analytics.buffer
    notes = [f"tool {a.tool} {a.kind}: {a.detail}" for a in analytics_service.anomalies(stores)]
    if buffer.dropped:
        notes.append(f"{buffer.dropped} events dropped")
    if not buffer.healthy:
        return HealthCheck("connecting", "; ".join([f"{buffer.depth} events waiting for the database", *notes]))
    return HealthCheck("ok", "; ".join(notes))


def check_source(source: HealthSource | None, missing: str) -> HealthCheck:
    """A component that reports itself as (state, detail): the agent worker, the LLM in use."""
    if source is None:
        return HealthCheck("disabled", missing)
    state, detail = source()
    return HealthCheck(state, detail)


class HealthMonitor:
    """The app's view of its dependencies: stores probed in the background, components asked directly."""

    def __init__(self, stores: Stores, sources: Mapping[str, HealthSource] | None = None) -> None:
        self._stores = stores
        self._sources = sources or {}  # components outside the stores that report their own state
        self.probes = {
            "postgres": Probe(lambda: check_postgres(stores)),
            "redis": Probe(lambda: check_redis(stores)),
            "chroma": Probe(lambda: check_chroma(stores)),
        }

    def refresh(self) -> list[asyncio.Task[None]]:
        return [probe.refresh() for probe in self.probes.values()]

    async def report(self) -> HealthReport:
        """Fresh when the stores answer within ANSWER_WITHIN, else their last known state; never slower."""
        await asyncio.wait(self.refresh(), timeout=ANSWER_WITHIN)  # the probes go on if this request ends
        now = time.monotonic()
        checks: dict[str, HealthCheck] = {}
        oldest = 0.0
        for name, probe in self.probes.items():
            checks[name], age = probe.state(now)
            oldest = max(oldest, age)
        database = self._stores.breakers.get("postgres")
        if database.state == "open":  # requests already fail fast: a probe still waiting cannot say otherwise
            checks["postgres"] = HealthCheck("down", f"circuit open after {database.failures} failures"
                                               f" ({database.last_error})")
        checks["analytics"] = check_analytics(self._stores)
        for name in ("agent_worker", "llm"):
            checks[name] = check_source(self._sources.get(name), "the agent runtime is not running")
        for name, breaker in self._stores.breakers.all().items():  # maps, gemini, ...: those without a check
            checks.setdefault(name, check_breaker(breaker))
        if checks["postgres"].state == "down":
            status = "down"
        elif any(check.state in ("down", "connecting") for check in checks.values()):
            status = "degraded"
        else:
            status = "ok"
        return HealthReport(status, checks, round(oldest, 1))

    async def run(self) -> None:
        while True:
            self.refresh()
            await asyncio.sleep(PROBE_EVERY)

    def stop(self) -> None:
        for probe in self.probes.values():
            probe.stop()


@asynccontextmanager
async def monitor_health(
    stores: Stores, sources: Mapping[str, HealthSource] | None = None
) -> AsyncIterator[HealthMonitor]:
    """A `HealthMonitor` probing in the background for as long as the app serves."""
    monitor = HealthMonitor(stores, sources)
    await asyncio.wait(monitor.refresh(), timeout=PROBE_TIMEOUT)  # the first answer is a real one
    loop = asyncio.create_task(monitor.run(), name="health-monitor")
    try:
        yield monitor
    finally:
        loop.cancel()
        monitor.stop()
