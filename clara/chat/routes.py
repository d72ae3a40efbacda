"""Talking to Clara by text: WebSocket, JSON and SSE chat over the same turn stream, plus status and stats.

`WS /voice/ws/{user_id}` is served by `clara.chat.socket`; `POST /voice/chat/{user_id}` answers in one JSON body,
or streams the WebSocket's events as Server-Sent Events when the client accepts `text/event-stream`. Each chat
request spends one request of the caller's API budget, like any HTTP route (429 with `Retry-After` beyond it).
"""

from __future__ import annotations

import json
from typing import Annotated, AsyncIterator

from pydantic import ConfigDict, Field, StrictBool, model_validator
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from clara.chat.frames import ClientFrame
from clara.chat.models import (
    ChatReply, LLMStatus, OpenSession, RecentConversation, ServerFrame, SessionCounts, VoiceRoom, VoiceStats,
    VoiceStatus, WorkerStatus,
)
from clara.chat.runtime import AgentRuntime
from clara.chat.turns import ChatSession, MessageText
from clara.chat.socket import Opening, deny, serve
from clara.conversations import service as conversations
from clara.web.errors import ApiError
from clara.web.http import (
    Id, Input, Media, OptionalText, PointQuery, accepts, current_user, respond, validate,
)
from clara.web.openapi import register_types
from clara.users import service as users


class ChatRequest(PointQuery):
    """One message to Clara; latitude and longitude (together) say where the technician stands: what "here" and
    "from here" mean."""

    # The schema says what `_new_or_continued` refuses: a new conversation names no session to continue (blank
    # and null are none, as OptionalText reads them; `\s` is Python's in the validators that read this schema).
    model_config = ConfigDict(json_schema_extra={
        **PointQuery.model_config["json_schema_extra"],  # type: ignore[dict-item]
        "if": {"required": ["new_session"], "properties": {"new_session": {"const": True}}},
        "then": {"properties": {"session_id": {"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^\\s*$"}]}}},
    })

    message: MessageText
    session_id: Annotated[OptionalText(64), Field(json_schema_extra={"format": "uuid"})] = Field(
        None, description="Conversation to continue; default: your latest recent one")
    job_id: Id | None = Field(None, description="Job the conversation is about")
    new_session: StrictBool = Field(False, description=(
        "Start a new conversation (about `job_id`, if given) instead of continuing the latest; not with "
        "`session_id`"))

    @model_validator(mode="after")
    def _new_or_continued(self) -> ChatRequest:
        if self.new_session and self.session_id is not None:
            raise PydanticCustomError("new_session", "new_session starts a conversation: leave out session_id",
                                      {"field": "new_session"})
        return self


class SocketAddress(Input):
    """A socket's URL: whose socket it is, and what its query may add: the conversation to continue, or the job a
    new one is about."""

    user_id: Id
    session_id: OptionalText(64) = None
    job_id: Id | None = None


# The socket's frames, which SSE events carry too: no route answers them as a body, so they are named here.
register_types(ServerFrame, inputs=(ClientFrame,))


def _runtime(request: Request | WebSocket) -> AgentRuntime:
    runtime: AgentRuntime = request.app.state.agent
    return runtime


@accepts(body=ChatRequest, scoped="user_id", answers=(ChatReply, Media(
    "text/event-stream", "With `Accept: text/event-stream`: the turn's events, each a `ServerFrame` as `data`")))
async def chat(request: Request, body: ChatRequest, user_id: int) -> Response:
    """
    summary: Send Clara a message; JSON reply, or the WebSocket's events as Server-Sent Events
    description: >
      With `Accept: text/event-stream` the answer streams as SSE events `tool_call`, `tool_result`, `draft`,
      `saved`, `delta`..., then `done` (or `error`), each with the same JSON data as the WebSocket frames; the
      response's `X-Session-ID` header names the conversation. `latitude`/`longitude` tell Clara where the
      technician stands ("here", "from here"); `new_session: true` starts a new conversation. Logging a deficiency
      or changing a job's status is read back first (`draft`) and stored only once the technician answers yes in
      a following message (`saved`). Each call spends one request of the caller's API budget.
    tags: [chat]
    responses:
      200: Clara's reply
    """
    actor, message = current_user(request), body.message
    await users.get_user(request.app.state.stores, actor=actor, user_id=user_id)  # 403 for someone else, 404 for no one
    session = await _runtime(request).chats.open(actor=actor, user_id=user_id, session_id=body.session_id,
                                                 job_id=body.job_id, fresh=body.new_session, position=body.point)
    if "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(_sse(session, message), media_type="text/event-stream",
                                 headers={"X-Session-ID": session.id, "Cache-Control": "no-cache"})
    outcome = await session.ask(message)
    if outcome.last["type"] != "done":
        raise ApiError(503, outcome.last["code"], outcome.last["message"], headers={"Retry-After": "5"})
    return respond(ChatReply(outcome.last["text"], session.id, outcome.last["turn_id"], outcome.tool_calls,
                             outcome.draft, outcome.saved))


async def _sse(session: ChatSession, message: str) -> AsyncIterator[str]:
    async for event in session.turn(message):
        yield f"event: {event['type']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n"


@accepts(scoped="user_id", answers=VoiceStatus)
async def status(request: Request, user_id: int) -> Response:
    """
    summary: A user's open Clara sessions, voice room and recent conversations
    tags: [chat]
    """
    actor = current_user(request)
    stores = request.app.state.stores
    await users.get_user(stores, actor=actor, user_id=user_id)
    runtime = _runtime(request)
    sessions = [OpenSession(s.id, "text", s.agent.ctx.conversation.job_id, s.turns)
                for s in runtime.chats.sessions_of(user_id)]
    room = next((r for r in runtime.worker.rooms.values() if r.user_id == user_id), None)
    if room is not None:
        sessions.append(OpenSession(room.conversation_id, "voice", room.job_id, 0))
    recent = await conversations.recent_conversations(stores, actor=actor, user_id=user_id)
    return respond(VoiceStatus(
        user_id, sessions, None if room is None else VoiceRoom(room.room, room.job_id, room.conversation_id),
        [RecentConversation(c.id, c.channel, c.job_id, c.turns, c.updated_at)  # type: ignore[arg-type]
         for c in recent],
    ))


@accepts(answers=VoiceStats)
async def stats(request: Request) -> Response:
    """
    summary: Clara's sessions, turns, tool calls and the LLM in use on this instance
    tags: [chat]
    """
    current_user(request)
    runtime = _runtime(request)
    chats = runtime.chats
    state, detail = runtime.stack.health()
    worker_state, worker_detail = runtime.worker.health()
    return respond(VoiceStats(
        SessionCounts(chats.active, len(runtime.worker.rooms)), chats.turns, chats.tool_calls,
        LLMStatus(runtime.stack.in_use(), runtime.stack.primary, state, detail,  # type: ignore[arg-type]
                  runtime.stack.fallbacks),
        WorkerStatus(worker_state, worker_detail),
    ))


async def voice_ws(websocket: WebSocket) -> None:
    """Talk to Clara by text over a socket
    Authenticate with the handshake (`Sec-WebSocket-Protocol: bearer, <token>`, answered with `bearer`; or
    `?token=`), or with a first frame `{"type": "auth", "token"}` within 5 s (else an `error` frame and close code
    1008). Client frames: `message` {text}, `ping`, `location` {latitude, longitude, accuracy_m?}, `new_session`
    {job_id?} (answered by `{"type": "session", "session_id", "job_id"}`), `confirm` {draft_id, accept}. Server frames,
    per turn, in order: `{"type": "tool_call", "name", "arguments"}`, `{"type": "tool_result", "name", "ok"}`, then
    `{"type": "draft", "draft_id", "kind", "fields", "text"}` when a write is read back or `{"type": "saved", "kind",
    "id"}` once stored, `{"type": "delta", "text"}`..., then `{"type": "done", "text", "turn_id"}`; `{"type": "pong"}`
    answers a ping; `{"type": "job_updated", ...}` arrives when a dispatcher changes one of the user's jobs. Errors
    are `{"type": "error", "code", "message", "field"?}` and leave the socket open; a turn over the caller's API
    budget gets code `rate_limited` with `retry_after` seconds. Another user's id is refused; the conversation
    continues after a reconnect. Close code 1012 means the server is restarting: reconnect.
    """
    try:
        said = {k: v for k, v in websocket.query_params.items() if k in ("session_id", "job_id") and v != ""}
        address = validate(SocketAddress, {**said, "user_id": websocket.path_params["user_id"]})
        opening = Opening(address.user_id, address.session_id, address.job_id)
    except ApiError as error:
        await deny(websocket, error)
        return
    await serve(websocket, opening)


routes = [
    WebSocketRoute("/voice/ws/{user_id}", voice_ws),
    Route("/voice/chat/{user_id}", chat, methods=["POST"]),
    Route("/voice/status/{user_id}", status, methods=["GET"]),
    Route("/voice/stats", stats, methods=["GET"]),
]
