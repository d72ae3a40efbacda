"""The background work queue is bounded, runs one piece at a time, and stops at shutdown."""

from __future__ import annotations

import asyncio

from clara.platform.background import WorkQueue


async def test_work_runs_one_at_a_time_and_a_full_queue_refuses_more() -> None:
    queue = WorkQueue(max_pending=2)
    running, release, order = asyncio.Event(), asyncio.Event(), []

    async def first() -> None:
        running.set()
        await release.wait()
        order.append("first")

    async def second() -> None:
        order.append("second")

    queue.submit("first", first)
    queue.submit("second", second)
    await running.wait()
    assert queue.full
    await asyncio.sleep(0.05)
    assert order == [], "the second waits for the first"
    release.set()
    await queue.drain()
    assert order == ["first", "second"]
    assert not queue.full  # room again


async def test_a_failing_piece_does_not_stop_the_queue_and_close_cancels_the_rest() -> None:
    queue = WorkQueue()
    done, forever = [], asyncio.Event()

    async def broken() -> None:
        raise RuntimeError("chroma down")

    async def fine() -> None:
        done.append("fine")

    async def stuck() -> None:
        await forever.wait()

    queue.submit("broken", broken)
    queue.submit("fine", fine)
    await queue.drain()
    assert done == ["fine"]
    queue.submit("stuck", stuck)
    await asyncio.wait_for(queue.close(), 5)
