"""The analytics pieces that live as long as the app: the event buffer, the anomaly detector, the pattern prior.

Opened with the other stores (`stores.analytics`), so every service call, route and agent tool reaches the same
buffer, and closed after the app stops serving: the last events are written (or journalled under DATA_DIR)
before the pool closes.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator

from clara.platform import metrics
from clara.analytics import anomalies, buffer, patterns, storage
from clara.analytics.journal import Journal, journal_dir
from clara.analytics.events import context_session_id, new_event
from clara.platform.logging import get_logger
from clara.settings import Settings
from clara.stores import postgres

log = get_logger(__name__)


@dataclass
class PriorCache:
    """Everyone's n-gram counts, reused for a few minutes: they move slowly and cost a scan to build."""

    expires: float = 0.0
    value: patterns.Counts | None = None
    refresh: asyncio.Task[None] | None = None


@dataclass
class Analytics:
    db: postgres.Pool  # where events live: the main database, or TIMESCALE_URL's
    buffer: buffer.EventBuffer
    detector: anomalies.ToolAnomalyDetector
    prior: PriorCache = field(default_factory=PriorCache)


@asynccontextmanager
async def open_analytics(settings: Settings, main_db: postgres.Pool) -> AsyncIterator[Analytics]:
    async with storage.events_database(
            main_db, settings.timescale_url.get_secret_value() if settings.timescale_url else None) as db:
        events = buffer.EventBuffer(
            db,
            Journal(journal_dir(settings.data_dir)),
            max_events=settings.analytics_buffer_max_events,
            flush_interval=settings.analytics_flush_interval_seconds,
        )
        detector = anomalies.ToolAnomalyDetector()
        unsubscribe = [
            metrics.subscribe("tool", detector.observe),
            metrics.subscribe("cache", lambda layer, hit: events.tally("cache_hit" if hit else "cache_miss",
                                                                       (("layer", layer),), context_session_id())),
            metrics.subscribe("llm_fallback", lambda reason: _put(events, "llm_fallback_used", {"reason": reason})),
        ]
        await events.start()
        log.info("analytics_started", storage="timescaledb" if await storage.uses_timescale(db) else "partitions",
                 database="timescale_url" if db is not main_db else "main")
        analytics = Analytics(db=db, buffer=events, detector=detector)
        try:
            yield analytics
        finally:
            for stop in unsubscribe:
                stop()
            if analytics.prior.refresh is not None:
                await analytics.prior.refresh
            await events.close()


def _put(events: buffer.EventBuffer, type: str, properties: dict[str, object]) -> None:
    """LLM-fallback observations become events too (the layers that make them hold no `Stores`); cache look-ups,
    one or more per request, are tallied instead."""
    events.put(new_event(type=type, user_id=None, session_id=context_session_id(), properties=properties))
