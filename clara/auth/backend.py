"""Starlette authentication backend: bearer header for HTTP, `?token=` for WebSockets (browsers cannot set headers)."""

from __future__ import annotations

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response

from clara.auth.models import CurrentUser
from clara.auth.tokens import InvalidToken, read_token
from clara.errors import error_body


class BearerTokenBackend(AuthenticationBackend):
    def __init__(self, secret: str) -> None:
        self._secret = secret

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, CurrentUser] | None:
        token = _bearer(conn.headers.get("authorization"))
        if token is None and conn.scope["type"] == "websocket":
            token = conn.query_params.get("token") or None
        if token is None:
            return None
        try:
            user = read_token(token, secret=self._secret)
        except InvalidToken as exc:
            raise AuthenticationError(str(exc)) from None
        return AuthCredentials(["authenticated", user.role]), user


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def on_auth_error(_: HTTPConnection, exc: Exception) -> Response:
    return JSONResponse(error_body("unauthorized", str(exc)), 401, headers={"WWW-Authenticate": "Bearer"})
