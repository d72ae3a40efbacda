"""Health: one small check per dependency, so `/health` tells an operator which part is down and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from clara.analytics import service as analytics_service
from clara.stores import Stores, postgres

STATES = ("ok", "disabled", "connecting", "fallback", "down")


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


def check_analytics(stores: Stores) -> Check:
    """The event buffer (waiting on the database?) and any tool flagged by the anomaly detector."""
    buffer = stores.analytics.buffer
    notes = [f"tool {a.tool} {a.kind}: {a.detail}" for a in analytics_service.anomalies(stores)]
    if buffer.dropped:
        notes.append(f"{buffer.dropped} events dropped")
    if not buffer.healthy:
        return Check("connecting", "; ".join([f"{buffer.depth} events waiting for the database", *notes]))
    return Check("ok", "; ".join(notes))


async def health(stores: Stores) -> HealthReport:
    checks = {"postgres": await check_postgres(stores)}
    checks["analytics"] = check_analytics(stores)
    if checks["postgres"].state == "down":
        status = "down"
    elif any(check.state in ("down", "connecting") for check in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return HealthReport(status, checks)
