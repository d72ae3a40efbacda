"""One text conversation's turns: the Clara agent in a roomless AgentSession, streamed as the contract's events.

A turn streams as events, in the contract's order: `tool_call`, `tool_result` (then `draft` when a write was read
back, `saved` when one was stored), `delta`..., then `done` (or `error`). WebSocket, SSE and JSON chat all consume
the same stream, so they cannot drift apart; `ask` collects it for the JSON reply. The app's confirm button and a
nameplate photo are turns too, without an LLM in between. `clara.chat.sessions` opens, keeps and closes them.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import ToolCallEnded, ToolCallStarted
from livekit.agents.voice.io import TextOutput

from clara.agent import memory
from clara.agent.heard import heard
from clara.agent.clara import Clara
from clara.agent.llm_select import LLMStack
from clara.agent.tools import nameplates
from clara.agent.tools.drafts import confirm as confirm_draft
from clara.analytics import service as analytics
from clara.analytics import usage
from clara.conversations.models import ToolCallRecord
from clara.jobs.travel import Point
from clara.platform import metrics
from clara.platform.logging import get_logger
from clara.web.errors import DATABASE_RETRY_AFTER, DATABASE_UNAVAILABLE, ApiError
from clara.web.http import Text

log = get_logger(__name__)

Event = dict[str, Any]
TURN_TIMEOUT = 60.0  # a turn that has not finished by then is cut short with an error
MAX_MESSAGE = 4000
MessageText = Text(MAX_MESSAGE)  # a chat message, as a WebSocket frame's text or a chat request's message
PHOTO_SENT = "(sent a photo of a nameplate)"  # the user's side of a photo turn, as saved and as the LLM sees it
_END = object()


class TurnOutput(TextOutput):
    """Streams the agent's text into the running turn's queue (the text path: no speech formatting here)."""

    def __init__(self) -> None:
        super().__init__(label="clara-chat", next_in_chain=None)
        self.queue: asyncio.Queue[Any] | None = None

    async def capture_text(self, text: str) -> None:
        if self.queue is not None and text:
            self.queue.put_nowait({"type": "delta", "text": text})

    def flush(self) -> None:
        """Nothing to do: `done` closes the turn."""


@dataclass
class Outcome:
    """A whole turn, for the JSON reply: the last event (`done` or `error`), the tool calls in call order, and
    the draft or saved record the turn produced."""

    last: Event
    tool_calls: list[ToolCallRecord]
    draft: Event | None = None
    saved: Event | None = None


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def _tool_output(output: str | None) -> dict[str, Any]:
    """A tool's result as the agent returned it (JSON text), or empty when it is not an object."""
    try:
        result = json.loads(output or "")
    except json.JSONDecodeError:
        return {}
    return result if isinstance(result, dict) else {}


def _citations(result: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The passages a knowledge search's answer was read from, for the `tool_result` frame (the console links them)."""
    results = result.get("results")
    if not isinstance(results, list):
        return None
    return [{key: hit.get(key) for key in CITATION_FIELDS} for hit in results if isinstance(hit, dict)]


CITATION_FIELDS = ("id", "document_id", "title", "section", "page", "citation", "answer", "confidence", "text")


def _side_events(result: dict[str, Any]) -> list[Event]:
    """The `draft` and `saved` frames a tool's result carries."""
    events: list[Event] = []
    if isinstance(result.get("draft"), dict):
        events.append({"type": "draft", **result["draft"]})
    if isinstance(result.get("saved"), dict):
        events.append({"type": "saved", **result["saved"]})
    return events


@dataclass
class ChatSession:
    id: str
    user_id: int
    agent: Clara
    session: AgentSession
    stack: LLMStack
    output: TurnOutput
    meter: usage.Meter
    created_at: float = field(default_factory=time.time)
    last_used: float = field(default_factory=time.monotonic)
    tool_calls: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def turns(self) -> int:
        return self.agent.ctx.conversation.turns

    def locate(self, position: Point) -> None:
        """Where the technician stands now ("here", "from here")."""
        self.agent.ctx.position = position

    async def turn(self, text: str) -> AsyncIterator[Event]:
        """Run one turn and yield its events; the last is `done` or `error`."""
        message = text.strip()  # its length was checked at the edge, by the MessageText of a frame or a request
        if not message:
            raise ApiError(400, "validation_error", "message must not be empty", "message")
        async with self.lock:
            self.last_used = time.monotonic()
            try:
                async for event in self._turn(message):
                    yield event
            except DATABASE_UNAVAILABLE as exc:  # the turn could not be read or saved: the contract's 503, as an event
                log.warning("turn_database_unavailable", session_id=self.id, error=type(exc).__name__)
                yield {"type": "error", "code": "database_unavailable",
                       "message": "Clara cannot reach her records just now; please try again shortly",
                       "retry_after": DATABASE_RETRY_AFTER}
            self.last_used = time.monotonic()

    async def ask(self, text: str) -> Outcome:
        """The whole turn at once (the JSON reply)."""
        outcome = Outcome(last={}, tool_calls=[])
        async for event in self.turn(text):
            if event["type"] in ("draft", "saved"):
                setattr(outcome, event["type"], event)
            outcome.last = event
        outcome.tool_calls = self.agent.ctx.conversation.recent[-1].tool_calls if outcome.last["type"] == "done" \
            else []
        return outcome

    async def confirm(self, *, draft_id: str, accept: bool) -> AsyncIterator[Event]:
        """The app's confirm button: the same as saying yes or no to the read-back, without an LLM in between."""
        async with self.lock:
            self.last_used = time.monotonic()
            ctx = self.agent.ctx
            await self.agent.begin_turn()
            arguments = {"draft_id": draft_id, "accept": accept}
            yield {"type": "tool_call", "name": "confirm_draft", "arguments": arguments}
            started = time.perf_counter()
            result = await ctx.bridge.call(confirm_draft(ctx, accept=accept, draft_id=draft_id))
            yield {"type": "tool_result", "name": "confirm_draft", "ok": True, "duration_ms": _ms(started)}
            for event in _side_events(result):
                yield event
            reply, said = result["say"], "yes" if accept else "no"
            history = self.agent.chat_ctx.copy()  # the LLM hears this answer like any other turn
            history.add_message(role="user", content=said)
            history.add_message(role="assistant", content=reply)
            await self.agent.update_chat_ctx(history)
            yield {"type": "delta", "text": reply}
            turn = await self.agent.end_turn(user_text=said, reply=reply, llm_name="app",
                                             tool_calls=[ToolCallRecord("confirm_draft", arguments, True)])
            self.tool_calls += 1
            yield {"type": "done", "text": reply, "turn_id": turn.turn_id}

    async def photo(self, data: bytes) -> AsyncIterator[Event]:
        """A nameplate photo from the app: read it as `read_nameplate` would (same vision service, no LLM in
        between), make its unit the session's current one, and say what it is. The LLM's history gets the call
        and its result, so Gemini and the offline LLM both know what "this one" is on the next turn."""
        async with self.lock:
            self.last_used = time.monotonic()
            ctx = self.agent.ctx
            await self.agent.begin_turn()
            started = time.perf_counter()
            result = await ctx.bridge.call(nameplates.photo(ctx, data))  # ApiError naming `data`: nothing said yet
            elapsed = time.perf_counter() - started
            metrics.observe_tool("read_nameplate", elapsed, True)
            await ctx.bridge.call(analytics.record(ctx.stores, type="tool_called", user_id=ctx.actor.id,
                                                   session_id=self.id, properties={
                                                       "name": "read_nameplate", "duration": round(elapsed, 6),
                                                       "ok": True}))
            yield {"type": "tool_call", "name": "read_nameplate", "arguments": {}}
            yield {"type": "tool_result", "name": "read_nameplate", "ok": True, "duration_ms": round(elapsed * 1000, 1)}
            yield {"type": "nameplate", **result["nameplate"]}
            reply = result["say"]
            call_id = f"photo_{uuid.uuid4().hex[:12]}"
            history = self.agent.chat_ctx.copy()
            history.add_message(role="user", content=PHOTO_SENT)
            history.items.append(llm.FunctionCall(call_id=call_id, name="read_nameplate", arguments="{}"))
            history.items.append(llm.FunctionCallOutput(call_id=call_id, name="read_nameplate", is_error=False,
                                                        output=json.dumps(result, separators=(",", ":"))))
            history.add_message(role="assistant", content=reply)
            await self.agent.update_chat_ctx(history)
            yield {"type": "delta", "text": reply}
            turn = await self.agent.end_turn(user_text=PHOTO_SENT, reply=reply, llm_name="app",
                                             tool_calls=[ToolCallRecord("read_nameplate", {}, True)])
            self.tool_calls += 1
            self.last_used = time.monotonic()
            yield {"type": "done", "text": reply, "turn_id": turn.turn_id}

    async def _turn(self, message: str) -> AsyncIterator[Event]:
        ctx = self.agent.ctx
        queue: asyncio.Queue[Any] = asyncio.Queue()
        calls: dict[str, tuple[str, dict[str, Any], float]] = {}
        records: dict[str, ToolCallRecord] = {}  # in call order
        replies: list[str] = []
        started = time.perf_counter()

        def on_tool(event: Any) -> None:
            update = event.update
            if isinstance(update, ToolCallStarted):
                call = update.function_call
                arguments = memory.tool_arguments(call.arguments)
                calls[call.call_id] = (call.name, arguments, time.perf_counter())
                records[call.call_id] = ToolCallRecord(call.name, arguments, False)
                queue.put_nowait({"type": "tool_call", "name": call.name, "arguments": arguments})
            elif isinstance(update, ToolCallEnded) and update.call_id in calls:
                name, arguments, began = calls[update.call_id]
                ok = update.status == "done"
                records[update.call_id] = ToolCallRecord(name, arguments, ok)
                result: Event = {"type": "tool_result", "name": name, "ok": ok, "duration_ms": _ms(began)}
                output = _tool_output(update.message) if ok else {}
                cited = _citations(output)
                if cited is not None:
                    result["citations"] = cited
                queue.put_nowait(result)
                for side in _side_events(output):
                    queue.put_nowait(side)

        def on_item(event: Any) -> None:
            item = event.item
            if getattr(item, "type", None) == "message" and item.role == "assistant" and item.text_content:
                replies.append(item.text_content)

        await self.agent.begin_turn()
        self.session.on("tool_execution_updated", on_tool)
        self.session.on("conversation_item_added", on_item)
        self.output.queue = queue
        await ctx.bridge.call(analytics.record(ctx.stores, type="user_message", user_id=ctx.actor.id,
                                               session_id=self.id, properties={"channel": "text",
                                                                               "chars": len(message)}))
        try:
            # The model, Gemini or offline, reads the words as meant ("m o c p" -> "MOCP", "n f p a ten" -> "NFPA
            # 10"); the turn is stored as the technician said it.
            handle = self.session.generate_reply(user_input=heard(message))
            handle.add_done_callback(lambda _: queue.put_nowait(_END))
            deadline = asyncio.get_running_loop().time() + TURN_TIMEOUT
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        event = await queue.get()
                except TimeoutError:
                    handle.interrupt(force=True)
                    yield {"type": "error", "code": "turn_timeout", "message": "Clara took too long to answer"}
                    return
                if event is _END:
                    break
                yield event
        finally:
            self.output.queue = None
            self.session.off("tool_execution_updated", on_tool)
            self.session.off("conversation_item_added", on_item)
        while not queue.empty():  # deltas that landed with the end marker
            event = queue.get_nowait()
            if event is not _END:
                yield event
        reply = " ".join(replies).strip()
        if not reply:
            log.error("turn_without_reply", session_id=self.id)
            yield {"type": "error", "code": "llm_unavailable",
                   "message": "Clara could not answer just now; please try again"}
            return
        self.tool_calls += len(records)
        llm_name = self.stack.served_by()
        reason = self.stack.fell_back()
        if reason is not None:
            await analytics.record(ctx.stores, type="llm_fallback_used", user_id=ctx.actor.id, session_id=self.id,
                                   properties={"reason": reason, "primary": "gemini", "fallback": "offline"})
        # The turn's LLM usage is stored before the client hears it is done, alongside the turn itself: two commits
        # on two connections at once rather than one after the other.
        usage_stored = asyncio.ensure_future(self.meter.settle())
        turn = await self.agent.end_turn(user_text=message, reply=reply, tool_calls=list(records.values()),
                                         llm_name=llm_name)
        memory.trim(self.session.history)  # the session's own transcript: nothing reads it beyond the window
        await ctx.bridge.call(analytics.record(
            ctx.stores, type="assistant_reply", user_id=ctx.actor.id, session_id=self.id,
            properties={"chars": len(reply), "duration": round(time.perf_counter() - started, 6), "llm": llm_name,
                        "tool_calls": len(records)},
        ))
        await usage_stored
        yield {"type": "done", "text": reply, "turn_id": turn.turn_id}

    async def aclose(self) -> None:
        await self.session.aclose()
        await self.meter.settle()  # a turn cut short before its `done` still has its usage stored
