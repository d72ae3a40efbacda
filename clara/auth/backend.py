"""Starlette authentication backend: the bearer header for HTTP; for WebSockets (browsers cannot set headers) also
the `Sec-WebSocket-Protocol: bearer, <token>` pair and, for old clients, `?token=`.

A token must be validly signed and unexpired, and its user must still stand: exist, be active, and not have
revoked the token (`clara.auth.identity`, cached per process, so the check costs no database round trip).
"""

from __future__ import annotations

import time
from typing import Callable, Collection

import psycopg
from psycopg_pool import PoolTimeout
from pydantic import SecretStr
from starlette.authentication import (
    AuthCredentials, AuthenticationBackend, AuthenticationError, UnauthenticatedUser,
)
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from clara.auth.identity import Identities
from clara.web.caller import CurrentUser
from clara.auth.tokens import InvalidToken, Token, read_token
from clara.web.errors import database_unavailable, error_body

BEARER_SUBPROTOCOL = "bearer"
_REMEMBERED_MAX = 4096  # verified tokens kept; one per active session is plenty, and the set starts over when full
REVOKED = "the token was revoked or its account is no longer active; log in again"


class IdentityUnavailable(AuthenticationError):
    """The database could not say whether the token's user still stands: a 503, not a 401 that logs the app out."""


class BearerTokenBackend(AuthenticationBackend):
    """Verifies a token's signature once and remembers it until it expires; checks its user on every request.

    Checking the signature again on every request cost 30 µs, a tenth of a cached request's CPU; the same bytes
    under the same secret verify the same way, so only the expiry needs checking again.
    """

    def __init__(self, secret: SecretStr, *, public_paths: Collection[str] = (),
                 clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock = clock  # epoch seconds, what expiry is checked against
        self._public_paths = frozenset(public_paths)
        self._verified: dict[str, Token] = {}

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, CurrentUser] | None:
        if conn.scope["path"] in self._public_paths:
            # Routes that need no token ignore one: an app still sending its revoked token must be able to log in
            # again, and /health must answer a probe with a stale header without asking the database about it.
            return None
        raw = presented_token(conn)
        if raw is None:
            return None
        user = await self.user_for(raw, conn.app.state.stores.identities)
        return AuthCredentials(["authenticated", user.role]), user

    async def user_for(self, raw: str, identities: Identities) -> CurrentUser:
        """The user a token names, if it still stands; `AuthenticationError` otherwise (also for a socket's first
        frame)."""
        token = self._token(raw)
        try:
            identity = await identities.get(token.user.id)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise IdentityUnavailable(type(exc).__name__) from exc
        if identity is None or not identity.accepts(role=token.user.role, version=token.version, jti=token.jti):
            raise AuthenticationError(REVOKED)
        return token.user

    def _token(self, raw: str) -> Token:
        remembered = self._verified.get(raw)
        now = self._clock()
        if remembered is not None and remembered.expires_at > now:
            return remembered
        try:
            token = read_token(raw, secret=self._secret, now=now)
        except InvalidToken as exc:
            raise AuthenticationError(str(exc)) from None
        if len(self._verified) >= _REMEMBERED_MAX:
            self._verified.clear()
        self._verified[raw] = token
        return token


def presented_token(conn: HTTPConnection) -> str | None:
    """The raw token a request or WebSocket handshake presents: the bearer header; for a socket also the
    subprotocol pair or `?token=`."""
    raw = _bearer(conn.headers.get("authorization"))
    if raw is None and conn.scope["type"] == "websocket":
        raw = subprotocol_token(conn.scope.get("subprotocols") or []) or conn.query_params.get("token") or None
    return raw


def subprotocol_token(subprotocols: list[str]) -> str | None:
    """The token of a `Sec-WebSocket-Protocol: bearer, <token>` pair (the server then selects `bearer`)."""
    if len(subprotocols) >= 2 and subprotocols[0] == BEARER_SUBPROTOCOL:
        return subprotocols[1].strip() or None
    return None


def bearer_token(conn: HTTPConnection) -> str | None:
    """The raw bearer token of an HTTP request's Authorization header, if any."""
    return _bearer(conn.headers.get("authorization"))


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def on_auth_error(conn: HTTPConnection, exc: Exception) -> Response:
    if isinstance(exc, IdentityUnavailable):
        return database_unavailable(exc)
    return JSONResponse(error_body("unauthorized", str(exc), token_field(conn)), 401,
                        headers={"WWW-Authenticate": "Bearer"})


def token_field(conn: HTTPConnection) -> str:
    """Where the refused token came from, as a 401's `field`: the header, or for a socket the subprotocol pair or
    `?token=` (the same order `presented_token` reads them in)."""
    if conn.scope["type"] != "websocket" or conn.headers.get("authorization"):
        return "Authorization"
    return "Sec-WebSocket-Protocol" if subprotocol_token(conn.scope.get("subprotocols") or []) else "token"


class BearerAuthentication(AuthenticationMiddleware):
    """Starlette's authentication, except that a WebSocket handshake with a bad token gets the same JSON 401 (or
    503) as an HTTP request. Starlette closes such a handshake, which uvicorn answers with a bare 403: an app told
    "not yours" where it should have logged in again."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or "websocket.http.response" not in scope.get("extensions", {}):
            await super().__call__(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        try:
            found = await self.backend.authenticate(conn)
        except AuthenticationError as exc:
            await WebSocket(scope, receive, send).send_denial_response(self.on_error(conn, exc))
            return
        scope["auth"], scope["user"] = found or (AuthCredentials(), UnauthenticatedUser())
        await self.app(scope, receive, send)
