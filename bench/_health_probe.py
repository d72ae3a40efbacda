"""/health latency measured from a process of its own, for the benches that load Clara while they watch it.

Asked from the process that makes the load (a thread beside twenty client threads, or a task on the event loop of
eight workers), a probe measured its own wait for the GIL or for that loop as well: hundreds of milliseconds, or
seconds on a loaded machine, that the server never took.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

import httpx

Sample = tuple[float, float, float | None]  # asked at, answered at (time.monotonic), seconds or None: no answer


def _poll(url: str, every: float, timeout: float, stop: Any, out: Any) -> None:
    samples: list[Sample] = []
    with httpx.Client(base_url=url) as client:
        client.get("/health", timeout=timeout)  # imports done, connection open: the load may start
        out.put("ready")
        while not stop.is_set():
            started = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process of the machine
            seconds: float | None
            try:
                client.get("/health", timeout=timeout)
                seconds = time.monotonic() - started
            except httpx.TimeoutException:
                seconds = timeout
            except httpx.HTTPError:
                seconds = None
            samples.append((started, time.monotonic(), seconds))
            time.sleep(every)
    out.put(samples)


class HealthPoller:
    """Asks `url`/health every `every` seconds from a spawned process, from construction until `stop()`."""

    def __init__(self, url: str, *, every: float, timeout: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop, self._out = context.Event(), context.Queue()
        self._process = context.Process(target=_poll, args=(url, every, timeout, self._stop, self._out),
                                        daemon=True)
        self._process.start()
        assert self._out.get(timeout=120) == "ready"

    def stop(self) -> list[Sample]:
        """Every answer since the start; a slower one counts as `timeout` seconds, a refused one as None."""
        self._stop.set()
        samples: list[Sample] = self._out.get(timeout=120)
        self._process.join(30)
        return samples
