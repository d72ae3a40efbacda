from __future__ import annotations

import asyncio
import json
import socket
from typing import Any, AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from clara.web.caller import CurrentUser
from tests.conftest import bearer


class Server:
    """The app served by a real uvicorn on a free loopback port, in this test's loop."""

    def __init__(self, app: Starlette) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, lifespan="off",
                                                   log_level="warning", ws="websockets-sansio"))
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> "Server":
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task

    def ws_url(self, user_id: int, token: str | None, **query: Any) -> str:
        params = {**({"token": token} if token else {}), **query}
        suffix = "&".join(f"{k}={v}" for k, v in params.items())
        return f"ws://127.0.0.1:{self.port}/voice/ws/{user_id}" + (f"?{suffix}" if suffix else "")

    def token(self, user: CurrentUser) -> str:
        return bearer(self.app, user)["Authorization"].removeprefix("Bearer ")

    def connect(self, user: CurrentUser, *, as_user: CurrentUser | None = None, **query: Any) -> Any:
        return connect(self.ws_url(user.id, self.token(as_user or user), **query), open_timeout=10)


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[Server]:
    running = await Server(app).start()
    yield running
    await running.stop()


async def ask(ws: ClientConnection, text: str) -> list[dict[str, Any]]:
    """Send one message and collect its events up to `done` or `error`."""
    await ws.send(json.dumps({"type": "message", "text": text}))
    return await collect(ws)


async def collect(ws: ClientConnection) -> list[dict[str, Any]]:
    """The events of the turn under way, up to `done` or `error`."""
    events = []
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 30))
        events.append(event)
        if event["type"] in ("done", "error"):
            return events


async def recv(ws: ClientConnection) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return event
