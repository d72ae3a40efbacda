"""Occurrences of Clara's own frequent events, counted instead of built one by one (a cache hit per request): one
dictionary increment each, written later as one event per (type, session, properties) whose `count` property says
how many it stands for (`clara.analytics.buffer` writes them with its next group commit)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from clara.analytics.events import Event, new_event

Properties = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class _Tally:
    count: int
    first: datetime  # when the first occurrence was counted: the event's time


class Tallies:
    """Counters safe from any thread (agent jobs count on their own threads)."""

    def __init__(self) -> None:
        self._counted: dict[tuple[str, str | None, Properties], _Tally] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """The events the counters will become: one per distinct (type, session, properties)."""
        return len(self._counted)

    def count(self, type: str, properties: Properties, session_id: str | None) -> None:
        key = (type, session_id, properties)
        with self._lock:
            counted = self._counted.get(key)
            if counted is None:
                self._counted[key] = _Tally(1, datetime.now(timezone.utc))
            else:
                counted.count += 1

    def take(self) -> list[Event]:
        """What was counted so far, as events carrying `count`; the counters start again."""
        with self._lock:
            counted, self._counted = self._counted, {}
        return [new_event(type=type, user_id=None, session_id=session_id,
                          properties={**dict(properties), "count": tally.count}, timestamp=tally.first, now=tally.first)
                for (type, session_id, properties), tally in counted.items()]
