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

from clara.auth.models import CurrentUser
from tests.conftest import bearer
from tests.vision.plates import Plate, render

AGENT_TOOLS = {"customer_at_location", "my_jobs_today", "next_job", "daily_brief", "job_details", "equipment_spec",
               "knowledge_search", "travel_time", "inspections_due", "log_deficiency", "mark_deficiency_fixed",
               "get_preferences", "set_preferences", "identify_equipment"}


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


async def test_mcp_needs_a_valid_token(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                     headers={**headers, "Accept": "application/json, text/event-stream"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_every_agent_tool_is_listed_with_its_parameters(app: Starlette, auth: dict[str, str]) -> None:
    async with mcp_session(app, auth) as session:
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(listed) == AGENT_TOOLS
    deficiency = listed["log_deficiency"].input_schema
    assert deficiency["required"] == ["description"]
    assert {"description", "severity", "location", "equipment", "job_id"} == set(deficiency["properties"])
    assert "ctx" not in listed["my_jobs_today"].input_schema.get("properties", {})
    assert "nameplate" in (listed["identify_equipment"].description or "")


async def test_a_tool_answers_with_the_service_result(app: Starlette, auth: dict[str, str]) -> None:
    async with mcp_session(app, auth) as session:
        error, spec = await call(session, "equipment_spec", model="50tcqa-06")
        assert not error and spec["model"] == "50TCQA06" and spec["electrical"]["mca"] == 26.7
        error, unknown = await call(session, "equipment_spec", model="50TCQA99")
    assert error and unknown["status"] == 404 and "50TCQA09" in unknown["error"]["close_matches"]


async def test_tools_act_as_the_token_user_and_refuse_as_the_routes_do(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser,
    other_technician: CurrentUser, demo_jobs: dict[str, int],
) -> None:
    foreign = (await client.get("/jobs", params={"user_id": other_technician.id},
                                headers=bearer(app, other_technician))).json()["jobs"]
    mine = (await client.get("/jobs", headers=auth)).json()["jobs"]
    route_refusal = await client.get(f"/jobs/{foreign[0]['id']}", headers=auth)
    async with mcp_session(app, auth) as session:
        error, today = await call(session, "my_jobs_today")
        assert not error and [j["id"] for j in today["jobs"]] == [j["id"] for j in mine]
        error, refusal = await call(session, "job_details", job_id=foreign[0]["id"])
        assert error and refusal == {**route_refusal.json(), "status": 403}
        error, logged = await call(session, "log_deficiency", description="corroded sprinkler head",
                                   job_id=demo_jobs["Ferry Building"], location="stairwell B")
        assert not error and logged["reported_by"] == technician.id and logged["severity"] == "deficient"
        error, fixed = await call(session, "mark_deficiency_fixed", deficiency_id=logged["id"])
        assert not error and fixed["status"] == "fixed"
    async with mcp_session(app, bearer(app, other_technician)) as session:
        error, refusal = await call(session, "log_deficiency", description="x", job_id=demo_jobs["Ferry Building"])
        assert error and refusal["status"] == 403 and refusal["error"]["field"] == "job_id"


async def test_identify_equipment_reads_a_photo(app: Starlette, auth: dict[str, str]) -> None:
    plate = Plate(header="LENNOX INDUSTRIES INC.", manufacturer="Lennox", model="LGH048H4BS2G", serial="5818L12345",
                  manufactured="2018-11", layout="stacked")
    async with mcp_session(app, auth) as session:
        error, found = await call(session, "identify_equipment", image=base64.b64encode(render(plate)).decode())
        assert not error and found["fields"]["model"] == "LGH048H4BS2G" and found["manufactured"] == "2018-11"
        assert found["spec"]["model"] == "LGH048"
        error, refusal = await call(session, "identify_equipment", image="not base64!")
    assert error and refusal["status"] == 400 and refusal["error"]["field"] == "image"


@pytest.mark.parametrize("tool, arguments, key", [
    ("customer_at_location", {"location": "WeWork"}, "name"),
    ("inspections_due", {"site": "Ferry Building"}, "due"),
    ("travel_time", {"destination": "Ferry Building"}, "duration"),
    ("knowledge_search", {"query": "fire pump weekly test", "source": "nfpa"}, "results"),
    ("daily_brief", {}, "spoken_summary"),
    ("get_preferences", {}, "units"),
    ("set_preferences", {"units": "metric"}, "units"),
])
async def test_the_other_tools_answer(app: Starlette, auth: dict[str, str], tool: str, arguments: dict[str, Any],
                                      key: str) -> None:
    async with mcp_session(app, auth) as session:
        error, body = await call(session, tool, **arguments)
    assert not error and key in body, body


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
