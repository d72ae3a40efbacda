"""Health: one small check per dependency, so `/health` tells an operator which part is down and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Mapping

from clara.analytics import service as analytics_service
from clara.resilience import CircuitBreaker
from clara.stores import Stores, postgres
from clara.stores import redis as redis_store

STATES = ("ok", "disabled", "connecting", "fallback", "down")
HealthSource = Callable[[], tuple[str, str]]


@dataclass(frozen=True)
class Check:
    state: str
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class HealthReport:
    status: str  # ok | degraded | down
    checks: dict[str, Check]


async def check_postgres(stores: Stores) -> Check:
    try:
        await postgres.ping(stores.db)
    except Exception as exc:  # any failure means "down"; the reason is shown, not raised
        return Check("down", type(exc).__name__)
    return Check("ok")


async def check_redis(stores: Stores) -> Check:
    if stores.redis is None:
        return Check("disabled", "REDIS_URL unset: cache and rate limits are in-process")
    try:
        await redis_store.ping(stores.redis, timeout=max(stores.settings.redis_timeout_seconds * 4, 0.5))
    except Exception as exc:  # unreachable Redis only costs the shared cache layer; say so, never raise
        return Check("down", f"{type(exc).__name__}: cache serving from memory, rate limits counted in memory")
    if stores.breakers.get("redis").state != "closed":
        return Check("connecting", "Redis answers again; the cache resumes using it within seconds")
    return Check("ok")


async def check_chroma(stores: Stores) -> Check:
    """The vector index; without it knowledge search still answers, from Postgres full-text alone."""
    where = "server at CHROMA_URL" if stores.chroma.remote else "embedded under DATA_DIR"
    try:
        await stores.chroma.heartbeat()
    except Exception as exc:  # shown, never raised: search falls back to lexical matching
        return Check("down", f"{type(exc).__name__} ({where}): knowledge search is full-text only")
    return Check("ok", where)


def check_breaker(breaker: CircuitBreaker) -> Check:
    """An external dependency seen through its circuit breaker: open means callers take their fallback."""
    if breaker.state == "open":
        return Check("down", f"circuit open after {breaker.failures} failures ({breaker.last_error}); using fallback")
    if breaker.state == "half_open":
        return Check("connecting", "circuit half-open: a trial call is checking the dependency")
    return Check("ok")


def check_analytics(stores: Stores) -> Check:
    """The event buffer (waiting on the database?) and any tool flagged by the anomaly detector."""
    buffer = stores.analytics.buffer
    notes = [f"tool {a.tool} {a.kind}: {a.detail}" for a in analytics_service.anomalies(stores)]
    if buffer.dropped:
        notes.append(f"{buffer.dropped} events dropped")
    if not buffer.healthy:
        return Check("connecting", "; ".join([f"{buffer.depth} events waiting for the database", *notes]))
    return Check("ok", "; ".join(notes))


def check_source(source: HealthSource | None, missing: str) -> Check:
    """A component that reports itself as (state, detail): the agent worker, the LLM in use."""
    if source is None:
        return Check("disabled", missing)
    state, detail = source()
    return Check(state, detail)


async def health(stores: Stores, sources: Mapping[str, HealthSource] | None = None) -> HealthReport:
    """`sources`: components outside the stores that report their own state (the app's agent runtime)."""
    checks = {"postgres": await check_postgres(stores)}
    checks["redis"] = await check_redis(stores)
    checks["chroma"] = await check_chroma(stores)
    checks["analytics"] = check_analytics(stores)
    for name in ("agent_worker", "llm"):
        checks[name] = check_source((sources or {}).get(name), "the agent runtime is not running")
    for name, breaker in stores.breakers.all().items():  # maps, gemini, ...: those without a check of their own
        checks.setdefault(name, check_breaker(breaker))
    if checks["postgres"].state == "down":
        status = "down"
    elif any(check.state in ("down", "connecting") for check in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return HealthReport(status, checks)
