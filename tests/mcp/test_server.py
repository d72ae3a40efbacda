"""Clara's `/mcp`, driven by the official MCP client: tools listed, called as the token's user, refusals as routes."""

from __future__ import annotations

import asyncio
import base64
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette

from livekit.agents.llm.utils import build_legacy_openai_schema

from clara.agent.tools import TOOLS
from clara.web.caller import CurrentUser
from clara.settings import Settings
from tests.conftest import bearer, running
from tests.vision.conftest import foreign_job, identify, png_header  # noqa: F401  (foreign_job: a fixture)
from tests.vision.plates import Plate, render

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


async def test_a_photo_over_the_limit_is_refused_naming_image(settings: Settings, technician: CurrentUser) -> None:
    async with running(settings, max_image_bytes=4096) as small:
        async with mcp_session(small, bearer(small, technician)) as session:
            error, refusal = await call(session, "read_nameplate", image=b64(TRUNCATED + bytes(1000)))
    assert error and refusal["status"] == 413 and refusal["error"]["field"] == "image"
    assert refusal["error"]["code"] == "payload_too_large"


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


async def test_a_phone_sized_photo_reaches_read_nameplate(app: Starlette, auth: dict[str, str]) -> None:
    """A phone's photo is megabytes; the JSON body limit of every other route (1 MB) would refuse it at the edge
    with a bare 413 before the tool could read it. /mcp takes a photo up to the identify route's own limit."""
    big = png_header(800, 600) + bytes(1_500_000)  # 1.5 MB, not a readable PNG: the tool's refusal, not the edge's
    async with mcp_session(app, auth) as session:
        error, refusal = await call(session, "read_nameplate", image=b64(big))
    assert error and refusal["error"]["field"] == "image" and refusal["status"] in (400, 415, 422), refusal
