"""Email addresses locked out of logging in, remembered by this process so a refused attempt touches no store.

A guessing flood on one account is mostly refusals: the account locks after a few failures, and every later
attempt is turned away. Asking PostgreSQL each time cost two round trips per refusal, on the event loop every
other request shares. So a lock PostgreSQL reports is remembered here until it ends, for at most
`REMEMBER_SECONDS`: a flood then costs one query per address per `REMEMBER_SECONDS`.

A lock ends early only when the very attempt that set it had the right password (its success deletes the row).
That attempt's process forgets the address at once and tells the others through the cache's invalidation channel
(`clara.auth.service`); if Redis is away, `REMEMBER_SECONDS` bounds how long another process refuses wrongly.
"""

from __future__ import annotations

import time
from typing import Callable

REMEMBER_SECONDS = 10.0
MAX_ENTRIES = 10_000  # addresses remembered; a flood over more addresses costs queries again, not memory


class LoginLocks:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}  # address -> when this process next asks PostgreSQL (clock seconds)
        self._ends: dict[str, float] = {}  # address -> when its lock ends (clock seconds), for Retry-After

    def wait(self, address: str) -> float | None:
        """Seconds left of `address`'s lock as last reported, or None: not known to be locked, ask PostgreSQL."""
        now = self._clock()
        until = self._until.get(address)
        if until is None:
            return None
        if until <= now:
            self.forget(address)
            return None
        return self._ends[address] - now

    def remember(self, address: str, seconds: float) -> None:
        """PostgreSQL said `address` is locked for `seconds` more."""
        now = self._clock()
        if len(self._until) >= MAX_ENTRIES:
            self._until = {a: u for a, u in self._until.items() if u > now}
            self._ends = {a: self._ends[a] for a in self._until}
            if len(self._until) >= MAX_ENTRIES:
                return
        self._until[address] = now + min(seconds, REMEMBER_SECONDS)
        self._ends[address] = now + seconds

    def forget(self, address: str) -> None:
        self._until.pop(address, None)
        self._ends.pop(address, None)

    def clear(self) -> None:
        """Forget every lock (another process cleared one, or missed messages may have)."""
        self._until.clear()
        self._ends.clear()
