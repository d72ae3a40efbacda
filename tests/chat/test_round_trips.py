"""What a keyless chat turn asks PostgreSQL, counted on the wire between Clara and a real server.

Under load each round trip also waits for the event loop, and holds a pooled connection meanwhile: at 300 open
sessions the turns' round trips, not the server's CPU, were what queued turns for seconds. A question the session
has already resolved once (the day, the next job and the site's units are cached) costs the turn what it must
store: the turn itself and the model usage it reported, committed together (clara.stores.group_commit). These
tests fail when a query per turn comes back, or when the turn and its usage commit apart again.
"""

from __future__ import annotations

import json
from typing import AsyncIterator

import pytest
from starlette.applications import Starlette

from clara.ops.demo_data import DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.chat.conftest import Server, ask
from tests.conftest import running, user_by_email
from tests.servers import PostgresWire, TcpProxy, proxied, upstream

WEWORK = (37.79155, -122.39418)
HEALTH_PROBE = "SELECT 1"  # the health monitor's, every few seconds whatever the turns do


@pytest.fixture
async def wire() -> PostgresWire:
    return PostgresWire()


@pytest.fixture
async def counted_app(settings: Settings, wire: PostgresWire) -> AsyncIterator[Starlette]:
    """The app reaching its database through a proxy that reads the requests; analytics events are written a
    minute later, so their group commit stays out of the turns counted here."""
    proxy = await TcpProxy(upstream(settings.database_url.get_secret_value()), wire=wire).start()
    try:
        async with running(settings, database_url=proxied(settings.database_url.get_secret_value(), proxy.port),
                           analytics_flush_interval_seconds=60.0) as application:
            yield application
    finally:
        await proxy.cut()


async def turn_requests(ws: object, wire: PostgresWire, text: str) -> list[str]:
    wire.requests.clear()
    events = await ask(ws, text)  # type: ignore[arg-type]
    assert events[-1]["type"] == "done", events[-1]
    return [r for r in wire.requests if r != HEALTH_PROBE]


@pytest.mark.parametrize("question", ["What's my next job?", "Who's the customer at my next site?",
                                      "What's due for inspection at this site?",
                                      "What's the max fuse size on the 50TCQA06?"])
async def test_a_question_asked_again_stores_the_turn_and_its_usage_in_one_commit_and_nothing_more(
    counted_app: Starlette, wire: PostgresWire, question: str,
) -> None:
    server = await Server(counted_app).start()
    try:
        maria = await user_by_email(counted_app, DEMO_TECHNICIAN_EMAIL)
        async with server.connect(maria) as ws:
            await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
            for _ in range(2):  # the first asks load the cache and weigh the follow-up suggestions once
                await turn_requests(ws, wire, question)

            requests = await turn_requests(ws, wire, question)

        assert len(requests) == 1, requests  # the turn and its usage: one transaction, one trip, one WAL flush
        (stored,) = requests
        assert stored.startswith("BEGIN;") and stored.endswith("; COMMIT"), stored
        assert "INSERT INTO conversation_turns" in stored and "INSERT INTO llm_usage" in stored, stored
    finally:
        await server.stop()
