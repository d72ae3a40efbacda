"""Live updates pushed to a user's open WebSockets, whichever Clara instance holds them.

A dispatcher's PATCH lands on one instance; the technician's socket may be open on another. `publish` delivers to
this process's subscribers at once and, when Redis is configured, sends the event on one pub/sub channel that
every other instance listens to and delivers to its own subscribers. Without Redis the process is the whole
world, so local delivery is all there is. Redis is never a reason to fail a write: when it is down the event still
reaches sockets on this instance, and the listener reconnects by itself.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable

import orjson
from redis.asyncio import Redis

from clara.platform.logging import get_logger
from clara.platform.pubsub import ChannelListener

log = get_logger(__name__)

Event = dict[str, Any]
QUEUE_SIZE = 100  # events a slow socket may fall behind by before the oldest are dropped


class LiveUpdates:
    def __init__(self, *, redis: Redis | None, prefix: str, timeout: float = 0.25) -> None:
        self._redis = redis
        self._channel = f"{prefix}:live"
        self._timeout = timeout
        self._instance = uuid.uuid4().hex
        self._subscribers: dict[int, set[asyncio.Queue[Event]]] = defaultdict(set)
        self._listener = ChannelListener(
            redis, self._channel, name="live_updates", on_message=self._on_message
        )
        self.published = 0
        self.delivered = 0

    async def start(self) -> None:
        """Listen for other instances' events; wait briefly for the subscription, never for Redis."""
        await self._listener.start(wait=self._timeout * 4)

    async def close(self) -> None:
        await self._listener.close()

    @property
    def connected(self) -> int:
        """Sockets subscribed on this instance."""
        return sum(len(queues) for queues in self._subscribers.values())

    @asynccontextmanager
    async def subscribe(self, user_id: int) -> AsyncIterator[asyncio.Queue[Event]]:
        """A queue of the events for `user_id`, for as long as the caller's socket is open."""
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[user_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[user_id].discard(queue)
            if not self._subscribers[user_id]:
                del self._subscribers[user_id]

    async def pump(self, user_id: int, send: Callable[[Event], Awaitable[None]]) -> None:
        """Send `user_id`'s events through `send` until cancelled: run it as a task beside a socket's read loop."""
        async with self.subscribe(user_id) as queue:
            while True:
                await send(await queue.get())

    async def publish(self, user_id: int, event: Event) -> None:
        """Deliver `event` to every socket `user_id` has open on any instance."""
        self.published += 1
        self._deliver(user_id, event)
        if self._redis is None:
            return
        payload = orjson.dumps({"from": self._instance, "user_id": user_id, "event": event})
        try:
            async with asyncio.timeout(self._timeout * 4):
                await self._redis.publish(self._channel, payload)
        except Exception as exc:  # Redis down: sockets on this instance got it; others will miss this one
            log.warning("live_update_not_shared", error=type(exc).__name__, user_id=user_id, type=event.get("type"))

    def _deliver(self, user_id: int, event: Event) -> None:
        for queue in self._subscribers.get(user_id, ()):
            if queue.full():
                queue.get_nowait()  # the socket is not keeping up: the newest state matters more than the oldest
            queue.put_nowait(event)
            self.delivered += 1

    def _on_message(self, data: bytes) -> None:
        try:
            message = orjson.loads(data)
            user_id = int(message["user_id"])
            event = message["event"]
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return
        if message.get("from") != self._instance and isinstance(event, dict):
            self._deliver(user_id, event)
