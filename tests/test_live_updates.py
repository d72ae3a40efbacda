"""Live job updates reach the technician's socket whichever instance holds it.

The first tests run two `LiveUpdates` hubs (what two instances each own) over one real Redis, and one hub with no
Redis at all; the last runs two real app processes on one PostgreSQL and one Redis, a dispatcher PATCHing a job on
one and the technician's WebSocket open on the other.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import AsyncIterator

import pytest
from redis.asyncio import Redis

from clara.platform.live import QUEUE_SIZE, LiveUpdates
from tests.servers import RedisServer

WAIT = 5.0  # generous upper bound for a delivery; the product target (under a second) is measured by bench/soak.py


@pytest.fixture
async def redis(redis_server_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server_url)
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"clara-live-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


async def _hub(redis: Redis | None, prefix: str) -> LiveUpdates:
    hub = LiveUpdates(redis=redis, prefix=prefix, timeout=0.5)
    await hub.start()
    return hub


async def test_an_event_published_on_one_instance_reaches_a_socket_on_another(redis: Redis, prefix: str) -> None:
    one, two = await _hub(redis, prefix), await _hub(redis, prefix)
    try:
        async with two.subscribe(7) as technician, two.subscribe(8) as someone_else:
            await one.publish(7, {"type": "job_updated", "job_id": 42, "status": "en_route"})
            assert await asyncio.wait_for(technician.get(), WAIT) == {
                "type": "job_updated", "job_id": 42, "status": "en_route"}
            await one.publish(8, {"type": "job_updated", "job_id": 43})
            assert (await asyncio.wait_for(someone_else.get(), WAIT))["job_id"] == 43
            assert technician.empty(), "each user gets only their own events"
    finally:
        await one.close()
        await two.close()


async def test_a_socket_on_the_publishing_instance_gets_the_event_exactly_once(redis: Redis, prefix: str) -> None:
    one, two = await _hub(redis, prefix), await _hub(redis, prefix)
    try:
        async with one.subscribe(7) as local, two.subscribe(7) as remote:
            for n in range(3):
                await one.publish(7, {"type": "job_updated", "n": n})
            assert [(await asyncio.wait_for(local.get(), WAIT))["n"] for _ in range(3)] == [0, 1, 2]
            assert [(await asyncio.wait_for(remote.get(), WAIT))["n"] for _ in range(3)] == [0, 1, 2]
            await asyncio.sleep(0.2)  # any echo of our own publication through Redis would have arrived by now
            assert local.empty() and remote.empty()
    finally:
        await one.close()
        await two.close()


async def test_without_redis_delivery_stays_in_process() -> None:
    hub = await _hub(None, "unused")
    async with hub.subscribe(7) as first, hub.subscribe(7) as second:
        await hub.publish(7, {"type": "job_updated", "job_id": 1})
        assert first.get_nowait() == second.get_nowait() == {"type": "job_updated", "job_id": 1}
    assert hub.connected == 0
    await hub.publish(7, {"type": "job_updated"})  # nobody listening: nothing to do, nothing raised
    await hub.close()


async def test_a_slow_socket_loses_the_oldest_events_not_the_newest() -> None:
    hub = await _hub(None, "unused")
    async with hub.subscribe(7) as queue:
        for n in range(QUEUE_SIZE + 5):
            await hub.publish(7, {"n": n})
        assert queue.qsize() == QUEUE_SIZE
        assert queue.get_nowait()["n"] == 5
    await hub.close()


async def test_pump_forwards_events_to_a_socket_until_cancelled() -> None:
    hub = await _hub(None, "unused")
    sent: list[dict[str, object]] = []
    got = asyncio.Event()

    async def send(event: dict[str, object]) -> None:
        sent.append(event)
        got.set()

    task = asyncio.create_task(hub.pump(7, send))
    while hub.connected == 0:
        await asyncio.sleep(0.01)
    await hub.publish(7, {"type": "job_updated"})
    await asyncio.wait_for(got.wait(), WAIT)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert sent == [{"type": "job_updated"}] and hub.connected == 0


async def test_redis_going_away_and_coming_back(tmp_path: Path, prefix: str) -> None:
    """Local sockets keep getting events while Redis is down; remote delivery resumes once it is back."""
    server = RedisServer(tmp_path / "redis").start()
    clients = [Redis.from_url(server.url, socket_timeout=0.5, socket_connect_timeout=0.5) for _ in range(2)]
    one, two = await _hub(clients[0], prefix), await _hub(clients[1], prefix)
    try:
        async with one.subscribe(7) as local, two.subscribe(7) as remote:
            server.stop()
            await one.publish(7, {"type": "job_updated", "n": 1})  # must not raise
            assert local.get_nowait()["n"] == 1
            server.start()
            for attempt in range(200):  # the listener reconnects with backoff capped at 1 s
                await one.publish(7, {"type": "job_updated", "n": 2, "attempt": attempt})
                try:
                    assert (await asyncio.wait_for(remote.get(), 0.1))["n"] == 2
                    break
                except TimeoutError:
                    continue
            else:
                pytest.fail("remote delivery did not resume after Redis restarted")
    finally:
        await one.close()
        await two.close()
        for client in clients:
            await client.aclose()
        server.stop()
