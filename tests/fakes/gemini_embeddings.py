"""A local stand-in for the Gemini API's embedding endpoints on 127.0.0.1, speaking their real wire format.

`POST /v1beta/models/{model}:batchEmbedContents` (what google-genai calls for a list of texts) and
`:embedContent` (one text). The vectors are deterministic hashed bags of words, so texts sharing words point the
same way and a search over them behaves predictably.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.servers import ThreadedServer, free_port


def bag_of_words(text: str, dimension: int) -> list[float]:
    vector = [0.0] * dimension
    for word in re.findall(r"[a-z0-9.]+", text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        vector[int.from_bytes(digest[:4], "little") % dimension] += 1.0 if digest[4] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


@dataclass
class FakeGeminiEmbeddings:
    api_key: str = "fake-gemini-key"
    default_dimension: int = 768
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _runner: ThreadedServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _embedding(self, request: dict[str, Any]) -> dict[str, Any]:
        text = " ".join(part.get("text", "") for part in request["content"]["parts"])
        dimension = int(request.get("outputDimensionality") or self.default_dimension)
        return {"values": bag_of_words(text, dimension)}

    async def embed(self, request: Request) -> JSONResponse:
        model, _, method = request.path_params["target"].partition(":")
        body = await request.json()
        self.requests.append({"path": request.url.path, "model": model, "method": method,
                              "headers": dict(request.headers), "body": body})
        if request.headers.get("x-goog-api-key") != self.api_key:
            return JSONResponse({"error": {"code": 403, "message": "API key not valid.", "status": "PERMISSION_DENIED"}},
                                403)
        if method == "batchEmbedContents":
            return JSONResponse({"embeddings": [self._embedding(r) for r in body["requests"]]})
        if method == "embedContent":
            return JSONResponse({"embedding": self._embedding(body)})
        return JSONResponse({"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}}, 404)

    def start(self) -> "FakeGeminiEmbeddings":
        app = Starlette(routes=[Route("/{version}/models/{target}", self.embed, methods=["POST"])])
        self._runner = ThreadedServer(app, port=self.port, name="fake-gemini-embeddings").start()
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
