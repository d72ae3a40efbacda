"""Rate limits with slowapi: per user across the API, per IP on login, counted in Redis when there is one.

One budget per caller for the whole API (slowapi's application limits), so spreading requests over many paths
buys nothing; `POST /auth/token` has its own stricter per-IP limits so a password cannot be guessed by brute
force. With Redis the counts are shared by every Clara process; when Redis fails slowapi counts in memory until
it is back. slowapi's own 429 has no `Retry-After` and not our error shape, so `rate_limited` renders it.
"""

from __future__ import annotations

import math
import time

from redis.backoff import NoBackoff
from redis.retry import Retry
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from clara.auth.models import CurrentUser
from clara.errors import error_body
from clara.settings import Settings

LOGIN_PATH = "/auth/token"
UNLIMITED_PATHS = frozenset({"/health", "/metrics", "/openapi.json", "/docs"})  # probes and scrapers


def client_ip(request: Request) -> str:
    """The peer address (uvicorn resolves X-Forwarded-For from trusted proxies, see FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


def caller_key(request: Request) -> str:
    """Whose budget a request spends: the authenticated user's, else its IP's."""
    user = request.scope.get("user")
    return f"user:{user.id}" if isinstance(user, CurrentUser) else f"ip:{client_ip(request)}"


def create_limiter(settings: Settings) -> Limiter:
    storage_options: dict[str, object] = {}
    if settings.redis_url:
        # the limiter's Redis calls are synchronous: fail in milliseconds, never retry, and let slowapi fall back
        storage_options = {
            "socket_timeout": settings.redis_timeout_seconds,
            "socket_connect_timeout": settings.redis_timeout_seconds,
            "retry": Retry(NoBackoff(), 0),
        }
    return Limiter(
        key_func=caller_key,
        application_limits=[settings.rate_limit_default],
        storage_uri=settings.redis_url or "memory://",
        storage_options=storage_options,  # type: ignore[arg-type]
        strategy="fixed-window",
        in_memory_fallback_enabled=True,
        key_prefix=f"{settings.redis_key_prefix}:ratelimit",
    )


class RateLimitMiddleware:
    """Pure ASGI: the API budget (slowapi's application limits) for every HTTP request but probes and login.

    Does what slowapi's SlowAPIASGIMiddleware does for undecorated routes, Redis fallback included, without its
    per-request scan of the route table and response wrapping: every route shares one budget, so which route
    matched does not matter, and a 429 is answered here before routing. Place it after authentication.
    """

    def __init__(self, app: ASGIApp, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in UNLIMITED_PATHS or path == LOGIN_PATH:
            await self.app(scope, receive, send)  # login has its own, stricter per-IP limits (limit_routes)
            return
        request = Request(scope, receive)
        try:
            self.limiter._check_request_limit(request, None, True)  # what slowapi's own middleware calls
        except RateLimitExceeded as exc:
            response = await rate_limited(request, exc)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def limit_routes(routes: list[BaseRoute], limiter: Limiter, settings: Settings) -> list[BaseRoute]:
    """`routes` with the per-IP login limits on `POST /auth/token`; health, metrics and docs never limited."""
    limited: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route) and route.path in UNLIMITED_PATHS:
            limiter.exempt(route.endpoint)  # slowapi records the endpoint's name; the route keeps its endpoint
        elif isinstance(route, Route) and route.path == LOGIN_PATH:
            endpoint = limiter.limit(settings.rate_limit_login, key_func=client_ip)(route.endpoint)
            route = Route(route.path, endpoint, methods=list(route.methods or ()), name=route.name,
                          include_in_schema=route.include_in_schema)
        limited.append(route)
    return limited


async def rate_limited(request: Request, exc: Exception) -> JSONResponse:
    """The contract's 429: our error body, and `Retry-After` saying when the caller's window reopens."""
    assert isinstance(exc, RateLimitExceeded) and exc.limit is not None
    limiter: Limiter = request.app.state.limiter
    item, identifiers = request.state.view_rate_limit
    try:
        reset_at = limiter.limiter.get_window_stats(item, *identifiers).reset_time
    except Exception:  # the store failed between the hit and now: the window length is a safe upper bound
        reset_at = time.time() + item.get_expiry()
    retry_after = max(1, math.ceil(reset_at - time.time()))
    message = f"too many requests (limit {exc.limit.limit}); retry in {retry_after} s"
    return JSONResponse(
        error_body("rate_limited", message),
        429,
        headers={"Retry-After": str(retry_after), "X-RateLimit-Limit": str(item.amount), "X-RateLimit-Remaining": "0"},
    )
