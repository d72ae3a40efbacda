"""Clara records its own events: through the services other domains call, and from the metrics stream."""

from __future__ import annotations

from typing import Any

import structlog
from starlette.applications import Starlette

from clara.platform import metrics
from clara.analytics import service as analytics
from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from clara.users import service as users


async def events(app: Starlette, type: str) -> list[dict[str, Any]]:
    await app.state.stores.analytics.buffer.flush()
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT * FROM analytics_events WHERE type = %s ORDER BY occurred_at", (type,))
        return await cur.fetchall()


async def a_job_of(app: Starlette, technician: CurrentUser) -> dict[str, Any]:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, status FROM jobs WHERE technician_id = %s AND status = 'scheduled'"
                                 " ORDER BY scheduled_start LIMIT 1", (technician.id,))
        job = await cur.fetchone()
    assert job is not None
    return job


async def test_job_status_changes_and_deficiencies_are_recorded(app: Starlette, technician: CurrentUser) -> None:
    stores = app.state.stores
    job = await a_job_of(app, technician)
    with structlog.contextvars.bound_contextvars(session_id="conv-77"):
        await jobs.update_job(stores, actor=technician, job_id=job["id"], status="en_route")
        await jobs.update_job(stores, actor=technician, job_id=job["id"], notes="gate code 4411")  # no status change
        deficiency = await jobs.log_deficiency(stores, actor=technician, job_id=job["id"], severity="deficient",
                                               description="Corroded sprinkler head in the loading dock")
    [changed] = await events(app, "job_status_changed")
    assert changed["user_id"] == technician.id and changed["session_id"] == "conv-77"
    assert changed["properties"] == {"job_id": job["id"], "from": "scheduled", "to": "en_route"}
    [logged] = await events(app, "deficiency_logged")
    assert logged["properties"]["deficiency_id"] == deficiency.id and logged["properties"]["severity"] == "deficient"


async def test_preference_changes_are_recorded(app: Starlette, technician: CurrentUser) -> None:
    await users.update_preferences(app.state.stores, actor=technician, user_id=technician.id, units="metric",
                                   verbosity="brief")
    [changed] = await events(app, "preference_changed")
    assert changed["user_id"] == technician.id and changed["properties"] == {"fields": ["units", "verbosity"]}


async def test_cache_and_llm_fallback_observations_become_events(app: Starlette, dispatcher: CurrentUser) -> None:
    with structlog.contextvars.bound_contextvars(session_id="conv-9"):
        for _ in range(3):
            metrics.cache_hit("l1")
        metrics.cache_miss("l2")
        metrics.llm_fallback("timeout")
    metrics.cache_hit("l1")  # outside the session: an event of its own
    [hit] = [e for e in await events(app, "cache_hit") if e["session_id"] == "conv-9"]
    [miss] = [e for e in await events(app, "cache_miss") if e["session_id"] == "conv-9"]
    assert hit["properties"] == {"layer": "l1", "count": 3} and miss["properties"] == {"layer": "l2", "count": 1}
    [fallback] = await events(app, "llm_fallback_used")
    assert fallback["properties"] == {"reason": "timeout"} and fallback["session_id"] == "conv-9"
    rows = await events(app, "cache_hit")
    summary = await analytics.summary(app.state.stores, actor=dispatcher)
    assert summary.events["cache_hit"] == sum(e["properties"]["count"] for e in rows) > len(rows)  # occurrences


async def test_a_knowledge_search_is_recorded(app: Starlette) -> None:
    from clara.knowledge import service as knowledge

    hits = await knowledge.search(app.state.stores, query="quarterly alarm valve inspection", k=3)
    [searched] = await events(app, "knowledge_search")
    assert searched["properties"]["hits"] == len(hits) > 0
    assert searched["properties"]["top_score"] == hits[0].score


async def test_record_takes_the_session_from_the_log_context(app: Starlette) -> None:
    with structlog.contextvars.bound_contextvars(session_id="room-job-12"):
        await analytics.record(app.state.stores, type="user_message", user_id=1)
    [message] = await events(app, "user_message")
    assert message["session_id"] == "room-job-12"
