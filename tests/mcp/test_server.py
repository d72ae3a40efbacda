"""Clara's `/mcp`, driven by the official MCP client: tools listed, called as the token's user, refusals as routes."""

from __future__ import annotations

import base64
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.settings import Settings
from tests.conftest import bearer, running
from tests.vision.conftest import foreign_job, identify  # noqa: F401  (foreign_job: a fixture)
from tests.vision.plates import Plate, render


@asynccontextmanager
async def mcp_session(app: Starlette, headers: dict[str, str]) -> AsyncIterator[ClientSession]:
    """The official client over the app's ASGI interface (JSON responses need no streaming)."""
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://clara.test", headers=headers)
    async with http, streamable_http_client("http://clara.test/mcp", http_client=http) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session


async def call(session: ClientSession, name: str, **arguments: Any) -> tuple[bool, dict[str, Any]]:
    result = await session.call_tool(name, arguments)
    assert result.structured_content is not None, result.content
    return result.is_error, result.structured_content


async def test_tools_act_as_the_token_user_and_refuse_as_the_routes_do(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, demo_jobs: dict[str, int],
) -> None:
    foreign = (await client.get("/jobs", params={"user_id": other_technician.id},
                                headers=bearer(app, other_technician))).json()["jobs"]
    mine = (await client.get("/jobs", headers=auth)).json()["jobs"]
    route_refusal = await client.get(f"/jobs/{foreign[0]['id']}", headers=auth)
    ferry = demo_jobs["Ferry Building"]
    async with mcp_session(app, auth) as session:
        error, today = await call(session, "my_jobs_today")
        assert not error and [j["id"] for j in today["jobs"]] == [j["id"] for j in mine]
        error, refusal = await call(session, "job_details", job_id=foreign[0]["id"])
        assert error and refusal == {**route_refusal.json(), "status": 403}
        error, logged = await call(session, "log_deficiency", description="corroded sprinkler head",
                                   job=f"job {ferry}", location="stairwell B")
        assert not error and logged["job_id"] == ferry and logged["severity"] == "deficient"
        error, detail = await call(session, "job_details", job_id=ferry)
        saved = next(d for d in detail["deficiencies"] if d["id"] == logged["id"])
        assert saved["reported_by"] == technician.id and saved["description"] == "Corroded sprinkler head"
        error, fixed = await call(session, "mark_deficiency_fixed", deficiency_id=logged["id"])
        assert not error and fixed["status"] == "fixed"
        error, refusal = await call(session, "update_job_status", status="on my way", job=f"job {foreign[0]['id']}")
        assert error and refusal == {**route_refusal.json(), "status": 403}
    async with mcp_session(app, bearer(app, other_technician)) as session:
        error, refusal = await call(session, "log_deficiency", description="x", job=f"job {ferry}")
        assert error and refusal["status"] == 403 and refusal["error"]["field"] == "job_id"
    assert (await client.get(f"/jobs/{foreign[0]['id']}", headers=bearer(app, other_technician))).json()["status"] \
        == foreign[0]["status"]


async def test_a_status_change_is_saved_under_the_same_rules_as_the_agents(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], demo_jobs: dict[str, int],
) -> None:
    job_id = demo_jobs["Ferry Building"]
    before = (await client.get(f"/jobs/{job_id}", headers=auth)).json()
    async with mcp_session(app, auth) as session:
        error, moved = await call(session, "update_job_status", status="on my way", job=f"job {job_id}")
        assert not error and moved["id"] == job_id and moved["status"] == "en_route", (before["status"], moved)
        error, again = await call(session, "update_job_status", status="en_route", job=f"job {job_id}")
        assert error and again["status"] == 409 and again["error"]["field"] == "status"
        error, nonsense = await call(session, "update_job_status", status="teleported", job=f"job {job_id}")
        assert error and nonsense["status"] == 400 and nonsense["error"]["field"] == "status"
    assert (await client.get(f"/jobs/{job_id}", headers=auth)).json()["status"] == "en_route"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_read_nameplate_reads_a_photo_and_answers_about_it(app: Starlette, auth: dict[str, str]) -> None:
    plate = Plate(header="LENNOX INDUSTRIES INC.", manufacturer="Lennox", model="LGH048H4BS2G", serial="5818L12345",
                  manufactured="2018-11", layout="stacked")
    async with mcp_session(app, auth) as session:
        error, found = await call(session, "read_nameplate", image=b64(render(plate)))
        assert not error and found["fields"]["model"] == "LGH048H4BS2G" and found["manufactured"] == "2018-11"
        assert found["spec"]["model"] == "LGH048" and "asked" not in found
        error, _ = await call(session, "set_preferences", units="metric")
        assert not error
        error, asked = await call(session, "read_nameplate", image=b64(render(plate)),
                                  question="how much does it weigh, and what's the charge?")
    assert not error and asked["fields"]["model"] == "LGH048H4BS2G"
    assert asked["asked"] == {"topic": "refrigerant", "figures": [  # the spec's figures, in the technician's units
        {"field": "weight_lb", "name": "weight", "value": 540, "said": "244.9 kg"},
        {"field": "refrigerant_charge_lb", "name": "refrigerant charge", "value": 7.8, "said": "3.5 kg"}]}


async def test_read_nameplate_for_another_technicians_job_is_refused_as_the_route_refuses(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], foreign_job: int,
) -> None:
    photo = render(Plate(header="CARRIER CORPORATION", manufacturer="Carrier", model="50TCQA06A2A5A0A0A0",
                         serial="1824C12345", manufactured="2024-05", layout="inline"))
    route = await identify(client, auth, photo, job_id=foreign_job)
    assert route.status_code == 403
    async with mcp_session(app, auth) as session:
        error, refusal = await call(session, "read_nameplate", image=b64(photo), job_id=foreign_job)
    assert error and refusal == {**route.json(), "status": 403}


TRUNCATED = render(Plate(header="GOODMAN", manufacturer="Goodman", model="GSX140361", serial="1805123456",
                         manufactured=None, layout="inline"))[:4000]


async def test_a_photo_over_the_limit_is_refused_naming_image(settings: Settings, technician: CurrentUser) -> None:
    async with running(settings, max_image_bytes=4096) as small:
        async with mcp_session(small, bearer(small, technician)) as session:
            error, refusal = await call(session, "read_nameplate", image=b64(TRUNCATED + bytes(1000)))
    assert error and refusal["status"] == 413 and refusal["error"]["field"] == "image"
    assert refusal["error"]["code"] == "payload_too_large"


async def test_knowledge_search_sees_the_callers_private_uploads_only(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], other_technician: CurrentUser,
) -> None:
    note = ("# Quarry Hill chiller notes\n\nThe Quarry Hill chiller's glycol loop is topped up with propylene glycol "
            "at 35 percent; the fill valve hides behind the blue access panel.\n")
    uploaded = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("quarry-hill.md", note.encode(), "text/markdown")})
    assert uploaded.status_code == 201, uploaded.text
    question = {"query": "Quarry Hill chiller glycol fill valve", "source": "uploads"}
    async with mcp_session(app, auth) as session:
        error, mine = await call(session, "knowledge_search", **question)
    assert not error and mine["results"][0]["document_id"] == uploaded.json()["document_id"]
    async with mcp_session(app, bearer(app, other_technician)) as session:
        error, theirs = await call(session, "knowledge_search", **question)
    assert not error and all(r["document_id"] != uploaded.json()["document_id"] for r in theirs["results"])


