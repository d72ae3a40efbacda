from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

import httpx

from clara.settings import Settings
from tests.conftest import running
from tests.servers import TcpProxy, proxied, upstream


async def test_health_reports_each_dependency(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in ("ok", "degraded")
    assert body["checks"]["postgres"]["state"] == "ok" and body["age_seconds"] >= 0


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    minted = await client.get("/nowhere")
    assert minted.status_code == 404 and len(minted.headers["x-request-id"]) == 32
    assert minted.json()["error"]["code"] == "not_found"


async def test_openapi_document_lists_routes(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert "/auth/token" in schema["paths"] and "/health" in schema["paths"]
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "openapi.json" in docs.text


async def test_nul_bytes_and_unstorable_values_are_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", json={"email": "maria\x00@clara.dev", "password": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "email"


async def test_every_operation_documents_rate_limits_outages_and_its_token(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    http_paths = [item for item in schema["paths"].values() if not item.get("x-websocket")]
    assert http_paths
    for operations in http_paths:
        for operation in operations.values():
            assert {"429", "503"} <= set(operation["responses"])
    protected = schema["paths"]["/clara-server/crm/customers"]["get"]
    assert protected["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert "401" not in schema["paths"]["/health"]["get"]["responses"] and schema["paths"]["/health"]["get"]["security"] == []


async def test_deeply_nested_json_is_a_400(client: httpx.AsyncClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = await client.post("/auth/token", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (400, 413)
    assert response.json()["error"]["field"] == "body"


async def test_openapi_names_the_chat_websocket_too(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    socket = schema["paths"]["/voice/ws/{user_id}"]
    assert socket["x-websocket"] is True
    assert socket["summary"].startswith("WebSocket: Talk to Clara")
    assert '"type": "done"' in socket["description"]


async def test_health_answers_from_the_last_known_state_while_postgres_hangs(settings: Settings) -> None:
    """A hung database must not hold /health (a platform check gives up after seconds and restarts the instance):
    the last known state is served with its age until the probe times out, then postgres is down (503)."""
    proxy = await TcpProxy(upstream(settings.database_url.get_secret_value())).start()
    try:
        async with running(settings, database_url=proxied(settings.database_url.get_secret_value(), proxy.port)) as app:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as client:
                fresh = (await client.get("/health")).json()
                assert fresh["checks"]["postgres"] == {"state": "ok"} and fresh["age_seconds"] < 1

                proxy.hang()
                stale = await asyncio.wait_for(client.get("/health"), 2)  # it took 12 s when probing inline
                assert stale.status_code == 200 and stale.json()["checks"]["postgres"] == {"state": "ok"}
                assert stale.json()["age_seconds"] > 0

                async def down() -> bool:
                    response = await asyncio.wait_for(client.get("/health"), 2)
                    return response.status_code == 503 and response.json()["status"] == "down"

                await until(down)
                proxy.resume()

                async def up() -> bool:
                    body = (await asyncio.wait_for(client.get("/health"), 2)).json()
                    return bool(body["checks"]["postgres"] == {"state": "ok"})

                await until(up)
    finally:
        proxy.resume()
        await proxy.cut()


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
    async def poll() -> None:
        while not await condition():
            await asyncio.sleep(0.1)

    await asyncio.wait_for(poll(), timeout)
