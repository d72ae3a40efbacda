"""Listening to a Redis pub/sub channel for a process's lifetime, shared by cache invalidation and live updates.

It lives outside `clara.stores` because the stores package builds the cache, which listens through it.
"""

from __future__ import annotations

import asyncio
import random
from typing import Awaitable, Callable

from redis.asyncio import Redis

from clara.platform.cancelling import stop_if_cancelling
from clara.platform.logging import get_logger

log = get_logger(__name__)


CLOSE_WITHIN = 5.0  # seconds close() waits for the listening task to end; shutdown never waits longer on it


class ChannelListener:
    """One Redis channel, listened to for as long as its owner lives, reconnecting with capped backoff.

    `on_subscribed` runs after every (re)subscription: messages published while unsubscribed are lost, so owners
    that cache what messages would have changed must start afresh there. `on_idle` runs after a second without
    messages. Redis being down is logged once per outage, as `<name>_interrupted` then `<name>_resumed`. Without
    Redis (one instance alone) there is no one to hear from: starting and closing do nothing, so owners need not
    ask.

    Closing cancels the task, and a cancellation ends it even when a clean-up on the way out hides it
    (`clara.platform.cancelling`): a test's app under load was once seen stopping for over ten minutes with this task
    cancelled and still reading.
    """

    def __init__(
        self, redis: Redis | None, channel: str, *, name: str, on_message: Callable[[bytes], None],
        on_subscribed: Callable[[], Awaitable[None]] | None = None,
        on_idle: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._redis = redis
        self._channel = channel
        self._name = name
        self._on_message = on_message
        self._on_subscribed = on_subscribed
        self._on_idle = on_idle
        self._subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self, wait: float) -> None:
        """Start listening; wait up to `wait` seconds for the first subscription, never for Redis itself."""
        if self._redis is None:
            return
        self._task = asyncio.create_task(self._listen(self._redis), name=self._name)
        try:
            async with asyncio.timeout(wait):
                await self._subscribed.wait()
        except TimeoutError:
            log.warning(f"{self._name}_unavailable_at_start")

    @property
    def listening(self) -> bool:
        """Subscribed now: what is published reaches this process. False before the first subscription and
        from a broken connection until the next."""
        return self._subscribed.is_set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            done, _ = await asyncio.wait({self._task}, timeout=CLOSE_WITHIN)
            if not done:
                log.error(f"{self._name}_did_not_stop", waited_seconds=CLOSE_WITHIN)
            self._task = None

    async def _listen(self, redis: Redis) -> None:
        failures = 0
        while True:
            try:
                async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    if self._on_subscribed is not None:
                        await self._on_subscribed()
                    self._subscribed.set()
                    if failures:
                        log.info(f"{self._name}_resumed")
                    failures = 0
                    while True:
                        message = await pubsub.get_message(timeout=1.0)
                        if message is not None:
                            self._on_message(message["data"])
                        elif self._on_idle is not None:
                            await self._on_idle()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis gone or the connection broke: retry quietly, with capped backoff
                stop_if_cancelling(exc)  # close() asked; a clean-up hid it (see the class)
                self._subscribed.clear()
                if failures == 0:
                    log.warning(f"{self._name}_interrupted", error=type(exc).__name__)
                failures += 1
                await asyncio.sleep(random.uniform(0.05, min(1.0, 0.05 * 2**failures)))
