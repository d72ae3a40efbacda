from __future__ import annotations

import httpx


async def test_health_reports_each_dependency(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in ("ok", "degraded")
    assert body["checks"]["postgres"]["state"] == "ok"


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
