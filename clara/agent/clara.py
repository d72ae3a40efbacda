"""Clara: one `livekit.agents.Agent` for voice rooms and text chat alike.

The agent holds the session's context and keeps the LLM's view of it current: instructions that name the
technician's day and job, the recent turns, and the tools on offer (the confirm/correct tools only while a write
waits for a yes). The tools themselves live in `clara.agent.tools`, one module per domain, and run through
`clara.agent.runner`.
"""

from __future__ import annotations

import uuid
from typing import AsyncIterable

from livekit import rtc
from livekit.agents import Agent, ModelSettings, llm

from clara.agent import instructions, memory, speech
from clara.agent.context import SessionContext
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.conversations import service as conversations
from clara.conversations.models import ToolCallRecord, Turn


class Clara(Agent):
    def __init__(self, ctx: SessionContext) -> None:
        self.ctx = ctx  # the conversation's recent turns are where the LLM picks up after a reconnect
        self._drafting = ctx.draft is not None
        super().__init__(instructions=self.current_instructions(), chat_ctx=memory.chat_context(ctx.conversation),
                         tools=self._offered())

    def _offered(self) -> list[llm.Tool | llm.Toolset]:
        offered: list[llm.Tool | llm.Toolset] = [*TOOLS, *DRAFT_TOOLS] if self._drafting else [*TOOLS]
        return offered

    def current_instructions(self) -> str:
        note = instructions.memory_note(self.ctx)
        base = instructions.build(self.ctx)
        return f"{base}\n\n{note}" if note else base

    async def sync(self) -> None:
        """Between turns: offer the draft tools exactly while a draft waits, and refresh the instructions."""
        drafting = self.ctx.draft is not None
        if drafting != self._drafting:
            self._drafting = drafting
            await self.update_tools(self._offered())
        text = self.current_instructions()
        if text != self.instructions:
            await self.update_instructions(text)

    async def begin_turn(self) -> None:
        """Before a turn: the day, the preferences and the job as they are now (changed over REST, by a dispatcher
        or on another instance), then the LLM's view to match."""
        await self.ctx.bridge.call(self.ctx.refresh())
        await self.sync()

    async def end_turn(self, *, user_text: str, reply: str, tool_calls: list[ToolCallRecord], llm_name: str,
                       interrupted: bool = False) -> Turn:
        """Persist the turn with the entities it touched and any draft it left, and keep the LLM's view current.
        An `interrupted` reply is what Clara said before the technician talked over her."""
        standard = memory.mentioned_standard(f"{user_text} {reply}")
        if standard:
            self.ctx.track(standard=standard)
        turn = Turn(str(uuid.uuid4()), user_text, reply, tool_calls, llm_name, interrupted)
        await self.ctx.bridge.call(conversations.save_turn(self.ctx.stores, self.ctx.conversation, turn))
        trimmed = self.chat_ctx.copy()
        if memory.trim(trimmed):
            await self.update_chat_ctx(trimmed)
        if self.ctx.voice:  # spoken turns have no begin_turn: the next one starts from what is current now
            await self.ctx.bridge.call(self.ctx.refresh())
        await self.sync()
        return turn

    async def tts_node(
        self, text: AsyncIterable[str], model_settings: ModelSettings
    ) -> AsyncIterable[rtc.AudioFrame]:
        """Voice output: the spoken form, only on the way to a TTS."""
        spoken = speech.spoken_stream(text, ssml=speech.accepts_ssml(self.session.tts))
        async for frame in Agent.default.tts_node(self, spoken, model_settings):
            yield frame
