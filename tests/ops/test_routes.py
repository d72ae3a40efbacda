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
