"""Starlette authentication backend: the bearer header for HTTP; for WebSockets (browsers cannot set headers) also
the `Sec-WebSocket-Protocol: bearer, <token>` pair and, for old clients, `?token=`."""

from __future__ import annotations

import time

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response

from clara.auth.models import CurrentUser
from clara.auth.tokens import InvalidToken, read_token
from clara.errors import error_body


BEARER_SUBPROTOCOL = "bearer"
_REMEMBERED_MAX = 4096  # verified tokens kept; one per active session is plenty, and the set starts over when full


class BearerTokenBackend(AuthenticationBackend):
    """Verifies a token once and remembers it until it expires.

    Checking the signature again on every request cost 30 µs, a tenth of a cached request's CPU; the same bytes
    under the same secret verify the same way, so only the expiry needs checking again.
    """

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._verified: dict[str, tuple[CurrentUser, float]] = {}

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, CurrentUser] | None:
        token = _bearer(conn.headers.get("authorization"))
        if token is None and conn.scope["type"] == "websocket":
            token = subprotocol_token(conn.scope.get("subprotocols") or []) or conn.query_params.get("token") or None
        if token is None:
            return None
        user = self.user_for(token)
        return AuthCredentials(["authenticated", user.role]), user

    def user_for(self, token: str) -> CurrentUser:
        """The user a token names; `AuthenticationError` when it is not valid (also for a socket's first frame)."""
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            return remembered[0]
        try:
            user, expires_at = read_token(token, secret=self._secret)
        except InvalidToken as exc:
            raise AuthenticationError(str(exc)) from None
        if len(self._verified) >= _REMEMBERED_MAX:
            self._verified.clear()
        self._verified[token] = (user, expires_at)
        return user


def subprotocol_token(subprotocols: list[str]) -> str | None:
    """The token of a `Sec-WebSocket-Protocol: bearer, <token>` pair (the server then selects `bearer`)."""
    if len(subprotocols) >= 2 and subprotocols[0] == BEARER_SUBPROTOCOL:
        return subprotocols[1].strip() or None
    return None


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def on_auth_error(_: HTTPConnection, exc: Exception) -> Response:
    return JSONResponse(error_body("unauthorized", str(exc)), 401, headers={"WWW-Authenticate": "Bearer"})
