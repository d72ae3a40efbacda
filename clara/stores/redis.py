"""Redis: optional (None when `REDIS_URL` is unset), and never a reason for Clara to fail or wait.

The client connects lazily, so start-up succeeds with Redis down. Its own retries are off and its timeouts short:
`clara.platform.resilience` decides what to retry and when to stop trying, and callers (the cache, the limiter)
fall back to in-process state instead of blocking a request on a dead socket.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def open_redis(url: str, *, timeout: float) -> Redis:
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=10,  # a silently dropped connection is noticed within seconds, not at TCP timeout
        client_name="clara",
    )


async def ping(client: Redis, timeout: float) -> None:
    """Raise when Redis does not answer PING within `timeout` seconds."""
    async with asyncio.timeout(timeout):
        await client.ping()
