"""A local stand-in for LiveKit's agent endpoint: enough of the worker protocol for an AgentServer to register.

`GET /agent` upgrades to a WebSocket carrying protobuf `WorkerMessage`s / `ServerMessage`s, as LiveKit Cloud does;
the fake answers `register` with a worker id and keeps the connection open, reading whatever the worker sends
(status updates, pings). Registrations are kept so a test can see which agent name registered.
"""

from __future__ import annotations

import socket

from aiohttp import WSMsgType, web
from livekit.protocol import agent


class FakeLiveKit:
    def __init__(self) -> None:
        self.registrations: list[str] = []  # agent names, in order
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def _agent(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            async for message in ws:
                if message.type != WSMsgType.BINARY:
                    continue
                incoming = agent.WorkerMessage()
                incoming.ParseFromString(message.data)
                if incoming.HasField("register"):
                    self.registrations.append(incoming.register.agent_name)
                    reply = agent.ServerMessage()
                    reply.register.worker_id = f"AW_fake_{len(self.registrations)}"
                    await ws.send_bytes(reply.SerializeToString())
        finally:
            self._sockets.discard(ws)
        return ws

    async def start(self) -> "FakeLiveKit":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        app = web.Application()
        app.router.add_get("/agent", self._agent)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
