"""Tokens answer for users as they are now: logout, deactivation and deleted users take effect at once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from starlette.applications import Starlette

from clara.auth.identity import TTL_SECONDS, Identities
from clara.web.caller import CurrentUser
from clara.auth.tokens import ALGORITHM, ISSUER
from clara.platform.resilience import CircuitBreaker
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from clara.stores import postgres
from tests.conftest import bearer, user_by_email
from tests.servers import TcpProxy, proxied, upstream


async def login(client: httpx.AsyncClient, email: str = DEMO_TECHNICIAN_EMAIL) -> dict[str, str]:
    response = await client.post("/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def signed(app: Starlette, **claims: Any) -> dict[str, str]:
    now = int(time.time())
    body = {"sub": "1", "role": "technician", "iss": ISSUER, "iat": now, "exp": now + 600,
            "jti": "5f0c8a52-3a44-4a53-9f0e-8a0b1f1e2c3d", "ver": 0, **claims}
    token = jwt.encode(body, app.state.settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)
    return {"Authorization": f"Bearer {token}"}


async def test_logout_revokes_the_presented_token_only(client: httpx.AsyncClient, technician: CurrentUser) -> None:
    phone, console = await login(client), await login(client)
    url = f"/clara-server/users/{technician.id}/preferences"
    assert (await client.get(url, headers=phone)).status_code == 200  # now remembered as verified
    assert (await client.post("/auth/logout")).status_code == 401
    out = await client.post("/auth/logout", headers=phone)
    assert out.status_code == 204 and out.content == b""
    refused = await client.get(url, headers=phone)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert (await client.post("/auth/logout", headers=phone)).status_code == 401
    assert (await client.get(url, headers=console)).status_code == 200, "the other device stays signed in"
    again = await client.post("/auth/token", headers=phone, json={"email": DEMO_TECHNICIAN_EMAIL,
                                                                   "password": DEMO_PASSWORD})
    assert again.status_code == 200, "an app still sending its revoked token can log in again"
    assert (await client.get("/health", headers=phone)).status_code == 200


async def test_a_signed_token_for_a_user_that_does_not_exist_is_refused(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    ghost = signed(app, sub="999999", role="admin", email="ghost@clara.dev")
    for method, url in (("GET", "/clara-server/analytics/summary"), ("GET", "/clara-server/crm/customers"),
                        ("POST", "/clara-server/knowledge/documents")):
        response = await client.request(method, url, headers=ghost, files={"file": ("a.md", b"# A\n\nText.\n")}
                                        if method == "POST" else None)
        assert response.status_code == 401, (url, response.text)


async def test_a_token_whose_role_no_longer_matches_is_refused(
    client: httpx.AsyncClient, app: Starlette, technician: CurrentUser
) -> None:
    promoted = signed(app, sub=str(technician.id), role="admin")
    assert (await client.get("/clara-server/crm/customers", headers=promoted)).status_code == 401
    assert (await client.get("/clara-server/crm/customers",
                             headers=signed(app, sub=str(technician.id)))).status_code == 200


async def test_deactivating_a_user_refuses_their_tokens_at_once_and_for_good(
    client: httpx.AsyncClient, app: Starlette, technician: CurrentUser, dispatcher: CurrentUser
) -> None:
    tokens = await login(client)
    url = "/clara-server/crm/customers"
    assert (await client.get(url, headers=tokens)).status_code == 200
    staff = bearer(app, dispatcher)
    off = await client.patch(f"/clara-server/users/{technician.id}", json={"active": False}, headers=staff)
    assert off.status_code == 200
    assert off.json() == {"id": technician.id, "name": "Maria Lopez", "email": DEMO_TECHNICIAN_EMAIL,
                          "role": "technician", "active": False}
    assert (await client.get(url, headers=tokens)).status_code == 401
    assert (await client.get(url, headers=bearer(app, technician))).status_code == 401
    disabled = await client.post("/auth/token", json={"email": DEMO_TECHNICIAN_EMAIL, "password": DEMO_PASSWORD})
    assert disabled.status_code == 403 and disabled.json()["error"]["code"] == "account_disabled"
    wrong = await client.post("/auth/token", json={"email": DEMO_TECHNICIAN_EMAIL, "password": "guess"})
    assert wrong.status_code == 401, "a wrong password learns nothing about the account"

    on = await client.patch(f"/clara-server/users/{technician.id}", json={"active": True}, headers=staff)
    assert on.status_code == 200 and on.json()["active"] is True
    assert (await client.get(url, headers=tokens)).status_code == 401, "tokens from before stay dead"
    assert (await client.get(url, headers=await login(client))).status_code == 200


async def test_account_route_ladder(
    client: httpx.AsyncClient, app: Starlette, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, dispatcher: CurrentUser,
) -> None:
    url = f"/clara-server/users/{other_technician.id}"
    assert (await client.patch(url, json={"active": False})).status_code == 401
    assert (await client.patch(url, json={"active": False}, headers=auth)).status_code == 403
    assert (await client.patch(f"/clara-server/users/{technician.id}", json={"active": False},
                               headers=auth)).status_code == 403
    staff = bearer(app, dispatcher)
    admin = await user_by_email(app, "admin@clara.dev")
    assert (await client.patch(f"/clara-server/users/{admin.id}", json={"active": False},
                               headers=staff)).status_code == 403
    assert (await client.patch("/clara-server/users/999999", json={"active": False}, headers=staff)).status_code == 404
    for body, field in (({"active": "no"}, "active"), ({}, "active"), ({"active": False, "role": "admin"}, "role")):
        response = await client.patch(url, json=body, headers=staff)
        assert response.status_code == 400 and response.json()["error"]["field"] == field, body
    own = await client.patch(f"/clara-server/users/{dispatcher.id}", json={"active": False}, headers=staff)
    assert own.status_code == 409 and own.json()["error"]["field"] == "user_id"
    by_admin = await client.patch(f"/clara-server/users/{dispatcher.id}", json={"active": False},
                                  headers=bearer(app, admin))
    assert by_admin.status_code == 200 and by_admin.json()["role"] == "dispatcher"
    assert (await client.get("/clara-server/crm/customers", headers=staff)).status_code == 401


async def test_the_user_check_reads_the_database_once_not_per_request(
    client: httpx.AsyncClient, app: Starlette, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    identities = app.state.stores.identities
    loads = []
    original = identities._load

    async def counting(user_id: int, generation: int) -> Any:
        loads.append(user_id)
        return await original(user_id, generation)

    monkeypatch.setattr(identities, "_load", counting)
    for _ in range(20):
        assert (await client.get("/clara-server/crm/customers", headers=auth)).status_code == 200
    assert len(loads) <= 1


async def test_a_database_outage_during_the_user_check_is_a_503_not_a_logout(
    client: httpx.AsyncClient, app: Starlette, other_technician: CurrentUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(user_id: int, generation: int) -> Any:
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setattr(app.state.stores.identities, "_load", down)
    response = await client.get("/clara-server/crm/customers", headers=bearer(app, other_technician))
    assert response.status_code == 503 and response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["retry-after"]


async def test_a_hung_database_serves_a_known_user_as_last_read_instead_of_waiting(settings: Settings) -> None:
    """PostgreSQL that stops answering (not refusing) must not hold a known technician's requests forever."""
    proxy = await TcpProxy(upstream(settings.database_url.get_secret_value())).start()
    pool = await postgres.open_pool(proxied(settings.database_url.get_secret_value(), proxy.port))
    now = [0.0]
    identities = Identities(pool, redis=None, breaker=CircuitBreaker("redis", 3, 5.0), prefix="t", timeout=0.25,
                            clock=lambda: now[0])
    try:
        await pool.wait(timeout=10)
        async with pool.connection() as conn:
            row = await (await conn.execute("SELECT id FROM users WHERE email = %s", (DEMO_TECHNICIAN_EMAIL,))
                         ).fetchone()
        assert row is not None
        known = await identities.get(row["id"])
        assert known is not None and known.active
        proxy.hang()
        now[0] += TTL_SECONDS + 1  # the remembered identity is due for a re-read, which never comes back
        assert await asyncio.wait_for(identities.get(row["id"]), 10) == known
    finally:
        proxy.resume()
        await proxy.cut()
        await pool.close()
