"""A small MCP server of our own attached to Clara's text sessions through MCP_SERVERS: its tool is called in a
turn, and when the server goes away the turn still ends, saying the tool is unavailable."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, AsyncIterator

import pytest
import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from clara.chat.runtime import AgentRuntime
from clara.settings import McpServerConfig, Settings
from tests.conftest import running, user_by_email


class PartsServer:
    """An MCP server on a loopback port with one tool, `part_price`, served by uvicorn in this loop."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.authorizations: list[str] = []  # the Authorization header of every request, as the server got it
        server = MCPServer("parts")

        @server.tool()
        def part_price(part_number: str) -> str:
            """Price and stock of a replacement part."""
            self.calls.append(part_number)
            return f"Part {part_number} costs $42.50; 3 in stock at the Oakland branch."

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        mcp_app = server.streamable_http_app(stateless_http=True, json_response=True)

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                self.authorizations += [v.decode() for k, v in scope["headers"] if k == b"authorization"]
            await mcp_app(scope, receive, send)

        self.uvicorn = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    async def start(self) -> "PartsServer":
        self.task = asyncio.create_task(self.uvicorn.serve())
        while not self.uvicorn.started:
            await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        self.uvicorn.should_exit = True
        if self.task is not None:
            await self.task
            self.task = None


@pytest.fixture
async def parts() -> AsyncIterator[PartsServer]:
    server = await PartsServer().start()
    yield server
    await server.stop()


async def turn(app: Starlette, text: str) -> list[dict[str, Any]]:
    runtime: AgentRuntime = app.state.agent
    user = await user_by_email(app, "maria.lopez@clara.dev")
    session = await runtime.chats.open(actor=user, user_id=user.id)
    return [event async for event in session.turn(text)]


async def test_an_attached_servers_tool_is_called_in_a_turn_and_degrades_when_it_goes(
    settings: Settings, parts: PartsServer
) -> None:
    attached = McpServerConfig.model_validate({"url": parts.url, "headers": {"Authorization": "Bearer parts-key"}})
    async with running(settings, mcp_servers=(attached,)) as app:
        events = await turn(app, "part price 4TTR-01")
        assert [e["type"] for e in events if e["type"] != "delta"] == ["tool_call", "tool_result", "done"]
        assert set(parts.authorizations) == {"Bearer parts-key"}  # the secret header's value, not its mask
        assert events[0] == {"type": "tool_call", "name": "part_price", "arguments": {"part_number": "4TTR-01"}}
        assert events[1]["ok"] is True and "$42.50" in events[-1]["text"] and parts.calls == ["4TTR-01"]

        own = await turn(app, "What's the amp draw for Carrier 50TCQA06?")  # Clara's own tools are all still there
        assert own[0]["name"] == "equipment_spec" and "MCA 26.7 A" in own[-1]["text"]

        await parts.stop()
        gone = await turn(app, "part price 4TTR-02")
        assert [e["type"] for e in gone if e["type"] != "delta"] == ["tool_call", "tool_result", "done"]
        assert gone[1]["ok"] is False and "unavailable" in gone[-1]["text"]


async def test_a_server_down_at_session_start_leaves_clara_working(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # nothing listens here once the socket is closed
    attached = (McpServerConfig(url=f"http://127.0.0.1:{dead}/mcp"),)  # type: ignore[arg-type]
    async with running(settings, mcp_servers=attached) as app:
        events = await turn(app, "What's the amp draw for Carrier 50TCQA06?")
    assert events[-1]["type"] == "done" and "MCA 26.7 A" in events[-1]["text"]


async def test_allowed_tools_limits_what_a_server_offers(settings: Settings, parts: PartsServer) -> None:
    attached = (McpServerConfig(url=parts.url, allowed_tools=("stock_level",)),)  # type: ignore[arg-type]
    async with running(settings, mcp_servers=attached) as app:
        events = await turn(app, "part price 4TTR-01")
    assert all(e.get("name") != "part_price" for e in events) and parts.calls == []
