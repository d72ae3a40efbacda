from __future__ import annotations

import asyncio
import random
from typing import Callable

import httpx
import pytest
from starlette.applications import Starlette
from structlog.testing import capture_logs

from clara.platform import metrics
from clara.analytics import service
from clara.web.caller import CurrentUser
from clara.ops.demo_data import DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.conftest import bearer, running, user_by_email
from tests.servers import TcpProxy, proxied, upstream


async def count(app: Starlette, where: str = "TRUE") -> int:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(f"SELECT count(*) AS n FROM analytics_events WHERE {where}")
        row = await cur.fetchone()
    return row["n"]


async def learn(stores: object, user_id: int, routine: list[str], sessions: int) -> None:
    for s in range(sessions):
        for action in routine:
            await service.record(stores, type="tool_called", user_id=user_id, session_id=f"learn-{s}",
                                 properties={"name": action, "duration": 0.1, "ok": True})


async def test_record_returns_at_once_and_the_buffer_writes_later(app: Starlette, technician: CurrentUser) -> None:
    stores = app.state.stores
    event_id = await service.record(stores, type="job_status_changed", user_id=technician.id,
                                    properties={"job_id": 12, "from": "scheduled", "to": "en_route"})
    assert event_id is not None and stores.analytics.buffer.depth == 1
    assert await count(app) == 0
    await stores.analytics.buffer.flush()
    assert await count(app, f"id = '{event_id}' AND properties->>'to' = 'en_route'") == 1


async def test_record_never_raises_into_its_caller(app: Starlette) -> None:
    stores = app.state.stores
    with capture_logs() as logs:
        assert await service.record(stores, type="tool_called", properties={"name": "x"}) is None
    assert logs[0]["event"] == "analytics_event_invalid" and logs[0]["field"] == "properties.duration"
    assert stores.analytics.buffer.depth == 0


async def test_events_from_another_thread_are_written(app: Starlette, technician: CurrentUser) -> None:
    """Agent voice jobs run on their own thread and loop; they hand events to the same buffer."""
    stores = app.state.stores

    def job_thread() -> None:
        asyncio.run(service.record(stores, type="session_started", user_id=technician.id, session_id="room-1"))

    await asyncio.to_thread(job_thread)
    await stores.analytics.buffer.flush()
    assert await count(app, "session_id = 'room-1'") == 1


async def test_the_buffer_flushes_by_itself(app: Starlette) -> None:
    stores = app.state.stores
    await service.record(stores, type="knowledge_miss")
    for _ in range(100):  # the flush interval is one second
        if await count(app) == 1:
            break
        await asyncio.sleep(0.05)
    assert await count(app) == 1 and stores.analytics.buffer.depth == 0


async def test_offer_voices_a_confident_suggestion_once_per_topic(app: Starlette, technician: CurrentUser) -> None:
    stores = app.state.stores
    await learn(stores, technician.id, ["next_job", "get_customer", "equipment_spec"], sessions=5)
    await stores.analytics.buffer.flush()
    offered: set[str] = set()
    first = await service.offer(stores, user_id=technician.id, last_actions=["next_job"], offered=offered)
    assert first is not None and first.action == "get_customer" and offered == {"get_customer"}
    again = await service.offer(stores, user_id=technician.id, last_actions=["next_job"], offered=offered)
    assert again is None
    nothing_learned = await service.offer(stores, user_id=technician.id, last_actions=["log_deficiency"],
                                          offered=set())
    assert nothing_learned is None  # below PATTERN_MIN_CONFIDENCE: nothing stands out after an unseen action


async def test_pattern_settings_are_honoured(settings: Settings, technician_id: int) -> None:
    for overrides, expected in (({"pattern_learning_enabled": False}, []),
                                ({"pattern_min_confidence": 0.99}, [])):
        async with running(settings, **overrides) as application:
            stores = application.state.stores
            await learn(stores, technician_id, ["next_job", "get_job"], sessions=5)
            await stores.analytics.buffer.flush()
            found = await service.suggest(stores, user_id=technician_id, last_actions=["next_job"])
            assert found == expected, overrides


@pytest.fixture
async def technician_id(technician: CurrentUser) -> int:
    return technician.id


async def test_health_shows_a_tool_anomaly(client: httpx.AsyncClient) -> None:
    rng = random.Random(9)
    for _ in range(60):
        metrics.observe_tool("travel_time", 0.3 * rng.lognormvariate(0, 0.1), True)
    before = (await client.get("/health")).json()["checks"]["analytics"]
    assert before["state"] == "ok" and "travel_time" not in before.get("detail", "")
    for _ in range(5):
        metrics.observe_tool("travel_time", 6.0, True)
    after = (await client.get("/health")).json()["checks"]["analytics"]
    assert after["state"] == "ok" and "tool travel_time latency" in after["detail"]


async def test_a_full_journal_answers_503_and_the_client_keeps_its_events(settings: Settings) -> None:
    """While PostgreSQL is away events wait in the journal, up to ANALYTICS_BUFFER_MAX_EVENTS; then 503."""
    proxy = await TcpProxy(upstream(settings.database_url.get_secret_value())).start()
    through_proxy = proxied(settings.database_url.get_secret_value(), proxy.port)
    try:
        async with running(settings, database_url=through_proxy, analytics_buffer_max_events=3) as application:
            auth = bearer(application, await user_by_email(application, DEMO_TECHNICIAN_EMAIL))
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
                events = {"events": [{"type": "user_message"}] * 2}
                # in use before the outage: the token's user is known, and stands as last read while it lasts
                assert (await client.get("/clara-server/analytics/summary", headers=auth)).status_code == 200
                await proxy.cut()
                journalled = await client.post("/clara-server/analytics/events", headers=auth, json=events)
                assert journalled.status_code == 202
                full = await client.post("/clara-server/analytics/events", headers=auth, json=events)
                assert full.status_code == 503 and full.headers["retry-after"]
                assert full.json()["error"]["code"] == "analytics_busy"
                assert application.state.stores.analytics.buffer.dropped == 0  # refused, not lost: the client retries
                await proxy.restore()
                await eventually(lambda: application.state.stores.analytics.buffer.depth == 0)
                again = await client.post("/clara-server/analytics/events", headers=auth, json=events)
                assert again.status_code == 202
            await application.state.stores.analytics.buffer.flush()
            assert await count(application, "type = 'user_message'") == 4
    finally:
        await proxy.cut()


async def eventually(condition: Callable[[], bool], timeout: float = 30) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_own_events_beyond_the_bound_are_dropped_and_counted(settings: Settings) -> None:
    def dropped_total() -> float:
        return metrics.REGISTRY.get_sample_value("clara_analytics_events_dropped_total") or 0.0

    async with running(settings, analytics_buffer_max_events=2) as application:
        stores = application.state.stores
        before = dropped_total()
        ids = [await service.record(stores, type="knowledge_miss") for _ in range(3)]
        assert all(ids) and stores.analytics.buffer.dropped == 1 and dropped_total() == before + 1
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
            health = (await client.get("/health")).json()
        assert "1 events dropped" in health["checks"]["analytics"]["detail"]


async def test_everyones_habits_are_refreshed_in_the_background(app: Starlette, technician: CurrentUser,
                                                                 other_technician: CurrentUser) -> None:
    stores = app.state.stores
    await learn(stores, other_technician.id, ["next_job", "travel_time"], sessions=5)
    await stores.analytics.buffer.flush()
    first = await service.suggest(stores, user_id=technician.id, last_actions=["next_job"])
    assert first[0].action == "travel_time" and first[0].basis == "everyone"
    await learn(stores, other_technician.id, ["next_job", "get_customer"], sessions=20)
    await stores.analytics.buffer.flush()
    stores.analytics.prior.expires = 0.0  # as if PRIOR_TTL had passed
    stale = await service.suggest(stores, user_id=technician.id, last_actions=["next_job"])
    assert stale == first  # served at once from the old counts...
    assert stores.analytics.prior.refresh is not None
    await stores.analytics.prior.refresh  # ...while they reload
    fresh = await service.suggest(stores, user_id=technician.id, last_actions=["next_job"])
    assert fresh[0].action == "get_customer"
