"""The LiveKit agent worker, inside the app's process and lifespan.

`AgentServer` registers as agent "clara" and, with the THREAD executor, runs each job (a technician joining a job's
room with the token from get-token) in a thread of this process, on that thread's own loop. The job reaches the
app's pools only through the bridge. The supervisor keeps retrying with backoff while LiveKit is unreachable, so the
HTTP side never waits on it, and shutdown drains running jobs before closing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from livekit.agents import AgentServer, AgentSession, JobContext, JobExecutorType, llm, room_io
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from clara.platform import metrics
from clara.agent import memory
from clara.agent.bridge import Bridge
from clara.agent.clara import Clara
from clara.agent.context import load_context
from clara.agent.llm_offline import OfflineLLM
from clara.agent.llm_select import LLMStack, knowledge_matcher, place_loader, upload_matcher
from clara.agent.realtime import ResumingRealtimeModel, realtime_model
from clara.analytics import service as analytics
from clara.analytics import usage
from clara.web.caller import CurrentUser
from clara.conversations.models import ToolCallRecord
from clara.platform.logging import get_logger
from clara.mcp import clients as mcp_clients
from clara.settings import Settings
from clara.stores import Stores

log = get_logger(__name__)

AGENT_NAME = "clara"
MAX_BACKOFF = 60.0
DRAIN_SECONDS = 3  # of the 10 s a platform allows after SIGTERM: 3 for requests, 3 here, the rest to close
# Voice rooms this process takes before it tells LiveKit it is full. LiveKit's default load is the machine's CPU,
# which here counts the HTTP side and any neighbour too: on a busy shared host it declined every job (seen in tests).
VOICE_ROOMS = 8


PositiveId = Annotated[StrictInt, Field(gt=0)]  # strict: "7" and true are a producer's bug, not an id


class Dispatch(BaseModel):
    """What get-token put in the agent dispatch's metadata (`clara/jobs/voice.py`); other keys are ignored."""

    model_config = ConfigDict(frozen=True)

    user_id: PositiveId
    job_id: PositiveId | None = None


def parse_dispatch(metadata: str) -> Dispatch:
    """`{"user_id", "job_id"}`; a ValueError names what is wrong (the job then ends instead of guessing a user)."""
    try:
        return Dispatch.model_validate_json(metadata or "{}")
    except ValidationError as exc:
        error = exc.errors()[0]
        if not error["loc"]:
            raise ValueError("dispatch metadata is not JSON" if error["type"] == "json_invalid"
                             else "dispatch metadata must be a JSON object") from None
        raise ValueError(f"dispatch metadata {'.'.join(map(str, error['loc']))}: {error['msg']}") from None


def resolve_job(room: str, metadata: str) -> Dispatch:
    """Whom and which job a room's dispatch is for: get-token names the job twice (room `job-<id>` and the
    metadata); a room and a dispatch that disagree are refused rather than guessed between."""
    dispatch = parse_dispatch(metadata)
    prefix, _, number = room.partition("-")
    if prefix != "job" or not number.isdigit():
        return dispatch  # a room get-token did not make (the console's, a test's): the metadata alone decides
    if dispatch.job_id is not None and dispatch.job_id != int(number):
        raise ValueError(f"room {room} does not match the dispatch's job {dispatch.job_id}")
    return Dispatch(user_id=dispatch.user_id, job_id=int(number))


@dataclass
class VoiceRoom:
    room: str
    user_id: int
    job_id: int | None
    conversation_id: str
    started_at: float = field(default_factory=time.time)


class AgentWorker:
    """Owns the AgentServer: started and stopped by the app's lifespan, reported by /health."""

    def __init__(self, settings: Settings, stores: Stores, bridge: Bridge, stack: LLMStack) -> None:
        self.settings = settings
        self.stores = stores
        self.bridge = bridge
        self.stack = stack
        self.rooms: dict[str, VoiceRoom] = {}
        self.attempts = 0
        self._state = "disabled"
        self._detail = self._disabled_reason()
        self._server: AgentServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def _disabled_reason(self) -> str:
        if not self.settings.agent_worker_enabled:
            return "AGENT_WORKER_ENABLED is off"
        return "LiveKit is not configured (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET)"

    @property
    def enabled(self) -> bool:
        return self.settings.agent_worker_enabled and self.settings.livekit_configured

    def health(self) -> tuple[str, str]:
        if self._state == "ok" and self._server is not None and getattr(self._server, "_connecting", False):
            return "connecting", "reconnecting to LiveKit"
        return self._state, self._detail

    async def start(self) -> None:
        if not self.enabled:
            log.info("agent_worker_disabled", reason=self._detail)
            return
        self._state, self._detail = "connecting", "connecting to LiveKit"
        self._task = asyncio.create_task(self._supervise(), name="clara-agent-worker")

    async def aclose(self) -> None:
        """Drain running voice sessions, then stop; safe to call when the worker never started."""
        self._stopping = True
        server = self._server
        if server is not None:
            try:
                await server.drain(timeout=DRAIN_SECONDS)
            except Exception as exc:  # jobs still running at the deadline, or a server already stopped between retries
                log.warning("agent_worker_drain_incomplete", error=type(exc).__name__)
            await server.aclose()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.enabled:
            self._state, self._detail = "disabled", "stopped"

    async def _supervise(self) -> None:
        """Run the server; when it gives up connecting, start a fresh one after a growing pause."""
        backoff = 1.0
        while not self._stopping:
            self.attempts += 1
            server = self._new_server()
            self._server = server
            try:
                await server.run()
            except Exception as exc:  # LiveKit unreachable for good (for now): say so, wait, try again
                self._state, self._detail = "connecting", f"LiveKit unreachable ({type(exc).__name__}); retrying"
                log.warning("agent_worker_disconnected", error=str(exc), retry_in=backoff)
            finally:
                await server.aclose()
            if self._stopping:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    def _new_server(self) -> AgentServer:
        url, key, secret = self.settings.livekit
        server = AgentServer(
            job_executor_type=JobExecutorType.THREAD, num_idle_processes=0, ws_url=url, api_key=key.get_secret_value(),
            api_secret=secret.get_secret_value(), host="127.0.0.1", port=0, drain_timeout=DRAIN_SECONDS,
            load_fnc=lambda: len(self.rooms) / VOICE_ROOMS, load_threshold=(VOICE_ROOMS - 0.5) / VOICE_ROOMS,
        )

        def registered(worker_id: str, *_: Any) -> None:
            self._state, self._detail = "ok", f"registered as {worker_id}"
            log.info("agent_worker_registered", worker_id=worker_id)

        server.on("worker_registered", registered)
        server.rtc_session(self._entrypoint, agent_name=AGENT_NAME)
        return server

    async def _entrypoint(self, job: JobContext) -> None:
        """One voice room, in a job thread on its own loop."""
        dispatch = resolve_job(job.job.room.name, job.job.metadata)
        log.info("voice_job_resolved", room=job.job.room.name, user_id=dispatch.user_id, job_id=dispatch.job_id)
        await job.connect()
        actor = CurrentUser(id=dispatch.user_id, role="technician")  # whom get-token dispatched Clara for
        ctx = await load_context(self.stores, self.bridge, caller=actor, user_id=dispatch.user_id, channel="voice",
                                 job_id=dispatch.job_id)
        agent = Clara(ctx)
        room = VoiceRoom(job.room.name, dispatch.user_id, dispatch.job_id, ctx.conversation.id)
        self.rooms[room.room] = room
        # The camera the app publishes: at most a frame a second kept for read_nameplate and sent to Gemini Live.
        session: AgentSession = AgentSession(llm=self._voice_llm(ctx.actor), vad=None, **self._turn_handling(),
                                             tools=mcp_clients.toolsets(self.settings),
                                             video_sampler=ctx.camera.sample)
        follow_turns(session, agent, llm_name="gemini" if self.settings.google_api_key else "offline")
        usage.follow(session, self.stores, self.bridge.call, user_id=actor.id, session_id=ctx.conversation.id,
                     channel="voice")  # Gemini Live's tokens (audio and text), per turn
        metrics.agent_session_opened()
        await self.bridge.call(analytics.record(self.stores, type="session_started", user_id=actor.id,
                                                session_id=ctx.conversation.id, properties={"channel": "voice"}))

        async def closed() -> None:
            self.rooms.pop(room.room, None)
            metrics.agent_session_closed()
            await self.bridge.call(analytics.record(
                self.stores, type="session_ended", user_id=actor.id, session_id=ctx.conversation.id,
                properties={"channel": "voice", "turns": ctx.conversation.turns,
                            "duration": round(time.time() - room.started_at, 3)},
            ))

        job.add_shutdown_callback(closed)
        # Without Gemini there is no speech model: the room still gets Clara over LiveKit's text streams.
        options = room_io.RoomOptions(video_input=True) if self.settings.google_api_key else room_io.RoomOptions(
            audio_input=False, audio_output=False, text_input=True, text_output=True, video_input=True)
        await session.start(agent, room=job.room, room_options=options)

    def _turn_handling(self) -> dict[str, Any]:
        """Gemini Live detects turns itself; Clara over text streams needs no detector at all."""
        return {} if self.settings.google_api_key else {"turn_handling": {"turn_detection": None}}

    def _voice_llm(self, actor: CurrentUser) -> llm.LLM | llm.RealtimeModel:
        """Gemini Live with a key; else an offline LLM of the room's own (the shared one's caches belong to the app's
        loop) whose remark check and upload naming read the documents `actor` may read, their own uploads included,
        as the room's knowledge searches do."""
        if self.settings.google_api_key:
            return realtime_model(model=self.settings.gemini_realtime_model,
                                  api_key=self.settings.google_api_key.get_secret_value())
        return OfflineLLM(places=place_loader(self.stores, self.bridge), tool_index=self.stack.offline.tool_index,
                          people=self.stack.offline.people,
                          knows=knowledge_matcher(self.stores, self.bridge)(actor),
                          names_upload=upload_matcher(self.stores, self.bridge)(actor))


def follow_turns(session: AgentSession, agent: Clara, *, llm_name: str) -> None:
    """Persist each spoken turn as it completes (user words, tools used, Clara's reply, and whether the technician
    talked over it or the connection cut it off: then the reply is what was said up to that point; a question
    talked over before any answer is saved with an empty reply). A filler said while a slow tool ran is not the
    reply: the answer after it is."""
    pending: dict[str, Any] = {"user": None, "tools": []}
    saving: set[asyncio.Task[Any]] = set()  # held until done: the loop keeps only weak references to tasks
    model = session.llm

    def cut(message_id: str) -> bool:
        """An answer the connection cut off is recorded like one the technician talked over: partial."""
        return isinstance(model, ResumingRealtimeModel) and model.cut_short(message_id)

    def saved(task: asyncio.Task[Any]) -> None:
        saving.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("voice_turn_not_saved", error=repr(task.exception()))

    def on_item(event: Any) -> None:
        item = event.item
        if getattr(item, "type", None) != "message":
            return
        fillers = agent.ctx.fillers
        if item.role == "user":
            if pending["user"] is not None:  # talked over before any answer (a slow lookup, say): still a turn
                save(pending["user"], "", pending["tools"], interrupted=True)
            pending["user"], pending["tools"] = item.text_content or "", []
            fillers[:] = [h for h in fillers if not h.done()]
        elif item.role == "assistant" and any(item in h.chat_items for h in fillers):
            return  # "Checking the manual…" while a tool ran: the turn's reply is the answer that follows
        elif item.role == "assistant" and pending["user"] is not None:
            save(pending["user"], item.text_content or "", pending["tools"],
                 interrupted=bool(item.interrupted) or cut(item.id))

    def save(user_text: str, reply: str, tools: list[ToolCallRecord], *, interrupted: bool) -> None:
        pending["user"], pending["tools"] = None, []
        task = asyncio.create_task(agent.end_turn(user_text=user_text, reply=reply, tool_calls=tools,
                                                  llm_name=llm_name, interrupted=interrupted))
        saving.add(task)
        task.add_done_callback(saved)

    def on_tools(event: Any) -> None:
        for call, output in event.zipped():
            arguments = memory.tool_arguments(call.arguments)
            # A tool stopped by an interruption is answered with an empty output (livekit's silent reply to the
            # model); every tool that ran to the end says something, so an empty answer is one not given.
            ok = output is not None and not output.is_error and bool(output.output)
            pending["tools"].append(ToolCallRecord(call.name, arguments, ok))

    session.on("conversation_item_added", on_item)
    session.on("function_tools_executed", on_tools)
