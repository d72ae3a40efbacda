"""What an LLM sees of a conversation: its recent turns as chat messages, trimmed to the window.

The conversation itself (turns, tracked entities, a pending draft) is the `clara.conversations` domain's; this
module only turns it into the messages an LLM continues from, and reads what tool calls and replies mention.
"""

from __future__ import annotations

import json
import re
from typing import Any

from livekit.agents import llm

from clara.conversations.models import TURN_WINDOW, Conversation

_STANDARD = re.compile(r"\bNFPA[\s-]*(\d{1,4}[A-Z]?)\b", re.IGNORECASE)


def mentioned_standard(text: str) -> str | None:
    """The last NFPA standard named in `text`, normalised ("nfpa-25" -> "NFPA 25")."""
    found = _STANDARD.findall(text)
    return f"NFPA {found[-1].upper()}" if found else None


def tool_arguments(raw: str) -> dict[str, Any]:
    """A tool call's JSON arguments as a dict; an LLM's malformed arguments are recorded as none, not an error."""
    try:
        parsed = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def chat_context(conversation: Conversation) -> llm.ChatContext:
    """The recent turns as the messages an LLM continues from."""
    ctx = llm.ChatContext.empty()
    for turn in conversation.recent:
        ctx.add_message(role="user", content=turn.user_text)
        ctx.add_message(role="assistant", content=turn.reply)
    return ctx


def trim(ctx: llm.ChatContext, *, turns: int = TURN_WINDOW) -> bool:
    """Drop everything before the last `turns` user messages (instructions stay); True when anything went."""
    user_positions = [i for i, item in enumerate(ctx.items) if item.type == "message" and item.role == "user"]
    if len(user_positions) <= turns:
        return False
    keep_from = user_positions[-turns]
    ctx.truncate(max_items=len(ctx.items) - keep_from)
    return True
