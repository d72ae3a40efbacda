"""`POST /auth/token`: email and password in, bearer token out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.auth import service
from clara.errors import ApiError
from clara.http import get_str, json_body


async def issue_token(request: Request) -> JSONResponse:
    """
    summary: Log in and get a bearer token
    tags: [auth]
    requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/LoginRequest'}}}}
    responses:
      200: {description: Token issued, content: {application/json: {schema: {$ref: '#/components/schemas/Token'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      401: {$ref: '#/components/responses/Unauthorized'}
      429: {$ref: '#/components/responses/RateLimited'}
    """
    body = await json_body(request)
    email = get_str(body, "email", required=True, max_length=320)
    password = get_str(body, "password", required=True, max_length=1024, strip=False)
    assert email is not None and password is not None
    issued = await service.login(request.app.state.stores, email=email, password=password)
    if issued is None:
        raise ApiError(401, "invalid_credentials", "email or password is incorrect")
    return JSONResponse(
        {"access_token": issued.access_token, "token_type": issued.token_type, "expires_in": issued.expires_in}
    )


routes = [Route("/auth/token", issue_token, methods=["POST"])]
