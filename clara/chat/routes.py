"""Talking to Clara by text: WebSocket, JSON and SSE chat over the same turn stream, plus status and stats.

`WS /voice/ws/{user_id}?token=` takes `{"type": "message", "text"}` and `{"type": "ping"}` frames; a bad frame gets
an `error` event and the socket stays open. `POST /voice/chat/{user_id}` answers in one JSON body, or streams the
WebSocket's events as Server-Sent Events when the client accepts `text/event-stream`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from clara.agent import memory
from clara.auth.models import CurrentUser
from clara.chat.runtime import AgentRuntime
from clara.chat.sessions import MAX_MESSAGE, ChatSession
from clara.errors import ApiError, error_body, validation_error
from clara.http import current_user, get_int, get_str, json_body, parse_json, path_int, require_user_access
from clara.logging import get_logger
from clara.openapi import register_schemas
from clara.users import service as users

log = get_logger(__name__)

_TOOL_CALL = {
    "type": "object",
    "required": ["name", "arguments", "ok"],
    "properties": {"name": {"type": "string"}, "arguments": {"type": "object"}, "ok": {"type": "boolean"}},
}
register_schemas({
    "ChatRequest": {
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string", "minLength": 1, "maxLength": MAX_MESSAGE},
            "session_id": {"type": ["string", "null"], "format": "uuid",
                           "description": "Conversation to continue; default: your latest recent one"},
            "job_id": {"type": ["integer", "null"], "minimum": 1, "description": "Job the conversation is about"},
        },
    },
    "ChatReply": {
        "type": "object",
        "required": ["reply", "session_id", "tool_calls"],
        "properties": {
            "reply": {"type": "string"},
            "session_id": {"type": "string", "format": "uuid"},
            "turn_id": {"type": "string", "format": "uuid"},
            "tool_calls": {"type": "array", "items": _TOOL_CALL},
        },
    },
    "VoiceStatus": {
        "type": "object",
        "required": ["user_id", "sessions", "voice_room", "conversations"],
        "properties": {
            "user_id": {"type": "integer"},
            "sessions": {"type": "array", "items": {
                "type": "object", "required": ["session_id", "channel", "job_id", "turns"],
                "properties": {"session_id": {"type": "string"}, "channel": {"enum": ["text", "voice"]},
                               "job_id": {"type": ["integer", "null"]}, "turns": {"type": "integer"}},
            }},
            "voice_room": {"type": ["object", "null"], "properties": {
                "room": {"type": "string"}, "job_id": {"type": ["integer", "null"]}, "session_id": {"type": "string"},
            }},
            "conversations": {"type": "array", "items": {
                "type": "object", "required": ["session_id", "channel", "job_id", "turns", "updated_at"],
                "properties": {"session_id": {"type": "string"}, "channel": {"enum": ["text", "voice"]},
                               "job_id": {"type": ["integer", "null"]}, "turns": {"type": "integer"},
                               "updated_at": {"type": ["string", "null"], "format": "date-time"}},
            }},
        },
    },
    "VoiceStats": {
        "type": "object",
        "required": ["sessions", "turns", "tool_calls", "llm", "agent_worker"],
        "properties": {
            "sessions": {"type": "object", "required": ["text", "voice"],
                         "properties": {"text": {"type": "integer"}, "voice": {"type": "integer"}}},
            "turns": {"type": "integer", "description": "Turns held by the open sessions"},
            "tool_calls": {"type": "integer", "description": "Tool calls made in the open text sessions"},
            "llm": {"type": "object", "required": ["in_use", "primary", "state"], "properties": {
                "in_use": {"enum": ["gemini", "offline"]}, "primary": {"enum": ["gemini", "offline"]},
                "state": {"type": "string"}, "detail": {"type": "string"}, "fallbacks": {"type": "integer"},
            }},
            "agent_worker": {"type": "object", "required": ["state"], "properties": {
                "state": {"type": "string"}, "detail": {"type": "string"}}},
        },
    },
})


def _runtime(request: Request | WebSocket) -> AgentRuntime:
    runtime: AgentRuntime = request.app.state.agent
    return runtime


async def _session(runtime: AgentRuntime, stores: Any, actor: CurrentUser, user_id: int, session_id: str | None,
                   job_id: int | None) -> ChatSession:
    await users.get_user(stores, actor=actor, user_id=user_id)  # 403 for someone else, then 404 for no one
    return await runtime.chats.open(actor=actor, user_id=user_id, session_id=session_id, job_id=job_id)


def _optional_id(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    return get_int({name: raw}, name, minimum=1, maximum=2**62)


async def chat(request: Request) -> Response:
    """
    summary: Send Clara a message; JSON reply, or the WebSocket's events as Server-Sent Events
    description: >
      With `Accept: text/event-stream` the answer streams as SSE events `tool_call`, `tool_result`, `delta`...,
      then `done` (or `error`), each with the same JSON data as the WebSocket frames; the response's
      `X-Session-ID` header names the conversation.
    tags: [chat]
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/ChatRequest'}}}}
    responses:
      200:
        description: Clara's reply
        content:
          application/json: {schema: {$ref: '#/components/schemas/ChatReply'}}
          text/event-stream: {schema: {type: string}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      503: {$ref: '#/components/responses/Unavailable'}
    """
    user_id = path_int(request, "user_id")
    actor = require_user_access(request, user_id)
    body = await json_body(request)
    message = get_str(body, "message", required=True, max_length=MAX_MESSAGE)
    session_id = get_str(body, "session_id", max_length=64)
    job_id = get_int(body, "job_id", minimum=1, maximum=2**62)
    assert message is not None
    session = await _session(_runtime(request), request.app.state.stores, actor, user_id, session_id, job_id)
    if "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(_sse(session, message), media_type="text/event-stream",
                                 headers={"X-Session-ID": session.id, "Cache-Control": "no-cache"})
    events = [event async for event in session.turn(message)]  # the whole turn: the session is free again
    calls: list[dict[str, Any]] = []
    for event in events:
        if event["type"] == "tool_call":
            calls.append({"name": event["name"], "arguments": event["arguments"], "ok": False})
        elif event["type"] == "tool_result":
            # results come back in call order: the first call of that name still without one gets it
            waiting = next((c for c in calls if c["name"] == event["name"] and "done" not in c), None)
            if waiting is not None:
                waiting.update(ok=event["ok"], done=True)
    last = events[-1]
    if last["type"] != "done":
        raise ApiError(503, last["code"], last["message"], headers={"Retry-After": "5"})
    tool_calls = [{k: v for k, v in c.items() if k != "done"} for c in calls]
    return JSONResponse({"reply": last["text"], "session_id": session.id, "turn_id": last["turn_id"],
                         "tool_calls": tool_calls})


async def _sse(session: ChatSession, message: str) -> AsyncIterator[str]:
    async for event in session.turn(message):
        yield f"event: {event['type']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n"


async def status(request: Request) -> JSONResponse:
    """
    summary: A user's open Clara sessions, voice room and recent conversations
    tags: [chat]
    parameters:
      - {name: user_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      200: {description: Status, content: {application/json: {schema: {$ref: '#/components/schemas/VoiceStatus'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    user_id = path_int(request, "user_id")
    actor = require_user_access(request, user_id)
    stores = request.app.state.stores
    await users.get_user(stores, actor=actor, user_id=user_id)
    runtime = _runtime(request)
    sessions = [{"session_id": s.id, "channel": "text", "job_id": s.agent.ctx.conversation.job_id, "turns": s.turns}
                for s in runtime.chats.sessions_of(user_id)]
    room = next((r for r in runtime.worker.rooms.values() if r.user_id == user_id), None)
    if room is not None:
        sessions.append({"session_id": room.conversation_id, "channel": "voice", "job_id": room.job_id, "turns": 0})
    recent = await memory.recent_conversations(stores, actor=actor, user_id=user_id)
    return JSONResponse({
        "user_id": user_id,
        "sessions": sessions,
        "voice_room": None if room is None else {"room": room.room, "job_id": room.job_id,
                                                 "session_id": room.conversation_id},
        "conversations": [{"session_id": c.id, "channel": c.channel, "job_id": c.job_id, "turns": c.turns,
                           "updated_at": c.updated_at.isoformat() if c.updated_at else None} for c in recent],
    })


async def stats(request: Request) -> JSONResponse:
    """
    summary: Clara's sessions, turns, tool calls and the LLM in use on this instance
    tags: [chat]
    responses:
      200: {description: Stats, content: {application/json: {schema: {$ref: '#/components/schemas/VoiceStats'}}}}
    """
    current_user(request)
    runtime = _runtime(request)
    chats = runtime.chats
    state, detail = runtime.stack.health()
    worker_state, worker_detail = runtime.worker.health()
    return JSONResponse({
        "sessions": {"text": chats.active, "voice": len(runtime.worker.rooms)},
        "turns": chats.turns,
        "tool_calls": chats.tool_calls,
        "llm": {"in_use": runtime.stack.in_use(), "primary": runtime.stack.primary, "state": state,
                "detail": detail, "fallbacks": runtime.stack.fallbacks},
        "agent_worker": {"state": worker_state, "detail": worker_detail},
    })


# -- WebSocket ---------------------------------------------------------------------------------------------------------


async def _deny(websocket: WebSocket, error: ApiError) -> None:
    """Refuse the handshake with the contract's error body where the server can send one, else close 1008."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse(error_body(error.code, error.message, error.field),
                                                          error.status))
    else:
        await websocket.close(code=1008, reason=error.message[:120])


async def voice_ws(websocket: WebSocket) -> None:
    """Talk to Clara by text over a socket (`?token=` carries the bearer token)
    Client frames: `{"type": "message", "text": "..."}` and `{"type": "ping"}`. Server frames, per turn, in order:
    `{"type": "tool_call", "name", "arguments"}`, `{"type": "tool_result", "name", "ok"}`, `{"type": "delta", "text"}`
    ..., then `{"type": "done", "text", "turn_id"}`; `{"type": "pong"}` answers a ping; `{"type": "job_updated", ...}`
    arrives when a dispatcher changes one of the user's jobs. Errors are `{"type": "error", "code", "message"}` and
    leave the socket open. Another user's id is refused; the conversation continues after a reconnect. Close code 1012
    means the server is restarting: reconnect.
    """
    try:
        user_id = path_int(websocket, "user_id")
        actor = require_user_access(websocket, user_id)
        session = await _session(_runtime(websocket), websocket.app.state.stores, actor, user_id,
                                 websocket.query_params.get("session_id") or None,
                                 _optional_id(websocket.query_params.get("job_id"), "job_id"))
    except ApiError as error:
        await _deny(websocket, error)
        return
    await websocket.accept()
    await Conversation(websocket, session).run()


class Conversation:
    """One socket: frames in, events out. Pings are answered at once, even while a turn is running."""

    def __init__(self, websocket: WebSocket, session: ChatSession) -> None:
        self.websocket = websocket
        self.session = session
        self.messages: asyncio.Queue[str | None] = asyncio.Queue()
        self.send_lock = asyncio.Lock()
        self.open = True

    async def send(self, event: dict[str, Any]) -> None:
        if not self.open:
            return
        async with self.send_lock:
            try:
                await self.websocket.send_json(event)
            except (WebSocketDisconnect, RuntimeError):
                self.open = False  # the client left mid-turn; the turn still finishes and is saved

    async def run(self) -> None:
        worker = asyncio.create_task(self._turns())
        # Job updates (a dispatcher's PATCH on any instance) arrive on this socket as they happen: clara.live.
        live = asyncio.create_task(self.websocket.app.state.stores.live.pump(self.session.user_id, self.send))
        try:
            while True:
                raw = await self.websocket.receive_text()
                await self._frame(raw)
        except WebSocketDisconnect:
            pass
        finally:
            self.open = False
            live.cancel()
            self.messages.put_nowait(None)
            await asyncio.gather(live, return_exceptions=True)
            await worker

    async def _frame(self, raw: str) -> None:
        try:
            frame = parse_json(raw)  # the edge's rules for JSON: no NUL, lone surrogate or unsafe number
        except ApiError as exc:
            await self._error(validation_error("frame", "frames must be JSON objects") if exc.field == "body" else exc)
            return
        if not isinstance(frame, dict):
            await self._error(validation_error("frame", "frames must be JSON objects"))
            return
        kind = frame.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "message":
            text = frame.get("text")
            if not isinstance(text, str) or not text.strip():
                await self._error(validation_error("text", "a message frame needs a non-empty text"))
            elif len(text) > MAX_MESSAGE:
                await self._error(validation_error("text", f"text must be at most {MAX_MESSAGE} characters"))
            else:
                self.messages.put_nowait(text)
        else:
            await self._error(validation_error("type", "type must be message or ping"))

    async def _error(self, error: ApiError) -> None:
        await self.send({"type": "error", "code": error.code, "message": error.message})

    async def _turns(self) -> None:
        while (text := await self.messages.get()) is not None:
            try:
                async for event in self.session.turn(text):
                    await self.send(event)
            except ApiError as error:
                await self._error(error)
            except Exception:  # a broken turn must not take the socket down with it
                log.exception("chat_turn_failed", session_id=self.session.id)
                await self.send({"type": "error", "code": "internal_error", "message": "something went wrong"})


routes = [
    WebSocketRoute("/voice/ws/{user_id}", voice_ws),
    Route("/voice/chat/{user_id}", chat, methods=["POST"]),
    Route("/voice/status/{user_id}", status, methods=["GET"]),
    Route("/voice/stats", stats, methods=["GET"]),
]
