"""Transport-level protections every request gets before any route runs: CORS, security headers, body limits.

They are pure ASGI (no `BaseHTTPMiddleware`), so WebSockets and streamed responses pass through untouched and
nothing buffers a body just to look at it.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clara.web.errors import ApiError, error_response
from clara.settings import Settings

# A JSON API has nothing to load, frame or script; only the small /docs page needs its own inline script.
_API_CSP = "default-src 'none'; frame-ancestors 'none'"
_HTML_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"
# Multipart framing (boundaries, part headers, a title field) around an upload of exactly `max_upload_bytes`.
MULTIPART_OVERHEAD = 64 * 1024


def cors(settings: Settings) -> Middleware:
    """Browsers may call Clara only from the origins the operator listed; none by default.

    Bearer tokens travel in a header, never in cookies, so credentials are not allowed cross-origin.
    """
    return Middleware(
        _CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Accept", "Idempotency-Key"],
        expose_headers=["X-Request-ID", "Retry-After", "Idempotent-Replayed"],
        allow_credentials=False,
        max_age=600,
    )


class _CORSMiddleware(CORSMiddleware):
    """Starlette's CORS, which most requests (apps and servers send no `Origin`) pass through more cheaply: for them
    it only adds `Vary: Origin`, done here without its parsed header maps (3% of a cached route's time)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message["headers"] = list(message.get("headers", ()))
                varies = [value.decode("latin-1") for name, value in raw if name.lower() == b"vary"]
                if varies:
                    raw[:] = [(name, value) for name, value in raw if name.lower() != b"vary"]
                raw.append((b"vary", ", ".join([*varies, "Origin"]).encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_with_vary)


class SecurityHeadersMiddleware:
    """Add the headers that stop sniffing, framing and caching of authenticated answers, unless a route set its own.

    Every response passes here, so the headers are encoded once and appended to the raw list: the names a route
    already set are read in one pass (a `MutableHeaders.setdefault` per header scanned the list eight times).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        common = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                  ("Referrer-Policy", "no-referrer"),
                  ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
                  ("Cross-Origin-Opener-Policy", "same-origin"), ("Cache-Control", "no-store")]
        if hsts:
            common.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        self._api = _encoded([*common, ("Content-Security-Policy", _API_CSP)])
        self._html = _encoded([*common, ("Content-Security-Policy", _HTML_CSP)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message["headers"] = list(message.get("headers", ()))
                present = {name.lower() for name, _ in raw}
                html = any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in raw)
                raw.extend(header for header in (self._html if html else self._api) if header[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _encoded(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Headers as ASGI carries them: lower-case names, latin-1 bytes."""
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


MCP_PATH = "/mcp"


def mcp_body_bytes(max_image_bytes: int) -> int:
    """An MCP call's body limit: a photo at the identify route's limit, base64 (4 bytes per 3), plus the envelope."""
    return -(-max_image_bytes // 3) * 4 + 64 * 1024


class BodySizeLimitMiddleware:
    """Refuse request bodies over the limit with the contract's 413, without reading them into memory first.

    JSON and form bodies get `max_body_bytes`; multipart uploads get `max_upload_bytes` plus the multipart
    framing. A declared Content-Length over the limit is refused before a byte is read; a chunked body is
    counted as it streams and cut off the moment it crosses the limit.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int, max_mcp_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.max_mcp_bytes = max_mcp_bytes

    def limit_for(self, scope: Scope, headers: Headers) -> int:
        if headers.get("content-type", "").lower().startswith("multipart/form-data"):
            return self.max_upload_bytes + MULTIPART_OVERHEAD
        if scope["path"] == MCP_PATH or scope["path"].startswith(MCP_PATH + "/"):
            return self.max_mcp_bytes  # read_nameplate's photo comes base64 in the JSON-RPC body
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(scope, headers)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            refusal = (_too_large(limit) if declared.isdigit()
                       else ApiError(400, "bad_request", "Content-Length must be a whole number of bytes", "body"))
            await error_response(refusal)(scope, receive, send)
            return

        received = 0
        response_started = False
        too_large: ApiError | None = None  # made when raised: almost every request stays within its limit

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = _too_large(limit)
                    raise too_large
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except ApiError as exc:
            # Raised from `counting_receive` where no exception handler caught it (e.g. inside other middleware).
            if exc is not too_large or response_started:
                raise
            await error_response(exc)(scope, receive, send)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"request body must be at most {limit} bytes", "body")
