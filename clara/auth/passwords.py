"""Password hashing with Argon2id, a memory-hard KDF, so a leaked table is expensive to crack.

Being expensive is the point, which is also the danger: one verification costs about 60-200 ms of CPU over
several threads (argon2's lanes). On the event loop that stalled every request of the process while logins came
in. So verifications run in a small pool of their own, at low CPU priority (the event loop's thread always wins
the core), and only `MAX_WAITING` may queue for it; more answer `PasswordCheckBusy` at once.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

WORKERS = 1  # verifications at once per process: each already spreads over argon2's own lane threads
MAX_WAITING = 16  # queued behind them; at ~0.1-0.2 s each, a login waits at most a few seconds
# nice of the pool's threads (argon2's lane threads inherit it): the loop gets ~90% of a contended core
_LOW_PRIORITY = 10

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a login takes as long whether or not the account exists.
_DUMMY_HASH = _hasher.hash("clara-timing-equaliser")


class PasswordCheckBusy(Exception):
    """Too many password checks are waiting already; the caller should retry shortly."""


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _LOW_PRIORITY)  # per thread on Linux
    except (AttributeError, OSError):  # not Linux, or not permitted: the pool still bounds the work
        pass


_pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="argon2", initializer=_lower_priority)
_waiting = 0


def hash_password(password: str) -> str:
    """A fresh Argon2id hash with its own random salt."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def check_password(password: str, password_hash: str | None) -> bool:
    """`verify_password` in the bounded pool, off the event loop; PasswordCheckBusy when the queue is full."""
    global _waiting
    if _waiting >= WORKERS + MAX_WAITING:
        raise PasswordCheckBusy
    _waiting += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, verify_password, password, password_hash)
    finally:
        _waiting -= 1
