"""Requests that a shutdown cuts off still get the contract's answer: a JSON 503 with Retry-After.

On SIGTERM uvicorn stops accepting, waits its grace period for requests in flight, then cancels those still
running, and answers each with a plain-text "Internal Server Error" 500 that a client cannot tell from a bug. This
middleware catches that cancellation and answers 503 `shutting_down` instead, so the app retries, on another
instance, what was never done (or, for a streamed response already under way, ends the stream cleanly).
"""

from __future__ import annotations

import asyncio

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clara.web.errors import error_body
from clara.platform.logging import get_logger

log = get_logger(__name__)

RETRY_AFTER_SECONDS = 2


class CutRequestMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or not task.cancelling():  # not this request being cut: not ours to answer
                raise
            task.uncancel()  # the request ends here, answered; the task has nothing left to be cancelled
            log.warning("request_cut_by_shutdown", method=scope.get("method"), path=scope["path"])
            if started:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            response = JSONResponse(
                error_body("shutting_down", "this server is restarting; retry the request shortly"),
                503, headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Connection": "close"},
            )
            await response(scope, receive, send)
