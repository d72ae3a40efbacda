"""Text conversations: one `ChatSession` (`clara.chat.turns`) per conversation on the app's loop, opened here.

Sessions are kept while in use and closed when idle; the conversation itself lives in PostgreSQL, so a closed
session (or another instance) picks it up again from there.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from typing import Any

from livekit.agents import AgentSession

from clara.agent.bridge import Bridge
from clara.agent.clara import Clara
from clara.agent.context import load_context
from clara.agent.llm_select import LLMStack
from clara.analytics import service as analytics
from clara.analytics import usage
from clara.web.caller import CurrentUser, authorize
from clara.chat.turns import ChatSession, TurnOutput
from clara.jobs.travel import Point
from clara.mcp import clients as mcp_clients
from clara.platform import metrics
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.web.errors import ApiError

log = get_logger(__name__)

IDLE_SECONDS = 30 * 60  # an unused session's agent is closed; its conversation stays in PostgreSQL


class TextAgentSession(AgentSession):  # type: ignore[type-arg]
    """An AgentSession that keeps no record of the events it emitted.

    AgentSession (livekit-agents 1.8) appends every event to a list that a LiveKit job's session report reads when
    the room ends. A text conversation has no such report and lives for hours: that list, holding each turn's
    messages, speech handles and metrics, was the soak's memory growth (about 30 KB a turn, never given back).
    """

    def emit(self, event: Any, arg: Any) -> None:
        super().emit(event, arg)
        self._recorded_events.clear()


class ChatSessions:
    """The open text sessions of this process, by conversation id."""

    def __init__(self, stores: Stores, bridge: Bridge, stack: LLMStack) -> None:
        self.stores = stores
        self.bridge = bridge
        self.stack = stack
        self._sessions: dict[str, ChatSession] = {}
        self._by_user: dict[int, set[str]] = defaultdict(set)
        self._opening: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._reaper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._reaper = asyncio.create_task(self._reap(), name="clara-chat-reaper")

    async def aclose(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
        for session_id in list(self._sessions):
            await self._close(session_id)

    def sessions_of(self, user_id: int) -> list[ChatSession]:
        return [self._sessions[s] for s in sorted(self._by_user.get(user_id, ())) if s in self._sessions]

    @property
    def active(self) -> int:
        return len(self._sessions)

    @property
    def turns(self) -> int:
        return sum(s.turns for s in self._sessions.values())

    @property
    def tool_calls(self) -> int:
        return sum(s.tool_calls for s in self._sessions.values())

    async def open(
        self, *, actor: CurrentUser, user_id: int, session_id: str | None = None, job_id: int | None = None,
        fresh: bool = False, position: Point | None = None,
    ) -> ChatSession:
        """The session for this conversation: already open here, else loaded (or started) from PostgreSQL.

        `fresh` starts a new conversation (about `job_id`, if given) instead of continuing the latest.
        """
        authorize(actor, user_id)
        if session_id is not None and session_id in self._sessions:
            existing = self._sessions[session_id]
            authorize(actor, existing.user_id, field="session_id")
            if existing.user_id != user_id:
                raise ApiError(403, "forbidden", "that conversation belongs to another user", "session_id")
            if position is not None:
                existing.locate(position)
            return existing
        key = session_id or (f"new:{uuid.uuid4()}" if fresh else f"user:{user_id}:job:{job_id}")
        async with self._opening[key]:
            ctx = await load_context(self.stores, self.bridge, caller=actor, user_id=user_id, channel="text",
                                     job_id=job_id, conversation_id=session_id, fresh=fresh, position=position)
            conversation_id = ctx.conversation.id
            if conversation_id in self._sessions:
                if position is not None:
                    self._sessions[conversation_id].locate(position)
                return self._sessions[conversation_id]
            agent = Clara(ctx)
            output = TurnOutput()
            session: AgentSession = TextAgentSession(llm=self.stack.for_session(ctx.actor), vad=None,
                                                     user_away_timeout=None,
                                                     turn_handling={"turn_detection": None},
                                                     tools=mcp_clients.toolsets(self.stores.settings))
            session.output.transcription = output
            meter = usage.follow(session, self.stores, self.bridge.call, user_id=user_id, session_id=conversation_id,
                                 channel="text", per_turn=True)
            await session.start(agent)
            chat = ChatSession(conversation_id, user_id, agent, session, self.stack, output, meter)
            self._sessions[conversation_id] = chat
            self._by_user[user_id].add(conversation_id)
            metrics.agent_session_opened()
            await analytics.record(self.stores, type="session_started", user_id=user_id, session_id=conversation_id,
                                   properties={"channel": "text"})
            log.info("chat_session_opened", session_id=conversation_id, user_id=user_id,
                     resumed_turns=ctx.conversation.turns)
        self._opening.pop(key, None)
        return chat

    async def _close(self, session_id: str) -> None:
        chat = self._sessions.pop(session_id, None)
        if chat is None:
            return
        self._by_user[chat.user_id].discard(session_id)
        if not self._by_user[chat.user_id]:
            del self._by_user[chat.user_id]
        metrics.agent_session_closed()
        try:
            await chat.aclose()
        finally:
            await analytics.record(self.stores, type="session_ended", user_id=chat.user_id, session_id=session_id,
                                   properties={"channel": "text", "turns": chat.turns,
                                               "duration": round(time.time() - chat.created_at, 3)})

    async def close(self, session_id: str) -> None:
        """Close one session now (its conversation stays in PostgreSQL): a socket that started a new one."""
        await self._close(session_id)

    async def close_idle(self, now: float) -> int:
        """Close the sessions unused for IDLE_SECONDS at monotonic time `now`; how many were closed."""
        idle = [sid for sid, chat in self._sessions.items()
                if now - chat.last_used > IDLE_SECONDS and not chat.lock.locked()]
        for session_id in idle:
            log.info("chat_session_idle_closed", session_id=session_id)
            await self._close(session_id)
        return len(idle)

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(60)
            await self.close_idle(time.monotonic())
