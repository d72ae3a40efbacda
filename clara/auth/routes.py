"""`POST /auth/token`: email and password in, bearer token out. `POST /auth/logout`: that token revoked."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clara.auth import service
from clara.auth.backend import bearer_token
from clara.auth.tokens import read_token
from clara.http import current_user, get_str, json_body


async def issue_token(request: Request) -> JSONResponse:
    """
    summary: Log in and get a bearer token
    description: >
      Limited per client IP (RATE_LIMIT_LOGIN) and per account: 5 failed attempts on an email address within an
      hour lock it for 30 s, each further failure doubles the lock (up to 15 minutes), and a locked address is
      refused with 429 and Retry-After whatever the password. A successful login clears the count.
    tags: [auth]
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/LoginRequest'}}}}
    responses:
      200: {description: Token issued, content: {application/json: {schema: {$ref: '#/components/schemas/Token'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {description: The account is deactivated (account_disabled), content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
      429: {$ref: '#/components/responses/RateLimited'}
    """
    body = await json_body(request)
    email = get_str(body, "email", required=True, max_length=320)
    password = get_str(body, "password", required=True, max_length=1024, strip=False)
    assert email is not None and password is not None
    issued = await service.login(request.app.state.stores, email=email, password=password)
    return JSONResponse(
        {"access_token": issued.access_token, "token_type": issued.token_type, "expires_in": issued.expires_in}
    )


async def logout(request: Request) -> Response:
    """
    summary: Log out, revoking the presented token
    description: >
      The token stops working at once on every instance (401 afterwards); other tokens of the same user, on
      other devices, keep working.
    tags: [auth]
    responses:
      204: {description: Revoked}
    """
    current_user(request)  # a valid, unrevoked token: the authentication middleware checked it
    raw = bearer_token(request)
    assert raw is not None
    await service.logout(request.app.state.stores, token=read_token(raw, secret=request.app.state.settings.jwt_secret))
    return Response(status_code=204)


routes = [Route("/auth/token", issue_token, methods=["POST"]), Route("/auth/logout", logout, methods=["POST"])]
