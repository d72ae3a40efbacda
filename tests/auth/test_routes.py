from __future__ import annotations

import time

import httpx
import jwt
from pydantic import SecretStr
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token
from clara.ops.demo_data import DEMO_PASSWORD, DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.conftest import running


async def test_login_returns_a_bearer_token_that_opens_protected_routes(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/token", json={"email": DEMO_TECHNICIAN_EMAIL.upper(), "password": DEMO_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["role"] == "technician" and claims["sub"].isdigit()


async def test_wrong_password_and_unknown_email_look_the_same(client: httpx.AsyncClient) -> None:
    wrong = await client.post("/auth/token", json={"email": DEMO_TECHNICIAN_EMAIL, "password": "nope"})
    unknown = await client.post("/auth/token", json={"email": "nobody@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert wrong.json()["error"]["field"] == "password"  # the field to retype, for a wrong email too


async def test_login_validates_its_body(client: httpx.AsyncClient) -> None:
    malformed = await client.post("/auth/token", content=b"{not json", headers={"content-type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"]["field"] == "body"
    missing = await client.post("/auth/token", json={"email": DEMO_TECHNICIAN_EMAIL})
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "password"
    wrong_type = await client.post("/auth/token", json={"email": 42, "password": "x"})
    assert wrong_type.status_code == 400 and wrong_type.json()["error"]["field"] == "email"
    huge = await client.post("/auth/token", json={"email": "a" * 1_000_000, "password": "x"})
    assert huge.status_code in (400, 413)
    injection = await client.post("/auth/token", json={"email": "' OR 1=1 --", "password": "' OR 1=1 --"})
    assert injection.status_code == 401


async def test_a_token_that_worked_stops_working_when_it_expires(settings: Settings, technician: CurrentUser) -> None:
    """Tokens are verified once and then remembered: remembering must not outlive the token. The app's clock is
    moved, not waited for: a token's second is not cut short by where in the second it was issued."""
    now = [time.time()]
    async with running(settings, clock=lambda: now[0]) as app:
        short = issue_token(technician, secret=app.state.settings.jwt_secret, ttl_seconds=1, now=now[0])
        expires = jwt.decode(short, options={"verify_signature": False})["exp"]
        headers = {"Authorization": f"Bearer {short}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            assert (await client.get("/clara-server/crm/customers", headers=headers)).status_code == 200
            now[0] = expires - 0.01
            assert (await client.get("/clara-server/crm/customers", headers=headers)).status_code == 200
            now[0] = expires
            refused = await client.get("/clara-server/crm/customers", headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"


async def test_forged_and_expired_tokens_are_refused(app: Starlette, client: httpx.AsyncClient, technician: CurrentUser) -> None:
    forged = issue_token(technician, secret=SecretStr("not-the-server-secret-but-long-enough-0000"), ttl_seconds=600)
    expired = issue_token(technician, secret=app.state.settings.jwt_secret, ttl_seconds=60, now=time.time() - 3600)
    unsigned = jwt.encode({"sub": str(technician.id), "role": "admin"}, key="", algorithm="none")
    for token in (forged, expired, unsigned, "garbage"):
        response = await client.get("/clara-server/crm/customers", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["error"]["code"] == "unauthorized"
    basic = await client.get("/clara-server/crm/customers", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


async def test_every_demo_user_has_a_hash_of_their_own(app: Starlette, client: httpx.AsyncClient) -> None:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT email, password_hash FROM users ORDER BY id")
        rows = await cur.fetchall()
    salts = {row["password_hash"].split("$")[-2] for row in rows}
    assert len(rows) >= 6 and len(salts) == len(rows), "one cracked row must not open every account"
    for row in (rows[0], rows[-1]):
        login = await client.post("/auth/token", json={"email": row["email"], "password": DEMO_PASSWORD})
        assert login.status_code == 200, row["email"]
