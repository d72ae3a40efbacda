"""External MCP servers (MCP_SERVERS) as livekit-agents toolsets: their tools join Clara's in every session.

`toolsets(settings)` is called where an `AgentSession` is built (text chat and voice rooms alike) and gives fresh
connections for that session; the session sets them up at start and closes them with itself. A server that is
down when the session starts contributes no tools (livekit logs it and carries on); one that fails or stalls on a
call answers, within `CALL_TIMEOUT_SECONDS`, that the tool is unavailable, so the turn goes on without it.
"""

from __future__ import annotations

from typing import Any

import mcp.types
from livekit.agents.llm import ToolError
from livekit.agents.llm.mcp import MCPServerHTTP, MCPToolResultContext, MCPToolset
from mcp.shared.dispatcher import ProgressFnT

from clara.platform.logging import get_logger
from clara.settings import Settings

log = get_logger(__name__)

CONNECT_TIMEOUT_SECONDS = 3.0
CALL_TIMEOUT_SECONDS = 5.0  # also bounds the handshake at session start


class DegradingMCPServer(MCPServerHTTP):
    """An MCP server whose failed or timed-out call is a ToolError the LLM can relay, not an internal error."""

    async def _call_tool(self, name: str, arguments: dict[str, Any], *,
                         progress_callback: ProgressFnT | None = None) -> mcp.types.CallToolResult:
        try:
            return await super()._call_tool(name, arguments, progress_callback=progress_callback)
        except ToolError:
            raise
        except Exception as exc:
            log.warning("mcp_tool_unavailable", tool=name, server=self.url, error=type(exc).__name__)
            raise ToolError(f"The {name.replace('_', ' ')} tool is unavailable right now.") from None


def _text(result: MCPToolResultContext) -> str:
    """A tool's answer as the text it returned (what an LLM reads best), not the MCP content envelope."""
    texts = [part.text for part in result.result.content if isinstance(part, mcp.types.TextContent)]
    if not texts:
        raise ToolError(f"The {result.tool_name.replace('_', ' ')} tool returned nothing readable.")
    return "\n".join(texts)


def toolsets(settings: Settings) -> list[MCPToolset]:
    """One toolset per configured server, for one session."""
    return [
        MCPToolset(id=f"mcp-{index}", mcp_server=DegradingMCPServer(
            str(server.url), headers={name: value.get_secret_value() for name, value in server.headers.items()},
            allowed_tools=list(server.allowed_tools) if server.allowed_tools is not None else None,
            timeout=CONNECT_TIMEOUT_SECONDS, client_session_timeout_seconds=CALL_TIMEOUT_SECONDS,
            tool_result_resolver=_text,
        ))
        for index, server in enumerate(settings.mcp_servers)
    ]
