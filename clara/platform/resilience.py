"""Timeouts, retries and circuit breakers for every call that leaves the process.

Redis, Google Maps, Gemini, a remote Chroma or an embedding API may each hang or fail; none of them may take Clara
down or make a technician wait on a dead dependency. `call` bounds each attempt with a timeout, retries only what
the caller declares safe to repeat (a `Retry` policy is for idempotent calls: never pass one for a write that may
have landed), and consults a per-dependency `CircuitBreaker`, so after a few failures callers fail fast and take
their fallback until one trial call shows the dependency is back.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Iterator, Literal, TypeVar

from clara.platform.logging import get_logger

log = get_logger(__name__)

T = TypeVar("T")
State = Literal["closed", "open", "half_open"]


class CircuitOpen(Exception):
    """Raised instead of calling a dependency whose breaker is open: take the fallback now."""

    def __init__(self, name: str, retry_in: float) -> None:
        super().__init__(f"{name} is unavailable (circuit open, next trial in {retry_in:.1f}s)")
        self.name = name
        self.retry_in = retry_in


@dataclass
class CircuitBreaker:
    """Closed: calls pass. Open: calls fail fast for `reset_timeout` seconds. Half-open: one trial call decides.

    Transitions are logged once each, so an outage is two log lines (opened, closed), not one per request.
    """

    name: str
    failure_threshold: int = 5
    reset_timeout: float = 5.0
    clock: Callable[[], float] = time.monotonic
    state: State = "closed"
    failures: int = 0
    last_error: str = ""
    opened_at: float = 0.0
    _trial_running: bool = field(default=False, repr=False)

    def allow(self) -> bool:
        """May a call go through now? In half-open state only one trial call at a time is let through."""
        if self.state == "open" and self.clock() - self.opened_at >= self.reset_timeout:
            self._set_state("half_open")
        if self.state == "closed":
            return True
        if self.state == "half_open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def retry_in(self) -> float:
        return max(0.0, self.reset_timeout - (self.clock() - self.opened_at)) if self.state == "open" else 0.0

    def record_success(self) -> None:
        self._trial_running = False
        self.failures = 0
        if self.state != "closed":
            self._set_state("closed")

    def record_failure(self, error: BaseException | str) -> None:
        self._trial_running = False
        self.failures += 1
        self.last_error = error if isinstance(error, str) else type(error).__name__
        if self.state == "half_open" or (self.state == "closed" and self.failures >= self.failure_threshold):
            self.opened_at = self.clock()
            self._set_state("open")

    def release(self) -> None:
        """Forget a trial call that ended without a verdict (cancelled), so the next caller may try."""
        self._trial_running = False

    def _set_state(self, state: State) -> None:
        previous, self.state = self.state, state
        if state == "open":
            log.warning("circuit_opened", dependency=self.name, failures=self.failures, error=self.last_error)
        elif state == "closed":
            log.info("circuit_closed", dependency=self.name, was=previous)


# failure threshold and seconds open, per dependency: Redis and Maps sit on hot paths with cheap fallbacks, so
# they trip fast and retry soon; Gemini turns are slow and costly, so it gets more patience before a trial.
BREAKER_DEFAULTS: dict[str, tuple[int, float]] = {
    "postgres": (1, 2.0),  # one pool timeout is 5 s of waiting already: proof enough (clara.stores.postgres)
    "redis": (3, 2.0),
    "maps": (3, 3.0),
    "gemini": (3, 10.0),
    "chroma": (5, 3.0),
    "embeddings": (5, 3.0),
}


class Breakers:
    """One breaker per external dependency for one app instance (two instances in a test share nothing)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}

    def get(self, name: str) -> CircuitBreaker:
        breaker = self._breakers.get(name)
        if breaker is None:
            threshold, reset = BREAKER_DEFAULTS.get(name, (5, 5.0))
            breaker = CircuitBreaker(name, threshold, reset, clock=self._clock)
            self._breakers[name] = breaker
        return breaker

    def all(self) -> dict[str, CircuitBreaker]:
        return dict(self._breakers)


@dataclass(frozen=True)
class Retry:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(max_delay, base_delay * 2**n)).

    Full jitter spreads the retries of many clients that failed together, instead of re-synchronising them.
    """

    attempts: int = 3
    base_delay: float = 0.1
    max_delay: float = 2.0
    retry_on: Callable[[BaseException], bool] = lambda exc: True

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        uniform = (rng or random).uniform
        for n in range(self.attempts - 1):
            yield uniform(0.0, min(self.max_delay, self.base_delay * 2**n))


def _any_failure(_: BaseException) -> bool:
    return True


async def call(
    operation: Callable[[], Awaitable[T]],
    *,
    breaker: CircuitBreaker | None = None,
    timeout: float | None = None,
    retry: Retry | None = None,
    is_failure: Callable[[BaseException], bool] = _any_failure,
) -> T:
    """Run `operation` under a timeout, a retry policy (idempotent calls only) and a breaker.

    `is_failure` tells the breaker which errors mean "the dependency is unhealthy" (a timeout, a 503) as opposed
    to "this request was wrong" (a 400), which must not open the circuit. Raises `CircuitOpen` without calling
    when the breaker refuses; otherwise the last error once attempts run out.
    """
    delays = retry.delays() if retry else iter(())
    while True:
        if breaker is not None and not breaker.allow():
            raise CircuitOpen(breaker.name, breaker.retry_in())
        try:
            async with asyncio.timeout(timeout):
                result = await operation()
        except asyncio.CancelledError:
            if breaker is not None:
                breaker.release()
            raise
        except Exception as exc:
            if breaker is not None:
                if is_failure(exc):
                    breaker.record_failure(exc)
                else:  # an error the dependency answered with (a 400) still proves it is up
                    breaker.record_success()
            delay = next(delays, None) if retry is not None and retry.retry_on(exc) else None
            if delay is None:
                raise
            await asyncio.sleep(delay)
            continue
        if breaker is not None:
            breaker.record_success()
        return result
