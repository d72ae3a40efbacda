"""Transport security as a client sees it: CORS, headers, body limits, pinned JWT algorithm, scoping on every route."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
import uuid
from pathlib import Path
from typing import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from clara.app import create_app
from clara.web.caller import CurrentUser
from clara.auth.tokens import ALGORITHM, ISSUER, issue_token
from clara.web.errors import EXCEPTION_HANDLERS
from clara.web.middleware import RequestContextMiddleware
from clara.web.http import accepts, public_paths
from clara.web.security import MULTIPART_OVERHEAD, BodySizeLimitMiddleware
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.clara_process import ClaraProcess, data_dir_from, server_env, token
from tests.servers import free_port

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

PROD_SECRET = "production-secret-for-header-tests-0123456789abcdef"


async def _client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as c:
        yield c


@pytest.fixture
async def bare_client() -> AsyncIterator[httpx.AsyncClient]:
    """The app without its lifespan: enough for routes that touch no store (/openapi.json, /docs, 404s)."""
    settings = Settings(env="production", jwt_secret=PROD_SECRET, cors_origins=("https://dispatch.example",))
    async for c in _client(create_app(settings)):
        yield c


# ------------------------------------------------------------------ headers

async def test_every_response_carries_security_headers(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/health"), await client.get("/no-such-route"),
                     await client.post("/auth/token", content=b"{not json")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers  # not in test mode: no TLS in front
        assert response.headers["x-request-id"]


async def test_production_adds_hsts_and_the_docs_page_may_run_its_own_script(bare_client: httpx.AsyncClient) -> None:
    docs = await bare_client.get("/docs")
    assert docs.status_code == 200
    assert "script-src 'self';" in docs.headers["content-security-policy"]  # Clara's own scripts only
    assert docs.headers["strict-transport-security"].startswith("max-age=")
    api = await bare_client.get("/openapi.json")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


# ------------------------------------------------------------------ CORS

async def test_cors_answers_only_the_configured_origins(bare_client: httpx.AsyncClient) -> None:
    allowed = await bare_client.get("/openapi.json", headers={"Origin": "https://dispatch.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dispatch.example"
    assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()
    assert "idempotent-replayed" in allowed.headers["access-control-expose-headers"].lower()
    other = await bare_client.get("/openapi.json", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


async def test_preflight_needs_no_token_and_is_refused_for_other_origins(bare_client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"}
    ok = await bare_client.options("/jobs", headers={"Origin": "https://dispatch.example", **preflight})
    assert ok.status_code == 200
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    assert "idempotency-key" in ok.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in ok.headers
    refused = await bare_client.options("/jobs", headers={"Origin": "https://evil.example", **preflight})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_every_answer_varies_on_origin_with_or_without_one(bare_client: httpx.AsyncClient) -> None:
    """A shared cache must not hand an answer made for no Origin (an app) to a browser page, or the reverse."""
    for headers in ({}, {"Origin": "https://dispatch.example"}, {"Origin": "https://evil.example"}):
        response = await bare_client.get("/openapi.json", headers=headers)
        assert response.headers.get_list("vary") == ["Origin"], headers


async def test_no_cors_origins_configured_means_no_cross_origin_access(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"Origin": "https://dispatch.example"})
    assert "access-control-allow-origin" not in response.headers


# ------------------------------------------------------------------ body limits

async def test_a_json_body_over_the_limit_gets_413_before_it_is_read(client: httpx.AsyncClient, app: Starlette) -> None:
    limit = app.state.settings.max_body_bytes
    big = json.dumps({"email": "a@b.c", "password": "x" * limit}).encode()
    response = await client.post("/auth/token", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large", "message": f"request body must be at most {limit} bytes", "field": "body"}
    assert response.headers["x-request-id"] and response.headers["x-content-type-options"] == "nosniff"


async def test_a_chunked_body_is_cut_off_when_it_crosses_the_limit(client: httpx.AsyncClient, app: Starlette) -> None:
    limit = app.state.settings.max_body_bytes
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(limit // 4096 + 10):
            sent += 4096
            yield b" " * 4096

    response = await client.post("/auth/token", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413 and response.json()["error"]["field"] == "body"


async def test_a_body_under_the_limit_reaches_the_route(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", json={"email": "nobody@clara.dev", "password": "wrong"})
    assert response.status_code == 401


async def test_a_malformed_content_length_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", content=b"{}", headers={"content-length": "2x"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "body"


async def _echo_form(request: Request) -> JSONResponse:
    form = await request.form()
    upload = form["file"]
    return JSONResponse({"size": len(await upload.read())})  # type: ignore[union-attr]


@pytest.fixture
async def upload_client() -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(
        routes=[Route("/upload", _echo_form, methods=["POST"])],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=1_000, max_upload_bytes=200_000, max_mcp_bytes=50_000)
    app.add_middleware(RequestContextMiddleware)
    async for c in _client(app):
        yield c


async def test_uploads_get_the_upload_limit_not_the_json_limit(upload_client: httpx.AsyncClient) -> None:
    fits = await upload_client.post("/upload", files={"file": ("a.txt", b"a" * 150_000, "text/plain")})
    assert fits.status_code == 200 and fits.json() == {"size": 150_000}
    too_big = await upload_client.post(
        "/upload", files={"file": ("a.txt", b"a" * (200_000 + MULTIPART_OVERHEAD + 1), "text/plain")})
    assert too_big.status_code == 413
    json_too_big = await upload_client.post("/upload", content=b"x" * 1_001, headers={"content-type": "application/json"})
    assert json_too_big.status_code == 413


# ------------------------------------------------------------------ JWT algorithm pinning

def _unsigned(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_only_hs256_tokens_signed_with_our_secret_are_accepted(
    client: httpx.AsyncClient, app: Starlette, technician: CurrentUser
) -> None:
    secret = app.state.settings.jwt_secret.get_secret_value()
    now = int(time.time())
    claims = {"sub": str(technician.id), "role": "admin", "email": technician.email, "iss": ISSUER, "iat": now,
              "exp": now + 600}
    good = issue_token(technician, secret=app.state.settings.jwt_secret, ttl_seconds=600)
    url = f"/clara-server/users/{technician.id}/preferences"
    assert ALGORITHM == "HS256"
    assert (await client.get("/health", headers={"Authorization": f"Bearer {good}"})).status_code == 200
    forged = {
        "alg none": _unsigned(claims),
        "HS512 same secret": jwt.encode(claims, secret, algorithm="HS512"),
        "HS384 same secret": jwt.encode(claims, secret, algorithm="HS384"),
        "other secret": jwt.encode(claims, "another-secret-of-sufficient-length-0123456789", algorithm="HS256"),
        "expired": jwt.encode(claims | {"exp": now - 5}, secret, algorithm="HS256"),
        "other issuer": jwt.encode(claims | {"iss": "someone-else"}, secret, algorithm="HS256"),
        "no subject": jwt.encode({k: v for k, v in claims.items() if k != "sub"}, secret, algorithm="HS256"),
    }
    for name, forged_token in forged.items():
        response = await client.get(url, headers={"Authorization": f"Bearer {forged_token}"})
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "unauthorized", name
        assert response.json()["error"]["field"] == "Authorization", name  # the header the app must send again


# ------------------------------------------------------------------ every route: 401 without a token, 403 for others

def _concrete(path: str, user_id: int) -> str:
    """Fill a route template: `user_id` with the given user, any other id with 1, names with a word."""
    path = path.replace("{user_id}", str(user_id))
    path = re.sub(r"\{[a-z_]*id(:int)?\}", "1", path)
    return re.sub(r"\{[a-z_]+(:[a-z]+)?\}", "x", path)


# The routes anyone may call: probes, the login, the documentation and the console's page (its API needs a token).
PUBLIC = {"/health", "/metrics", "/auth/token", "/openapi.json", "/docs", "/console"}


def _http_routes(app: Starlette) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, Route) and route.path not in PUBLIC:
            for method in sorted(route.methods or ()):
                if method not in ("HEAD", "OPTIONS"):
                    found.append((method, route.path))
    return found


def test_only_the_routes_declared_public_skip_the_token(app: Starlette) -> None:
    """`accepts(public=True)` is the one declaration the token backend and the document read."""
    assert public_paths(app.routes) == PUBLIC


def test_a_path_whose_routes_disagree_about_the_token_is_refused_at_start() -> None:
    """The token is skipped per path: a token-only DELETE beside a public POST would answer 401 to everyone."""
    async def endpoint(request: Request) -> JSONResponse:
        return JSONResponse({})

    public = accepts(public=True)(endpoint)
    with pytest.raises(ValueError, match="/auth/token"):
        public_paths([Route("/auth/token", public, methods=["POST"]),
                      Route("/auth/token", endpoint, methods=["DELETE"])])


async def test_every_route_refuses_a_request_without_a_token(client: httpx.AsyncClient, app: Starlette) -> None:
    routes = _http_routes(app)
    assert ("GET", "/openapi.json") not in routes and routes, "the sweep must cover the app's routes"
    failures = []
    for method, path in routes:
        response = await client.request(method, _concrete(path, 1), json={})
        if response.status_code != 401 or response.json()["error"]["field"] != "Authorization":
            failures.append((method, path, response.status_code))
    assert failures == []


async def test_every_user_scoped_route_refuses_another_technician(
    client: httpx.AsyncClient, app: Starlette, auth: dict[str, str], other_technician: CurrentUser
) -> None:
    scoped = [(method, path) for method, path in _http_routes(app) if "{user_id" in path]
    failures = []
    for method, path in scoped:
        response = await client.request(method, _concrete(path, other_technician.id), json={}, headers=auth)
        if response.status_code != 403:
            failures.append((method, path, response.status_code))
    assert failures == []


# ------------------------------------------------------------------ secrets never reach the logs

def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


def test_configured_secrets_never_reach_the_logs(
    database_url: str, template_data_dir: Path, tmp_path: Path
) -> None:
    """The real server at debug level, with every secret configured, through logins and routes: grep the log."""
    secrets = {name: f"{name.lower()}-{uuid.uuid4().hex}{uuid.uuid4().hex}" for name in
               ("JWT_SECRET", "GOOGLE_API_KEY", "GOOGLE_MAPS_API_KEY", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET",
                "DB_PASSWORD", "REDIS_PASSWORD")}
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--requirepass", secrets["REDIS_PASSWORD"]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dead_port = free_port()  # Google's APIs "answer" from a closed local port: calls fail fast and get logged
    env = server_env(
        DATABASE_URL=_with_password(database_url, secrets["DB_PASSWORD"]),
        REDIS_URL=f"redis://:{secrets['REDIS_PASSWORD']}@127.0.0.1:{redis_port}/0",
        DATA_DIR=str(data_dir_from(template_data_dir, tmp_path / "data")), LOG_LEVEL="debug", SEED_DEMO_DATA="false",
        JWT_SECRET=secrets["JWT_SECRET"], GOOGLE_API_KEY=secrets["GOOGLE_API_KEY"],
        GOOGLE_MAPS_API_KEY=secrets["GOOGLE_MAPS_API_KEY"], GOOGLE_MAPS_BASE_URL=f"http://127.0.0.1:{dead_port}",
        GOOGLE_GEMINI_BASE_URL=f"http://127.0.0.1:{dead_port}", LIVEKIT_URL="ws://127.0.0.1:7880",
        LIVEKIT_API_KEY=secrets["LIVEKIT_API_KEY"], LIVEKIT_API_SECRET=secrets["LIVEKIT_API_SECRET"],
    )
    process = ClaraProcess(env, tmp_path / "clara.log")
    try:
        process.start()
        base = process.url
        wrong = httpx.post(f"{base}/auth/token", json={"email": DEMO_TECHNICIAN_EMAIL, "password": "hunter2-wrong"})
        assert wrong.status_code == 401
        access = token(base, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD)
        bearer = {"Authorization": f"Bearer {access}"}
        jobs = httpx.get(f"{base}/jobs", params={"latitude": 37.79, "longitude": -122.39}, headers=bearer, timeout=30)
        assert jobs.status_code == 200
        job = jobs.json()["jobs"][0]
        calls = [
            httpx.get(f"{base}/daily-brief", headers=bearer, timeout=30),
            httpx.post(f"{base}/clara-server/travel-time", headers=bearer, timeout=30,
                       json={"origin": "123 Main St, San Francisco", "destination": "415 Mission St, San Francisco"}),
            httpx.post(f"{base}/clara-server/jobs/get-token", headers=bearer, timeout=30,
                       json={"userId": job["technician_id"], "jobId": job["id"]}),
            httpx.get(f"{base}/clara-server/knowledge/search", params={"query": "sprinkler"}, headers=bearer, timeout=30),
            httpx.post(f"{base}/voice/chat/{job['technician_id']}", headers=bearer, timeout=60,
                       json={"message": "What's the amp draw on the Carrier 50TCQA06?"}),
            httpx.get(f"{base}/jobs", headers={"Authorization": f"Bearer {access}x"}, timeout=30),
        ]
        assert [c.status_code for c in calls[:-1]] == [200] * 5 and calls[-1].status_code == 401
        livekit_token = calls[2].json()["token"]
        # A WebSocket's token travels in the query string, which servers love to log; so may a confused client's.
        socket_token = token(base, DEMO_TECHNICIAN_EMAIL, DEMO_PASSWORD)
        with connect(f"{process.ws_url}/voice/ws/{job['technician_id']}?token={socket_token}") as ws:
            ws.send(json.dumps({"type": "ping"}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}
        with pytest.raises(InvalidStatus):
            connect(f"{process.ws_url}/voice/ws/{job['technician_id']}?token={socket_token}x").close()
        queried = httpx.get(f"{base}/jobs", params={"token": socket_token, "access_token": socket_token},
                            headers=bearer, timeout=30)
        assert queried.status_code == 200
        assert process.terminate()[0] == 0
    finally:
        process.stop()
        redis.kill()
        redis.wait(10)
    logs = process.logs()
    assert '"request"' in logs and "debug" in logs  # the log really captured the traffic, at debug level
    assert "/voice/ws/" in logs and "[accepted]" in logs  # uvicorn's own handshake lines, scrubbed
    leaked = [name for name, value in {**secrets, "demo password": DEMO_PASSWORD, "wrong password": "hunter2-wrong",
                                       "access token": access, "LiveKit token": livekit_token,
                                       "WebSocket token": socket_token.rsplit(".", 1)[1]}.items()
              if value in logs]
    assert leaked == []


# ------------------------------------------------------------------ methods

async def test_a_wrong_method_names_every_allowed_one(client: httpx.AsyncClient, auth: dict[str, str],
                                                      technician: CurrentUser) -> None:
    for method, path, allowed in (("OPTIONS", f"/clara-server/users/{technician.id}/preferences", "GET, HEAD, PUT"),
                                  ("DELETE", "/jobs", "GET, HEAD"), ("OPTIONS", "/auth/token", "POST"),
                                  ("PUT", "/jobs/1", "GET, HEAD, PATCH"),
                                  # a literal path is its own resource, not a value of `/clara-server/equipment/{model}`
                                  ("GET", "/clara-server/equipment/identify", "POST"),
                                  ("PUT", "/clara-server/equipment/identify", "POST")):
        response = await client.request(method, path, headers=auth)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == allowed, (method, path)
        assert response.json()["error"]["code"] == "method_not_allowed"
