"""What an LLM sees of a conversation: the recent turns as messages, trimmed to the window; standards named."""

from __future__ import annotations

import uuid

from livekit.agents import llm

from clara.agent import memory
from clara.conversations.models import Conversation, ToolCallRecord, Turn


def test_the_recent_turns_are_the_messages_an_llm_continues_from() -> None:
    turns = [Turn(str(uuid.uuid4()), f"question {n}", f"answer {n}", [ToolCallRecord("next_job", {}, True)], "offline")
             for n in range(2)]
    ctx = memory.chat_context(Conversation(id=str(uuid.uuid4()), user_id=1, job_id=None, channel="text", recent=turns))
    assert [(item.role, item.text_content) for item in ctx.items] == [
        ("user", "question 0"), ("assistant", "answer 0"), ("user", "question 1"), ("assistant", "answer 1")]


def test_trim_drops_whole_turns_before_the_window_and_keeps_instructions() -> None:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are Clara")
    for n in range(25):
        ctx.add_message(role="user", content=f"q{n}")
        ctx.add_message(role="assistant", content=f"a{n}")
    assert memory.trim(ctx, turns=20)
    texts = [item.text_content for item in ctx.items]
    assert texts[0] == "You are Clara" and texts[1] == "q5" and texts[-1] == "a24"
    assert not memory.trim(ctx, turns=20)


def test_the_last_standard_named_is_remembered() -> None:
    assert memory.mentioned_standard("per nfpa-25 and NFPA 72 chapter 14") == "NFPA 72"
    assert memory.mentioned_standard("no standard here") is None
