"""Rate limits: one API budget per caller, shared by every Clara process through Redis, and strict login limits.

The API budget (`RATE_LIMIT_DEFAULT`, per user, or per IP for anonymous calls) is the hot path: every request
spends from it. Asking Redis on every request cost 100 µs of the event loop's time per request (measured: the
cached spec route served 2,178 req/s counting in Redis, 3,107 counting in memory). So a process takes requests
from Redis a lease at a time: it adds n to the shared count and admits up to n requests before asking again.
The lease starts at one request and doubles while the caller keeps spending it, but never exceeds a quarter of
what is left, so the shared count is never below what was admitted (no caller ever exceeds the limit, however
many processes serve them); at worst a busy caller is turned away a little before the limit, by leases other
processes hold but have not used. Windows are fixed: a count starts again at each minute (hour...) boundary.
With Redis down or absent a process counts alone, in memory, until Redis answers again.

`POST /auth/token` spends from a budget of its own, per client IP (`RATE_LIMIT_LOGIN`), kept the same way. Its
limits are small, and a lease never takes more than a quarter of what is left, so login leases are of one or two
attempts: close to a count per attempt, which is what stops password guessing, and never above the limit. (It
was slowapi's, whose Redis calls are synchronous: under a login flood they held the event loop, and every
request of the process waited behind them.)
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Callable

from limits import RateLimitItem, parse_many
from redis.asyncio import Redis
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from clara.web.caller import CurrentUser
from clara.web.errors import error_body
from clara.platform.resilience import CircuitBreaker, call
from clara.settings import Settings

LOGIN_PATH = "/auth/token"
UNLIMITED_PATHS = frozenset({"/health", "/metrics", "/openapi.json", "/docs"})  # probes and scrapers
LEASE_MAX = 256  # requests one lease may hold: one Redis round trip per 256 requests of a caller at full speed
LEASE_SHARE = 4  # a lease takes at most this fraction (1/4) of what is left of the window's budget
_PRUNE_AT = 10_000  # leases kept before those of past windows are dropped (anonymous callers are one per IP)
_PRUNE_EVERY = 1.0  # seconds between prunes, so many callers in one window do not make each request O(n)

# INCRBY and, for a new window's key, its expiry: one round trip, atomic (the shape of limits' own script)
_TAKE = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return count
"""


def user_key(user: CurrentUser) -> str:
    """A user's budget: every HTTP request and every chat turn over a socket spends from it."""
    return f"user:{user.id}"


def ip_key(scope: Scope) -> str:
    """A client IP's budget (uvicorn resolved forwarded headers from trusted proxies only, see FORWARDED_ALLOW_IPS)."""
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def caller_key(scope: Scope) -> str:
    """Whose budget a request spends: the authenticated user's, else its IP's."""
    user = scope.get("user")
    if isinstance(user, CurrentUser):
        return user_key(user)
    return ip_key(scope)


@dataclass
class _Lease:
    """What one process holds of one caller's budget for one limit, in one window."""

    window: int
    tokens: int = 0  # requests this process may still admit without asking Redis
    size: int = 1  # how many to take next time
    count: int = 0  # the shared count after this process's last take
    spent: bool = False  # the shared count reached the limit: nothing more in this window, anywhere
    renewal: asyncio.Future[None] | None = None  # the take in flight: a burst of requests waits for this one


class ApiBudget:
    """Every caller's API-wide budget in this process: leases from the shared count in Redis, or counts of its own."""

    def __init__(self, limits: list[RateLimitItem], *, redis: Redis | None, breaker: CircuitBreaker, prefix: str,
                 timeout: float, clock: Callable[[], float] = time.time, name: str = "budget") -> None:
        self.limits = limits
        self._take = redis.register_script(_TAKE) if redis is not None else None
        self._breaker = breaker
        self._prefix = f"{prefix}:{name}"  # the API budget and the login budget count apart
        self._timeout = timeout
        self._clock = clock
        self._leases: dict[tuple[str, int], _Lease] = {}
        self._alone: dict[tuple[str, int, int], int] = {}  # (caller, limit, window) -> count, while Redis is away
        self._pruned_at = 0.0

    async def spend(self, caller: str) -> tuple[RateLimitItem, float] | None:
        """Take one request from `caller`'s budget: None if allowed, else the limit reached and seconds to wait."""
        now = self._clock()
        if len(self._leases) > _PRUNE_AT and now - self._pruned_at > _PRUNE_EVERY:
            self._prune(now)
        for index, item in enumerate(self.limits):
            period = item.get_expiry()
            window = int(now // period)
            lease = self._leases.get((caller, index))
            if lease is None or lease.window != window:
                lease = self._leases[(caller, index)] = _Lease(window)
            while lease.tokens == 0 and not lease.spent:
                await self._renewed(caller, index, lease)
            if lease.tokens == 0:
                return item, (window + 1) * period - now
            lease.tokens -= 1
        return None

    async def _renewed(self, caller: str, index: int, lease: _Lease) -> None:
        """Take a new lease, or wait for the take already in flight; its waiters all wake at once when it lands
        (a lock would hand over one waiter per loop turn: 40 ms of p99 at 32 connections, measured)."""
        if lease.renewal is not None:
            await asyncio.shield(lease.renewal)  # shielded: one waiter cancelled must not cancel the others' wait
            return
        lease.renewal = asyncio.get_running_loop().create_future()
        try:
            await self._renew(caller, index, lease)
        finally:
            lease.renewal.set_result(None)
            lease.renewal = None

    async def _renew(self, caller: str, index: int, lease: _Lease) -> None:
        item = self.limits[index]
        period = item.get_expiry()
        size = max(1, min(lease.size, LEASE_MAX, (item.amount - lease.count) // LEASE_SHARE))
        count = await self._shared_count(f"{self._prefix}:{caller}:{item.amount}/{period}:{lease.window}", size, period)
        if count is None:  # Redis is away: this process counts alone, from the last shared count it saw
            alone = (caller, index, lease.window)
            count = self._alone[alone] = max(self._alone.get(alone, 0), lease.count) + size
        lease.tokens += max(0, min(size, item.amount - (count - size)))
        lease.count = max(lease.count, count)
        lease.spent = count >= item.amount
        lease.size = min(LEASE_MAX, size * 2)

    async def _shared_count(self, key: str, size: int, period: int) -> int | None:
        if self._take is None:
            return None
        take = self._take
        try:
            return int(await call(lambda: take(keys=[key], args=[size, period * 1000]), breaker=self._breaker,
                                  timeout=self._timeout))
        except Exception:  # CircuitOpen, or any Redis, socket or timeout error; the breaker logs the outage once
            return None

    def _prune(self, now: float) -> None:
        self._pruned_at = now
        current = [int(now // item.get_expiry()) for item in self.limits]
        self._leases = {k: v for k, v in self._leases.items() if v.window == current[k[1]]}
        self._alone = {k: v for k, v in self._alone.items() if k[2] == current[k[1]]}


def open_budget(settings: Settings, redis: Redis | None, breaker: CircuitBreaker, *,
                clock: Callable[[], float] = time.time) -> ApiBudget:
    return ApiBudget(parse_many(settings.rate_limit_default), redis=redis, breaker=breaker,
                     prefix=settings.redis_key_prefix, timeout=settings.redis_timeout_seconds, clock=clock)


def open_login_budget(settings: Settings, redis: Redis | None, breaker: CircuitBreaker, *,
                      clock: Callable[[], float] = time.time) -> ApiBudget:
    """Login attempts per client IP (`RATE_LIMIT_LOGIN`); the per-account limit is `clara.auth.service`'s."""
    return ApiBudget(parse_many(settings.rate_limit_login), redis=redis, breaker=breaker,
                     prefix=settings.redis_key_prefix, timeout=settings.redis_timeout_seconds, clock=clock,
                     name="login")


class RateLimitMiddleware:
    """Pure ASGI: spend one request of the caller's API budget (`app.state.budget`) before routing.

    Probes and scrapers are exempt; a login attempt spends its IP's login budget (`app.state.login_budget`)
    instead. Place it after authentication.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in UNLIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        if path == LOGIN_PATH:
            refused = await state.login_budget.spend(ip_key(scope))
        else:
            refused = await state.budget.spend(caller_key(scope))
        if refused is None:
            await self.app(scope, receive, send)
            return
        await too_many_requests(*refused)(scope, receive, send)


def too_many_requests(limit: RateLimitItem, wait_seconds: float) -> JSONResponse:
    """The contract's 429: our error body, its `field` naming the `Retry-After` header that says when the caller's
    window reopens (nothing in the request is at fault: the caller waits, then sends it again as it was)."""
    retry_after = max(1, math.ceil(wait_seconds))
    message = f"too many requests (limit {limit}); retry in {retry_after} s"
    return JSONResponse(
        error_body("rate_limited", message, "Retry-After"),
        429,
        headers={"Retry-After": str(retry_after), "X-RateLimit-Limit": str(limit.amount),
                 "X-RateLimit-Remaining": "0"},
    )
