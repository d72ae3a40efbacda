"""How one MCP tool call runs: as the bearer token's user, timed like the agent's tools, a refusal answered as the
route's error body and any other failure as `internal_error`, never a stack trace."""

from __future__ import annotations

import json
import time
from typing import Any, Awaitable, Callable, TypeVar

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, TextContent

from clara.web.caller import CurrentUser
from clara.jobs import resolution
from clara.knowledge import service as knowledge
from clara.platform import metrics
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.web.errors import ApiError

log = get_logger(__name__)

Result = dict[str, Any]
Work = Callable[[Stores, CurrentUser], Awaitable[Result]]
ToolFunction = TypeVar("ToolFunction", bound=Callable[..., Awaitable[CallToolResult]])
NO_CONVERSATION = resolution.Focus()  # nothing discussed, no position: references resolve against the day alone


def result(body: Result, *, error: bool = False) -> CallToolResult:
    text = json.dumps(body, default=str, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=body, is_error=error)


async def run(ctx: Context, name: str, work: Work) -> CallToolResult:
    """`work` as the caller, timed like the agent's tools; a refusal becomes the route's error body."""
    request = ctx.request_context.request
    stores: Stores = request.app.state.stores  # type: ignore[union-attr]  # HTTP transport: a Starlette request
    actor: CurrentUser = request.scope["user"]  # type: ignore[union-attr]  # the endpoint let only users through
    started = time.perf_counter()
    ok = False
    try:
        body = await work(stores, actor)
        ok = True
        return result(body)
    except ApiError as exc:
        ok = exc.status < 500  # answered with a refusal, as the agent's tools count it (`clara.agent.runner`)
        log.info("mcp_tool_refused", tool=name, code=exc.code, status=exc.status)
        error: Result = {"code": exc.code, "message": exc.message, "field": exc.field}
        if isinstance(exc, knowledge.UnknownModel):  # as GET /clara-server/equipment/{model} lists them
            error["close_matches"] = exc.close_matches
        return result({"error": error, "status": exc.status}, error=True)
    except Exception as exc:  # never a stack trace to the client
        log.exception("mcp_tool_failed", tool=name, error=type(exc).__name__)
        return result({"error": {"code": "internal_error", "message": "something went wrong on our side",
                                  "field": None}, "status": 500}, error=True)
    finally:
        metrics.observe_tool(name, time.perf_counter() - started, ok)


async def site(stores: Stores, actor: CurrentUser, reference: str | None) -> resolution.Place:
    """The site `reference` means, as the agent resolves it with nothing discussed yet: empty or "here" is the
    site of the job under way, "my next job" its site, else a site, customer or address by name."""
    return await resolution.resolve_site(stores, actor=actor, focus=NO_CONVERSATION, reference=reference)
