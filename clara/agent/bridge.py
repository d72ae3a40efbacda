"""The one hop from an agent job's event loop back to the app's loop, where the pools live.

LiveKit's THREAD executor runs each voice job in its own thread on its own loop. Pools (PostgreSQL, Redis, httpx)
belong to the loop that opened them, so a tool running in a job thread must not touch them directly; it hands the
coroutine to the app's loop and awaits the result there. Text sessions already run on the app's loop and call
straight through, so the bridge costs them nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Coroutine, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Bridge:
    loop: asyncio.AbstractEventLoop

    @classmethod
    def here(cls) -> "Bridge":
        """A bridge to the running loop: call from the app's lifespan."""
        return cls(asyncio.get_running_loop())

    async def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the app's loop and return its result to whichever loop awaits this."""
        if asyncio.get_running_loop() is self.loop:
            return await coro
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return await asyncio.wrap_future(future)

