"""`POST /auth/token`: email and password in, bearer token out. `POST /auth/logout`: that token revoked."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.auth import service
from clara.auth.backend import bearer_token
from clara.auth.tokens import read_token
from clara.web.http import Input, Text, accepts, current_user, respond


class LoginRequest(Input):
    email: Text(320)
    password: Text(1024, strip=False)


@accepts(body=LoginRequest, public=True, answers=service.IssuedToken, errors={
    401: "Wrong email or password (`field`: `password` either way)", 403: "The account is deactivated (account_disabled)"})
async def issue_token(request: Request, body: LoginRequest) -> Response:
    """
    summary: Log in and get a bearer token
    description: >
      Limited per client IP (RATE_LIMIT_LOGIN) and per account: 5 failed attempts on an email address within an
      hour lock it for 30 s, each further failure doubles the lock (up to 15 minutes), and a locked address is
      refused with 429 and Retry-After whatever the password. A successful login clears the count.
    tags: [auth]
    """
    return respond(await service.login(request.app.state.stores, email=body.email, password=body.password))


async def logout(request: Request) -> Response:
    """
    summary: Log out, revoking the presented token
    description: >
      The token stops working at once on every instance (401 afterwards); other tokens of the same user, on
      other devices, keep working.
    tags: [auth]
    responses:
      204: Revoked
    """
    current_user(request)  # a valid, unrevoked token: the authentication middleware checked it
    raw = bearer_token(request)
    assert raw is not None
    await service.logout(request.app.state.stores, token=read_token(raw, secret=request.app.state.settings.jwt_secret))
    return Response(status_code=204)


routes = [Route("/auth/token", issue_token, methods=["POST"]), Route("/auth/logout", logout, methods=["POST"])]
