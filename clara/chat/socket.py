"""One chat WebSocket: authentication, frames in, events out.

The token comes with the handshake (`Sec-WebSocket-Protocol: bearer, <token>`, the `Authorization` header, or the
old `?token=`) or as the first frame, `{"type": "auth", "token"}`, within `AUTH_SECONDS`. Then: messages and
confirms are turns, one at a time, each spending one request of the caller's API budget (over it: an `error`
frame with `retry_after`, the socket stays open); pings are answered at once, even mid-turn; `location` tells the
session where the technician stands; `new_session` starts a new conversation; an `image` (a nameplate photo) is a
turn that reads it and makes its unit the session's current one. Job updates for the user arrive as
they happen. A bad frame gets an `error` frame naming its field. One user holds at most `MAX_SOCKETS_PER_USER`
sockets on an instance: each holds a file descriptor and a conversation, and a script opening thousands would run
the server out of descriptors for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Iterator

from starlette.authentication import AuthenticationError
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from clara.web import ratelimit
from clara.auth.backend import BEARER_SUBPROTOCOL, BearerTokenBackend, IdentityUnavailable, presented_token
from clara.web.caller import CurrentUser, authorize
from clara.chat import frames
from clara.chat.runtime import AgentRuntime
from clara.chat.turns import ChatSession
from clara.web.errors import ApiError, error_body, validation_error
from clara.platform.logging import get_logger
from clara.users import service as users

log = get_logger(__name__)

AUTH_SECONDS = 5.0
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
# A phone, a tablet and the console, each reconnecting while its old socket times out: far above one person's use.
MAX_SOCKETS_PER_USER = 20

Event = dict[str, Any]
Turn = Callable[[], AsyncIterator[Event]]


@dataclass(frozen=True)
class Opening:
    """What the handshake asked for."""

    user_id: int
    session_id: str | None
    job_id: int | None


def error_frame(error: ApiError, **extra: Any) -> Event:
    frame: Event = {"type": "error", "code": error.code, "message": error.message}
    if error.field:
        frame["field"] = error.field
    return {**frame, **extra}


async def serve(websocket: WebSocket, opening: Opening) -> None:
    """Authenticate, take one of the caller's seats, open the conversation, then run the socket until the client
    leaves."""
    subprotocol = BEARER_SUBPROTOCOL if BEARER_SUBPROTOCOL in websocket.scope.get("subprotocols", []) else None
    caller = websocket.scope.get("user")
    held = _held_sockets(websocket)
    with contextlib.ExitStack() as seats:
        if isinstance(caller, CurrentUser):
            token = presented_token(websocket) or ""
            try:
                seats.enter_context(_seat(held, caller))
                session = await _open(websocket, caller, opening)
            except ApiError as error:
                await deny(websocket, error)
                return
            await websocket.accept(subprotocol=subprotocol)
        else:  # no token with the handshake: the first frame must bring one
            await websocket.accept(subprotocol=subprotocol)
            try:
                token, caller = await _first_frame(websocket)
                seats.enter_context(_seat(held, caller))
                session = await _open(websocket, caller, opening)
            except ApiError as error:
                await websocket.send_json(error_frame(error))
                await websocket.close(code=TRY_AGAIN_LATER if error.status == 429 else POLICY_VIOLATION)
                return
            except WebSocketDisconnect:
                return
        await Socket(websocket, caller, session, token).run()


def _held_sockets(websocket: WebSocket) -> Counter[int]:
    """Open sockets per user on this instance (the app's, so each app in a test process counts its own)."""
    state = websocket.app.state
    if not hasattr(state, "chat_sockets"):
        state.chat_sockets = Counter()
    held: Counter[int] = state.chat_sockets
    return held


@contextlib.contextmanager
def _seat(held: Counter[int], caller: CurrentUser) -> Iterator[None]:
    """One of the caller's `MAX_SOCKETS_PER_USER` sockets, held while the socket is open (taken and checked in one
    step, so handshakes racing each other cannot pass the limit together)."""
    if held[caller.id] >= MAX_SOCKETS_PER_USER:
        raise ApiError(429, "too_many_sockets", f"at most {MAX_SOCKETS_PER_USER} chat sockets may be open at once "
                       "per user; close one first", "user_id", headers={"Retry-After": "5"})
    held[caller.id] += 1
    try:
        yield
    finally:
        held[caller.id] -= 1
        if not held[caller.id]:
            del held[caller.id]


async def _first_frame(websocket: WebSocket) -> tuple[str, CurrentUser]:
    """The token of the socket's first frame, which must be `auth` and arrive in time, and the caller it names."""
    try:
        async with asyncio.timeout(AUTH_SECONDS):
            raw = await receive(websocket)
    except TimeoutError:
        raise ApiError(401, "unauthorized", f"send an auth frame within {AUTH_SECONDS:g} s", "token") from None
    frame = frames.parse(raw)
    if not isinstance(frame, frames.Auth):
        raise ApiError(401, "unauthorized", "the first frame must be {\"type\": \"auth\", \"token\"}", "token")
    tokens: BearerTokenBackend = websocket.app.state.tokens
    try:
        return frame.token, await tokens.user_for(frame.token, websocket.app.state.stores.identities)
    except AuthenticationError as exc:
        raise ApiError(401, "unauthorized", str(exc), "token") from None


async def receive(websocket: WebSocket) -> str:
    """The next frame's text. Frames are JSON text: a binary frame is an `ApiError` naming `frame` (sent back as an
    `error` frame), where Starlette's `receive_text` would raise KeyError and take the socket down with a 1011."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    if text is None:
        raise validation_error("frame", "frames must be JSON text frames, not binary")
    return str(text)


async def _open(websocket: WebSocket, caller: CurrentUser, opening: Opening, *, fresh: bool = False) -> ChatSession:
    authorize(caller, opening.user_id)
    stores = websocket.app.state.stores
    await users.get_user(stores, actor=caller, user_id=opening.user_id)  # 403 for someone else, then 404 for no one
    runtime: AgentRuntime = websocket.app.state.agent
    return await runtime.chats.open(actor=caller, user_id=opening.user_id, session_id=opening.session_id,
                                    job_id=opening.job_id, fresh=fresh)


async def deny(websocket: WebSocket, error: ApiError) -> None:
    """Refuse the handshake with the contract's error body where the server can send one, else close 1008."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse(error_body(error.code, error.message, error.field),
                                                          error.status, headers=error.headers))
    else:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message[:120])


class Socket:
    """An authenticated socket and the conversation it talks to."""

    def __init__(self, websocket: WebSocket, caller: CurrentUser, session: ChatSession, token: str) -> None:
        self.websocket = websocket
        self.caller = caller
        self.session = session
        self.token = token  # checked again before each turn: a logout or a deactivation ends the socket too
        self.work: asyncio.Queue[Turn | None] = asyncio.Queue()
        self.send_lock = asyncio.Lock()
        self.open = True

    async def send(self, event: Event) -> None:
        if not self.open:
            return
        async with self.send_lock:
            try:
                await self.websocket.send_json(event)
            except (WebSocketDisconnect, RuntimeError):
                self.open = False  # the client left mid-turn; the turn still finishes and is saved

    async def run(self) -> None:
        worker = asyncio.create_task(self._run_work())
        # Job updates (a dispatcher's PATCH on any instance) arrive on this socket as they happen: clara.platform.live.
        live = asyncio.create_task(self.websocket.app.state.stores.live.pump(self.session.user_id, self.send))
        try:
            while True:
                try:
                    await self._frame(frames.parse(await receive(self.websocket)))
                except ApiError as error:
                    await self.send(error_frame(error))
        except WebSocketDisconnect:
            pass
        finally:
            self.open = False
            live.cancel()
            self.work.put_nowait(None)
            await asyncio.gather(live, return_exceptions=True)
            await worker

    async def _frame(self, frame: frames.Frame) -> None:
        if isinstance(frame, frames.Ping):
            await self.send({"type": "pong"})
        elif isinstance(frame, frames.Message):
            await self._queue(lambda: self.session.turn(frame.text))
        elif isinstance(frame, frames.Confirm):
            await self._queue(lambda: self.session.confirm(draft_id=frame.draft_id, accept=frame.accept))
        elif isinstance(frame, frames.Photo):
            await self._queue(lambda: self.session.photo(frame.data))
        elif isinstance(frame, frames.Location):
            self.session.locate(frame.point)
        elif isinstance(frame, frames.NewSession):
            await self._queue(lambda: self._new_session(frame.job_id))
        else:
            raise ApiError(400, "validation_error", "this socket is already authenticated", "type")

    async def _queue(self, turn: Turn) -> None:
        """Spend one request of the caller's budget as the frame arrives, then queue its work (run one at a time).

        Spent on arrival, a burst over the budget is refused at once, frame by frame, and the queue never holds more
        than the budget lets in: spent when each was dequeued, a fast client's burst waited unbounded in memory and
        heard of the limit only after every turn ahead of it. A `new_session` spends too: each one opens an agent
        session that lives until idle.
        """
        await self._still_signed_in()
        budget: ratelimit.ApiBudget = self.websocket.app.state.budget
        refused = await budget.spend(ratelimit.user_key(self.caller))
        if refused is not None:
            limit, wait = refused
            retry_after = max(1, math.ceil(wait))
            await self.send({"type": "error", "code": "rate_limited", "retry_after": retry_after,
                             "message": f"too many requests (limit {limit}); retry in {retry_after} s"})
            return
        self.work.put_nowait(turn)

    async def _still_signed_in(self) -> None:
        """Before a turn: the socket's token must still stand (not logged out, its account active, unexpired), as
        every HTTP request's must; an open socket went on answering after a logout. Otherwise an `unauthorized`
        error frame and close 1008. While the database cannot say, the turn goes ahead (it needs the database
        anyway, and an outage must not sign everyone out)."""
        tokens: BearerTokenBackend = self.websocket.app.state.tokens
        try:
            await tokens.user_for(self.token, self.websocket.app.state.stores.identities)
        except IdentityUnavailable:
            return
        except AuthenticationError as exc:
            await self.send(error_frame(ApiError(401, "unauthorized", str(exc), "token")))
            self.open = False
            async with self.send_lock:
                await self.websocket.close(code=POLICY_VIOLATION)
            raise WebSocketDisconnect(POLICY_VIOLATION) from None

    async def _new_session(self, job_id: int | None) -> AsyncIterator[Event]:
        """Switch this socket to a new conversation; the old one stays in PostgreSQL (and open for other sockets
        until idle)."""
        position = self.session.agent.ctx.position
        opening = Opening(self.session.user_id, None, job_id)
        self.session = await _open(self.websocket, self.caller, opening, fresh=True)
        if position is not None:
            self.session.locate(position)
        yield {"type": "session", "session_id": self.session.id, "job_id": job_id}

    async def _run_work(self) -> None:
        while (turn := await self.work.get()) is not None:
            try:
                async for event in turn():
                    await self.send(event)
            except ApiError as error:
                await self.send(error_frame(error))
            except Exception:  # a broken turn must not take the socket down with it
                log.exception("chat_turn_failed", session_id=self.session.id)
                await self.send({"type": "error", "code": "internal_error", "message": "something went wrong"})
