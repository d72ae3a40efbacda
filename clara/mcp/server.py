"""Clara's tools as an MCP server at `/mcp` (streamable HTTP), on the app's own port, with the REST API's token.

The app's authentication middleware has already read the `Authorization: Bearer` JWT by the time a request
reaches `/mcp`: a request without one is answered 401 here, in the contract's error shape, and every tool runs as
the token's user (`clara.mcp.tools`). The MCP SDK's own OAuth machinery is not used: Clara's clients already hold
Clara tokens.

Stateless and JSON: each POST is a whole exchange, so any instance behind the load balancer can answer any call
(no session pinned to one process) and no SSE stream is held open. DNS-rebinding protection (a check on Host and
Origin for servers on localhost that trust ambient credentials) is off: a caller must present a bearer token,
which a rebinding page cannot read.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from clara.web.caller import CurrentUser
from clara.web.errors import ApiError, error_response
from clara.mcp import tools
from clara.web.security import MCP_PATH

PATH = MCP_PATH  # the edge sizes its body limit for a photo here
INSTRUCTIONS = (
    "Clara: tools for fire & life-safety and HVAC field technicians. Jobs, customers, sites, equipment specs, NFPA "
    "and manual search, deficiencies and nameplate photos, always as the signed-in user."
)


class McpEndpoint:
    """The ASGI endpoint at `/mcp`: callers with a valid token go to the MCP session manager, others get 401."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not isinstance(scope.get("user"), CurrentUser):
            refusal = ApiError(401, "unauthorized", "a valid bearer token is required", "Authorization",
                               headers={"WWW-Authenticate": "Bearer"})
            await error_response(refusal)(scope, receive, send)
            return
        await self.manager.handle_request(scope, receive, send)


class McpServer:
    """One app's MCP server: its route, and the session manager its lifespan must run."""

    def __init__(self) -> None:
        self.server = MCPServer("clara", instructions=INSTRUCTIONS, tools=list(tools.catalogue()))
        # builds the session manager; the Starlette app it returns is not used, the endpoint below is mounted
        self.server.streamable_http_app(
            stateless_http=True, json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        # No GET: in stateless mode the SDK answered one with an SSE stream that carried nothing and never ended,
        # one held connection per call; the protocol lets a server without such a stream answer 405 instead.
        self.route = Route(PATH, McpEndpoint(self.server.session_manager), methods=["POST", "DELETE"],
                           include_in_schema=False)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the session manager for the duration of the block.

        It runs in a task of its own: its anyio task group must be left by the task that entered it, and whoever
        drives an app's lifespan (uvicorn, a test fixture) may start and stop it from different tasks.
        """
        started, stop = asyncio.Event(), asyncio.Event()

        async def serve() -> None:
            async with self.server.session_manager.run():
                started.set()
                await stop.wait()

        task = asyncio.create_task(serve(), name="mcp-session-manager")
        ready = asyncio.create_task(started.wait())
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            ready.cancel()
            task.result()  # it failed to start: raise why
        try:
            yield
        finally:
            stop.set()
            await task
