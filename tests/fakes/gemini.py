"""A local stand-in for the Gemini API, speaking its wire format, for the real `livekit.plugins.google.LLM`.

The real client is pointed here with `GOOGLE_GEMINI_BASE_URL` (google-genai reads it when a client is built). It
serves `POST /{version}/models/{model}:streamGenerateContent?alt=sse` as Server-Sent Events of
GenerateContentResponse JSON (`:generateContent` as one JSON response), and the model list the plugin's warm-up
asks for. Each request plays the next scripted reply: text, a function call, an HTTP error, or a hang (to exercise
timeouts). Requests are kept for assertions.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Reply:
    kind: str  # text | call | status | hang | echo
    text: str = ""
    name: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    seconds: float = 0.0


def text(value: str) -> Reply:
    return Reply("text", text=value)


def function_call(name: str, **args: Any) -> Reply:
    return Reply("call", name=name, args=args)


def error(status: int) -> Reply:
    return Reply("status", status=status)


def hang(seconds: float) -> Reply:
    return Reply("hang", seconds=seconds)


def echo() -> Reply:
    """Answer with the `say` line of the last function response in the request (what the tool returned)."""
    return Reply("echo")


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload)}\r\n\r\n"


def _response(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 7, "totalTokenCount": 19},
        "modelVersion": "gemini-fake",
    }


def _last_function_response(body: dict[str, Any]) -> dict[str, Any]:
    for content in reversed(body.get("contents", [])):
        for part in content.get("parts", []):
            if "functionResponse" in part:
                response: dict[str, Any] = part["functionResponse"].get("response", {})
                return response
    raise AssertionError("echo() needs a function response in the request")


class FakeGemini:
    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.app = Starlette(routes=[
            Route("/{version}/models", self.models, methods=["GET"]),
            Route("/{version}/models/{call:path}", self.generate, methods=["POST"]),
        ])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def then(self, *replies: Reply) -> "FakeGemini":
        self.script.extend(replies)
        return self

    async def models(self, request: Request) -> Response:
        return JSONResponse({"models": [{"name": "models/gemini-fake"}]})

    async def generate(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        self.paths.append(request.url.path)
        if not self.script:
            return JSONResponse({"error": {"code": 500, "message": "fake gemini: script exhausted",
                                           "status": "INTERNAL"}}, 500)
        reply = self.script.pop(0)
        if reply.kind == "status":
            return JSONResponse({"error": {"code": reply.status, "message": "fake failure", "status": "INTERNAL"}},
                                reply.status)
        if reply.kind == "hang":
            await asyncio.sleep(reply.seconds)
            return JSONResponse({"error": {"code": 504, "message": "too late", "status": "DEADLINE_EXCEEDED"}}, 504)
        if reply.kind == "call":
            parts = [{"functionCall": {"name": reply.name, "args": reply.args}}]
        elif reply.kind == "echo":
            response = _last_function_response(body)
            output = response.get("output", response)
            say = json.loads(output)["say"] if isinstance(output, str) and output.startswith("{") else str(output)
            parts = [{"text": say}]
        else:
            parts = [{"text": reply.text}]
        if request.url.path.endswith(":generateContent"):  # the unary call (google-genai's generate_content)
            return JSONResponse(_response(parts))

        async def stream() -> AsyncIterator[str]:
            yield _sse(_response(parts))

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def start(self) -> "FakeGemini":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True  # a hanging request must not hold the test's teardown
        if self._task is not None:
            await self._task
