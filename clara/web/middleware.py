"""Pure-ASGI middleware that every request passes through first: request id and the access log line."""

from __future__ import annotations

import re
import secrets
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clara.platform.logging import get_logger

log = get_logger("clara.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    """Echo or mint `X-Request-ID`, bind it to every log event of the request, and log one line at the end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # The access logger assembled once, when the app is built (after logging is configured): the module's lazy
        # proxy rebuilt it from the configuration on every line.
        self.log = log.bind()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope["headers"]:  # the last one sent, as a dict of the headers would keep
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
        # A fresh id is 32 random hex digits, as uuid4().hex was, from a quarter of its CPU time.
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else secrets.token_hex(16)
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode("latin-1"))
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]  # a copy: a response may be sent again
            elif message["type"] == "websocket.accept" and not status:
                status = 101
            elif message["type"] == "websocket.close" and not status:
                status = 403  # refused before the handshake completed (uvicorn answers it with a 403)
            await send(message)

        # Bound and reset by token: `bound_contextvars` also read every context variable to restore them.
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.log.info(
                "request",
                method=scope.get("method", "WS"),
                path=scope["path"],  # never the query string: a WebSocket's ?token= travels there
                client=scope["client"][0] if scope.get("client") else None,  # after FORWARDED_ALLOW_IPS
                status=status or 500,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.reset_contextvars(**tokens)
