"""Analytics: record events (durably for clients), summarise them, and suggest a technician's next action.

Who sees what: dispatchers and admins see everyone's events (or one technician's, with `user_id`); a technician
sees only their own. Events carry the user id of the token that sent them, never one named in the body.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Mapping, Sequence

from psycopg import sql

from clara.analytics import patterns
from clara.analytics.anomalies import Anomaly
from clara.analytics.buffer import NotAccepted
from clara.analytics.events import MAX_BATCH, Event, context_session_id, new_event, parse_event
from clara.analytics.properties import COUNTED_TYPES
from clara.web.caller import CurrentUser, authorize
from clara.crm.models import Timestamp
from clara.web.errors import ApiError, validation_error
from clara.platform.logging import get_logger
from clara.stores import Stores, postgres

log = get_logger(__name__)

DEFAULT_WINDOW = timedelta(days=7)
PRIOR_TTL = 300.0  # seconds everyone's pattern counts are reused


@dataclass(frozen=True)
class InvalidEvent:
    index: int
    field: str | None
    message: str


class InvalidEvents(Exception):
    """A batch with invalid events: none of it is accepted, and each problem is reported by index."""

    def __init__(self, problems: list[InvalidEvent]) -> None:
        super().__init__(f"{len(problems)} invalid event(s)")
        self.problems = problems


async def record(
    stores: Stores, *, type: str, user_id: int | None = None, session_id: str | None = None,
    properties: Mapping[str, Any] | None = None, timestamp: datetime | None = None, event_id: str | None = None,
) -> str | None:
    """Queue one event and return its id at once; for Clara's own code (agent, services).

    `session_id` defaults to the one bound to the log context (`structlog.contextvars`), so a service called by an
    agent tool ties its events to the conversation without being told.

    Analytics must never break the action it describes: an event that fails validation is logged and skipped
    (returns None) instead of raising into, say, a job update.
    """
    try:
        event = new_event(type=type, user_id=user_id, session_id=session_id or context_session_id(),
                          properties=properties, timestamp=timestamp, event_id=event_id)
    except ApiError as exc:
        log.error("analytics_event_invalid", type=type, field=exc.field, message=exc.message)
        return None
    stores.analytics.buffer.put(event)
    return str(event.id)


async def accept(stores: Stores, *, actor: CurrentUser, items: Sequence[Any]) -> list[str]:
    """Validate and store events sent by a client: all of them or none; ids in the order given.

    Returns once the events are durable (committed to PostgreSQL, or fsync'd to the local journal while it is
    slow or down), so a 202 survives a crash of this process right after it is sent.
    """
    if not items:
        raise validation_error("events", "events must hold at least one event")
    if len(items) > MAX_BATCH:
        raise ApiError(413, "payload_too_large", f"a batch holds at most {MAX_BATCH} events, got {len(items)}",
                       "events")
    now = datetime.now(timezone.utc)
    events: list[Event] = []
    problems: list[InvalidEvent] = []
    for index, item in enumerate(items):
        try:
            events.append(parse_event(item, user_id=actor.id, now=now))
        except ApiError as exc:
            problems.append(InvalidEvent(index, exc.field, exc.message))
    if problems:
        raise InvalidEvents(problems)
    try:
        await stores.analytics.buffer.write(events)
    except NotAccepted as exc:
        log.warning("analytics_events_refused", count=len(events), reason=str(exc))
        raise ApiError(503, "analytics_busy", "analytics is catching up; retry shortly",
                       headers={"Retry-After": "5"}) from None
    return [str(e.id) for e in events]


@dataclass(frozen=True)
class ToolStats:
    name: str
    calls: int
    failures: int
    success_rate: float
    p50_seconds: float | None
    p95_seconds: float | None


@dataclass(frozen=True)
class AnalyticsSummary:
    """`GET /clara-server/analytics/summary`'s answer: event counts per type, and per-tool call statistics."""

    since: Timestamp
    until: Timestamp
    user_id: int | None  # whose events; None: everyone's
    total: int
    events: dict[str, int]
    tools: list[ToolStats]


# An event of a counted type stands for `count` occurrences (validated as an integer >= 1 on the way in).
_COUNTS = """
SELECT type, sum(CASE WHEN type = ANY(%(counted)s) THEN coalesce((properties->>'count')::bigint, 1) ELSE 1 END)::bigint
       AS n
FROM analytics_events WHERE {where} GROUP BY type ORDER BY type
"""
_TOOLS = """
SELECT name, count(*) AS calls, count(*) FILTER (WHERE NOT ok) AS failures,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY duration) AS p  -- one sort for both
FROM (
    SELECT properties->>'name' AS name,
           coalesce(properties->'ok' = 'true'::jsonb, false) AS ok,
           CASE WHEN jsonb_typeof(properties->'duration') = 'number'
                THEN (properties->>'duration')::float8 END AS duration
    FROM analytics_events WHERE type = 'tool_called' AND {where}
) AS calls
GROUP BY name ORDER BY name
"""


async def summary(
    stores: Stores, *, actor: CurrentUser, since: datetime | None = None, until: datetime | None = None,
    user_id: int | None = None,
) -> AnalyticsSummary:
    """Counts per event type and per-tool call statistics over [since, until), computed in SQL."""
    until = until or datetime.now(timezone.utc)
    since = since or until - DEFAULT_WINDOW
    if since >= until:
        raise validation_error("since", "since must be before until")
    if not actor.is_staff:
        authorize(actor, user_id if user_id is not None else actor.id)
        user_id = actor.id
    await stores.analytics.buffer.flush()  # read what was accepted, not only what the last flush wrote
    return await summarize(stores.analytics.db, since=since, until=until, user_id=user_id)


async def summarize(pool: postgres.Pool, *, since: datetime, until: datetime, user_id: int | None) -> AnalyticsSummary:
    """The summary's two queries, no scoping: `summary` decides whose events a caller may see."""
    conditions = [sql.SQL("occurred_at >= %(since)s AND occurred_at < %(until)s")]
    if user_id is not None:
        conditions.append(sql.SQL("user_id = %(user_id)s"))
    where = sql.SQL(" AND ").join(conditions)
    params = {"since": since, "until": until, "user_id": user_id, "counted": list(COUNTED_TYPES)}
    async with postgres.transaction(pool) as conn:
        await conn.execute("SET LOCAL jit = off")  # compiling costs more than it saves on these short scans
        cur = await conn.execute(sql.SQL(_COUNTS).format(where=where), params)
        counts = {row["type"]: row["n"] for row in await cur.fetchall()}
        cur = await conn.execute(sql.SQL(_TOOLS).format(where=where), params)
        tools = [
            ToolStats(
                name=row["name"] or "",
                calls=row["calls"],
                failures=row["failures"],
                success_rate=round((row["calls"] - row["failures"]) / row["calls"], 4),
                p50_seconds=_seconds(row["p"][0] if row["p"] else None),
                p95_seconds=_seconds(row["p"][1] if row["p"] else None),
            )
            for row in await cur.fetchall()
        ]
    return AnalyticsSummary(since, until, user_id, sum(counts.values()), counts, tools)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


async def suggest(
    stores: Stores, *, user_id: int, last_actions: Sequence[str], limit: int = 3,
    personal: Awaitable[patterns.Counts] | None = None,
) -> list[patterns.Suggestion]:
    """Likely next actions for `user_id` after `last_actions` (oldest first), at or above PATTERN_MIN_CONFIDENCE.

    Empty when PATTERN_LEARNING_ENABLED is off. For the agent: see `offer` for offering at most once per topic.
    `personal` is the technician's counts already being read (`personal_counts`), else they are read now.
    """
    settings = stores.settings
    if not settings.pattern_learning_enabled:
        return []
    personal_counts = await (personal or patterns.load_counts(stores.analytics.db, user_id=user_id))
    everyone = await _everyone(stores)
    ranked = patterns.rank(personal_counts, everyone, last_actions, limit=limit)
    return [s for s in ranked if s.confidence >= settings.pattern_min_confidence]


async def offer(
    stores: Stores, *, user_id: int, last_actions: Sequence[str], offered: set[str],
    personal: Awaitable[patterns.Counts] | None = None,
) -> patterns.Suggestion | None:
    """The suggestion the agent may voice now, or None: the top one, if confident enough and not offered before.

    `offered` is the session's set of topics already offered; the returned suggestion's topic is added to it, so
    a technician hears each suggestion at most once per session.
    """
    ranked = await suggest(stores, user_id=user_id, last_actions=last_actions, limit=1, personal=personal)
    if not ranked or ranked[0].action in offered:
        return None
    offered.add(ranked[0].action)
    return ranked[0]


def personal_counts(stores: Stores, *, user_id: int) -> asyncio.Future[patterns.Counts] | None:
    """Start reading the technician's counts now, for an `offer` to come (None when pattern learning is off).

    A tool's suggestion is weighed after its work, so the read used to wait for the work and add a round trip to
    every turn that offers; started with the work, it runs while the work waits on its own reads. An unused read
    simply finishes: cancelling a query mid-flight would cost the pool its connection.
    """
    if not stores.settings.pattern_learning_enabled:
        return None
    read = asyncio.ensure_future(patterns.load_counts(stores.analytics.db, user_id=user_id))
    read.add_done_callback(lambda done: done.cancelled() or done.exception())  # a failure is the offer's to report
    return read


@dataclass(frozen=True)
class SessionSuggestions:
    """`GET /clara-server/patterns/suggestions`'s answer."""

    session_id: str | None
    user_id: int
    last_actions: list[str]
    enabled: bool
    min_confidence: float
    suggestions: list[patterns.Suggestion]


async def session_suggestions(
    stores: Stores, *, actor: CurrentUser, session_id: str | None, limit: int = 3,
) -> SessionSuggestions:
    """Suggestions for the next action in `session_id` (its owner's habits), or for a new session when None."""
    owner, last_actions = actor.id, []
    if session_id is not None:
        owner, last_actions = await _session_actions(stores, actor_id=actor.id, session_id=session_id)
        authorize(actor, owner, field="session_id")
    found = await suggest(stores, user_id=owner, last_actions=last_actions, limit=limit)
    settings = stores.settings
    return SessionSuggestions(session_id, owner, last_actions, settings.pattern_learning_enabled,
                              settings.pattern_min_confidence, found)


async def _session_actions(stores: Stores, *, actor_id: int, session_id: str) -> tuple[int, list[str]]:
    await stores.analytics.buffer.flush()
    async with stores.analytics.db.connection() as conn:
        cur = await conn.execute(
            "SELECT user_id, type, properties->>'name' AS name FROM analytics_events"
            " WHERE session_id = %s AND user_id IS NOT NULL ORDER BY occurred_at, received_at",
            (session_id,),
        )
        rows = await cur.fetchall()
    if not rows:
        raise ApiError(404, "not_found", "no events for that session", "session_id")
    owners = {r["user_id"] for r in rows}
    owner = actor_id if actor_id in owners else rows[-1]["user_id"]
    actions = [r["name"] for r in rows if r["type"] == "tool_called" and r["user_id"] == owner and r["name"]]
    return owner, actions[-2:]


async def _everyone(stores: Stores) -> patterns.Counts:
    """Everyone's counts; once loaded, an expired copy is served while a background task reloads it, so only the
    very first suggestion waits for the scan."""
    cache = stores.analytics.prior

    async def reload() -> patterns.Counts:
        cache.value = await patterns.load_counts(stores.analytics.db, user_id=None)
        cache.expires = time.monotonic() + PRIOR_TTL
        return cache.value

    async def refresh() -> None:
        try:
            await reload()
        except Exception as exc:  # the stale counts keep serving; the next suggestion tries again
            log.warning("pattern_prior_refresh_failed", error=type(exc).__name__)

    if cache.value is None:
        return await reload()
    if time.monotonic() >= cache.expires and (cache.refresh is None or cache.refresh.done()):
        cache.refresh = asyncio.create_task(refresh(), name="analytics-prior-refresh")
    return cache.value


def anomalies(stores: Stores) -> list[Anomaly]:
    """Tools whose latency or failure rate currently departs from their own baseline."""
    return stores.analytics.detector.flags()
