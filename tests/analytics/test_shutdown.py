"""The event buffer's background loops stop when it closes, even when a clean-up hides their cancellation.

A cancel that lands while a loop talks to PostgreSQL can come back as an OperationalError or a TimeoutError (a
connection closed or returned under `asyncio.timeout` mid-cancel). Retried as an outage, the loop lived on and the
app's shutdown waited on it for good.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest

from clara.analytics import buffer as buffer_module
from clara.analytics.buffer import EventBuffer
from clara.analytics.journal import Journal, journal_dir
from clara.stores import postgres


async def _hiding_the_cancel(*_: Any, **__: Any) -> Any:
    """A store call that blocks, and whose clean-up turns the cancel into a store error."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        raise psycopg.OperationalError("connection closed while cancelling") from None


@pytest.mark.parametrize("loop", ["maintain", "drain"])
async def test_close_ends_a_loop_whose_cancel_became_a_store_error(
    loop: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if loop == "maintain":
        monkeypatch.setattr(buffer_module.storage, "maintain", _hiding_the_cancel)
    else:
        monkeypatch.setattr(EventBuffer, "_drain", _hiding_the_cancel)
    pool = await postgres.open_pool(database_url, max_size=2, timeout=1.0)
    events = EventBuffer(pool, Journal(journal_dir(tmp_path)), max_events=100, flush_interval=0.05)
    try:
        await events.start()
        await asyncio.sleep(0.2)  # the loop is inside its store call
        tasks = [task for task in events._tasks if not task.done()]
        await asyncio.wait_for(events.close(), 15)
        assert all(task.done() for task in tasks)
    finally:
        await pool.close()
