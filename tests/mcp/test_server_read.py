"""Clara's `/mcp` answering reads and refusals (listing, specs, trips, site rules, bad photos): nothing here is
stored but a preference, so the module's tests share one app (tests/conftest.py `module_app`) instead of starting
one each. Writes and other technicians' jobs are in tests/mcp/test_server.py, each on its own app."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from livekit.agents.llm.utils import build_legacy_openai_schema

from clara.agent.tools import TOOLS
from tests.mcp.test_server import TRUNCATED, b64, call, mcp_session
from tests.vision.conftest import identify, png_header
from tests.shared_app import app, auth, client  # noqa: F401  (one app for the module's tests)

pytestmark = pytest.mark.asyncio(loop_scope="module")

AGENT_TOOLS = {tool.info.name: tool for tool in TOOLS}  # what every agent session has (drafts' tools aside)
PHOTO_ARGUMENTS = {"image", "job_id"}  # read_nameplate over MCP: the photo the agent takes from its conversation
# What only a conversation has: "I'm at the Ferry Building now" moves the session's "here"; an MCP call keeps no
# session and sends no position, so it has nothing to move.
SESSION_ARGUMENTS = {"customer_at_location": {"arrived"}}


def types(schema: dict[str, Any]) -> set[str]:
    """A JSON schema's accepted types, enums spelled out: {"string", "null"} or {"enum:nfpa", ..., "null"}."""
    accepted: set[str] = set()
    for option in schema.get("anyOf", [schema]):
        accepted |= {f"enum:{v}" for v in option["enum"]} if "enum" in option else {option["type"]}
    return accepted


async def test_mcp_needs_a_valid_token(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                     headers={**headers, "Accept": "application/json, text/event-stream"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


async def test_a_get_is_405_not_an_endless_event_stream(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    """Stateless, the SDK answered a GET with an SSE stream that carried nothing and never ended (a held connection
    per call); a server without such a stream answers 405, as the MCP transport allows."""
    async with asyncio.timeout(10):
        response = await client.get("/mcp", headers={**auth, "Accept": "text/event-stream"})
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_every_agent_tool_is_listed_with_its_parameters(app: Starlette, auth: dict[str, str]) -> None:
    async with mcp_session(app, auth) as session:
        listed = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert set(listed) == set(AGENT_TOOLS)
    for name, tool in AGENT_TOOLS.items():
        agent = build_legacy_openai_schema(tool, internally_tagged=True)["parameters"]
        mcp = listed[name].input_schema
        extra = PHOTO_ARGUMENTS if name == "read_nameplate" else set()
        session_only = SESSION_ARGUMENTS.get(name, set())
        assert set(mcp.get("properties", {})) - extra == set(agent.get("properties", {})) - session_only, name
        for parameter, schema in agent.get("properties", {}).items():
            if parameter not in session_only:
                assert types(mcp["properties"][parameter]) == types(schema), (name, parameter)
        assert set(mcp.get("required", [])) - extra == set(agent.get("required", [])), name
    assert "ctx" not in listed["my_jobs_today"].input_schema.get("properties", {})
    assert listed["read_nameplate"].input_schema["required"] == ["image"]


async def test_a_tool_answers_with_the_service_result(app: Starlette, auth: dict[str, str]) -> None:
    async with mcp_session(app, auth) as session:
        error, spec = await call(session, "equipment_spec", model="50tcqa-06")
        assert not error and spec["model"] == "50TCQA06" and spec["electrical"]["mca"] == 26.7
        error, unknown = await call(session, "equipment_spec", model="50TCQA99")
    assert error and unknown["status"] == 404 and "50TCQA09" in unknown["error"]["close_matches"]


async def test_travel_time_reads_the_trip_as_the_agent_does(app: Starlette, auth: dict[str, str]) -> None:
    """ "From the Ferry Building to the next job" is the job after the Ferry Building's, as the agent's tool says."""
    async with mcp_session(app, auth) as session:
        error, trip = await call(session, "travel_time", destination="the next job", origin="Ferry Building")
    assert not error and trip["site"]["name"] == "ABC Manufacturing Plant 1" and trip["duration"] > 0, trip


async def test_equipment_spec_takes_a_unit_by_kind_at_a_site_and_answers_the_question(
    app: Starlette, auth: dict[str, str],
) -> None:
    async with mcp_session(app, auth) as session:
        error, spec = await call(session, "equipment_spec", model="the rooftop unit", site="WeWork 123 Main St",
                                 question="max fuse size")
        assert not error and spec["model"] == "50TCQA06", spec
        assert spec["asked"] == {"topic": "electrical", "figures": [
            {"field": "electrical.mocp", "name": "maximum fuse or breaker size (MOCP)", "value": 40, "said": "40 A"}]}
        error, missing = await call(session, "equipment_spec", model="the fire pump", site="WeWork 123 Main St")
        assert error and missing["status"] == 404 and missing["error"]["field"] == "model"
        error, nothing = await call(session, "equipment_spec")
    assert error and nothing["status"] == 400 and nothing["error"]["field"] == "model"


@pytest.mark.parametrize("photo", [
    pytest.param(b"%PDF-1.4 not a photo", id="not-an-image"),
    pytest.param(TRUNCATED, id="truncated-jpeg"),
    pytest.param(png_header(0, 0), id="0x0"),
    pytest.param(png_header(20_000, 20_000), id="20000x20000"),
    pytest.param(b"", id="empty"),
])
async def test_a_bad_photo_is_the_routes_refusal_naming_image(
    app: Starlette, client: httpx.AsyncClient, auth: dict[str, str], photo: bytes,
) -> None:
    route = await identify(client, auth, photo) if photo else None
    async with mcp_session(app, auth) as session:
        error, refusal = await call(session, "read_nameplate", image=b64(photo))
        assert error and 400 <= refusal["status"] < 500 and refusal["error"]["field"] == "image", refusal
        if route is not None:
            assert {**route.json(), "status": route.status_code} == refusal
        error, still = await call(session, "equipment_spec", model="50TCQA06")  # the server carries on
    assert not error and still["model"] == "50TCQA06"


@pytest.mark.parametrize("tool, arguments, key", [
    ("customer_at_location", {"location": "WeWork"}, "name"),
    ("customer_at_location", {}, "name"),  # the site of the job under way, as the agent takes it
    ("site_requirements", {"site": "Ferry Building"}, "special_requirements"),
    ("next_job", {"after": "my first job"}, "job"),
    ("job_details", {"job": "my last job"}, "equipment"),
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


async def test_asked_how_to_get_in_the_site_requirements_add_who_lets_you_in(app: Starlette,
                                                                              auth: dict[str, str]) -> None:
    async with mcp_session(app, auth) as session:
        error, plain = await call(session, "site_requirements", site="Ferry Building")
        error_too, access = await call(session, "site_requirements", site="Ferry Building", access=True)
    assert not error and not error_too and "contact" not in plain
    assert access["contact"]["name"] and access["contact"]["phone"], access


async def test_a_phone_sized_photo_reaches_read_nameplate(app: Starlette, auth: dict[str, str]) -> None:
    """A phone's photo is megabytes; the JSON body limit of every other route (1 MB) would refuse it at the edge
    with a bare 413 before the tool could read it. /mcp takes a photo up to the identify route's own limit."""
    big = png_header(800, 600) + bytes(1_500_000)  # 1.5 MB, not a readable PNG: the tool's refusal, not the edge's
    async with mcp_session(app, auth) as session:
        error, refusal = await call(session, "read_nameplate", image=b64(big))
    assert error and refusal["error"]["field"] == "image" and refusal["status"] in (400, 415, 422), refusal

