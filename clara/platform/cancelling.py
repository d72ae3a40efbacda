"""Telling a cancellation from an outage in a background loop that retries whatever fails.

A loop that keeps a store in order (listen, drain, maintain) retries errors, and must stop when its owner cancels it.
A clean-up on the way out can replace the CancelledError with an error of its own: redis-py's disconnect and
psycopg's connection return wait under `asyncio.timeout`, which, entered while a cancel is pending, reports its own
expiry as a TimeoutError; a broken connection closed mid-cancel raises OperationalError. Retried as an outage, that
keeps the task alive and its owner's shutdown waiting on it for good. Each such loop calls `stop_if_cancelling` first
in its error handler.
"""

from __future__ import annotations

import asyncio


def stop_if_cancelling(error: BaseException) -> None:
    """Raise CancelledError (from `error`) when the current task is being cancelled; otherwise return."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError from error
