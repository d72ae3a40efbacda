"""POST /voice/chat (JSON and SSE), GET /voice/status and GET /voice/stats."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from typing import Any

import httpx
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.chat.runtime import AgentRuntime
from clara.chat.sessions import IDLE_SECONDS
from clara.ops.demo_data import COMPANY_TZ
from tests.conftest import bearer

QUESTION = {"message": "What's the amp draw for Carrier 50TCQA06?"}


def sse_events(body: str) -> list[dict[str, Any]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        event = json.loads(lines["data"])
        assert lines["event"] == event["type"]
        events.append(event)
    return events


async def test_json_chat_replies_with_session_and_tool_calls(client: httpx.AsyncClient, technician: CurrentUser,
                                                             auth: dict[str, str]) -> None:
    response = await client.post(f"/voice/chat/{technician.id}", json=QUESTION, headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"reply", "session_id", "turn_id", "tool_calls"}
    assert "MCA 26.7 A" in body["reply"]
    assert body["tool_calls"] == [{"name": "equipment_spec", "ok": True, "arguments": {
        "model": "50TCQA06", "question": "What's the amp draw for Carrier 50TCQA06"}}]
    follow = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                               json={"message": "what's its refrigerant charge?", "session_id": body["session_id"]})
    assert follow.status_code == 200 and follow.json()["session_id"] == body["session_id"]
    assert "50TCQA06" in follow.json()["reply"] and "refrigerant" in follow.json()["reply"]


async def test_sse_streams_the_same_events_and_content_as_json(client: httpx.AsyncClient, technician: CurrentUser,
                                                              auth: dict[str, str]) -> None:
    streamed = await client.post(f"/voice/chat/{technician.id}", json=QUESTION,
                                 headers={**auth, "Accept": "text/event-stream"})
    assert streamed.status_code == 200 and streamed.headers["content-type"].startswith("text/event-stream")
    events = sse_events(streamed.text)
    assert [e["type"] for e in events][:2] == ["tool_call", "tool_result"] and events[-1]["type"] == "done"
    session_id = streamed.headers["x-session-id"]
    plain = (await client.post(f"/voice/chat/{technician.id}", json={**QUESTION, "session_id": session_id},
                               headers=auth)).json()
    assert plain["reply"] == events[-1]["text"]
    assert plain["tool_calls"] == [{"name": e["name"], "arguments": e["arguments"], "ok": True}
                                   for e in events if e["type"] == "tool_call"]


async def test_chat_refuses_what_it_must(client: httpx.AsyncClient, app: Starlette, technician: CurrentUser,
                                         other_technician: CurrentUser, dispatcher: CurrentUser,
                                         auth: dict[str, str]) -> None:
    url = f"/voice/chat/{technician.id}"
    assert (await client.post(url, json=QUESTION)).status_code == 401
    forbidden = await client.post(f"/voice/chat/{other_technician.id}", json=QUESTION, headers=auth)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "forbidden"
    unknown = await client.post("/voice/chat/999999", json=QUESTION, headers=bearer(app, dispatcher))
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "user_id"
    for body, field in [({}, "message"), ({"message": ""}, "message"), ({"message": 5}, "message"),
                        ({"message": "x" * 4001}, "message"), ({**QUESTION, "session_id": "nope"}, "session_id"),
                        ({**QUESTION, "job_id": 0}, "job_id")]:
        bad = await client.post(url, json=body, headers=auth)
        assert bad.status_code == 400 and bad.json()["error"]["field"] == field, body
    missing = await client.post(url, json={**QUESTION, "session_id": "00000000-0000-4000-8000-000000000000"},
                                headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "session_id"
    mine = (await client.post(url, json=QUESTION, headers=auth)).json()["session_id"]
    theirs = await client.post(f"/voice/chat/{other_technician.id}", json={**QUESTION, "session_id": mine},
                               headers=bearer(app, other_technician))
    assert theirs.status_code == 403 and theirs.json()["error"]["field"] == "session_id"


async def test_status_lists_open_sessions_and_recent_conversations(client: httpx.AsyncClient, app: Starlette,
                                                                   technician: CurrentUser,
                                                                   other_technician: CurrentUser,
                                                                   dispatcher: CurrentUser,
                                                                   auth: dict[str, str]) -> None:
    url = f"/voice/status/{technician.id}"
    empty = await client.get(url, headers=auth)
    assert empty.status_code == 200
    assert empty.json() == {"user_id": technician.id, "sessions": [], "voice_room": None, "conversations": []}
    session_id = (await client.post(f"/voice/chat/{technician.id}", json=QUESTION, headers=auth)).json()["session_id"]
    body = (await client.get(url, headers=auth)).json()
    assert body["sessions"] == [{"session_id": session_id, "channel": "text", "job_id": None, "turns": 1}]
    assert [c["session_id"] for c in body["conversations"]] == [session_id]
    assert body["conversations"][0]["turns"] == 1 and body["conversations"][0]["updated_at"]
    assert (await client.get(url)).status_code == 401
    assert (await client.get(f"/voice/status/{other_technician.id}", headers=auth)).status_code == 403
    assert (await client.get("/voice/status/999999", headers=bearer(app, dispatcher))).status_code == 404
    assert (await client.get("/voice/status/abc", headers=auth)).json()["error"]["field"] == "user_id"


async def test_stats_count_sessions_turns_tool_calls_and_name_the_llm(client: httpx.AsyncClient,
                                                                      technician: CurrentUser,
                                                                      auth: dict[str, str]) -> None:
    assert (await client.get("/voice/stats")).status_code == 401
    await client.post(f"/voice/chat/{technician.id}", json=QUESTION, headers=auth)
    await client.post(f"/voice/chat/{technician.id}", json={"message": "hello"}, headers=auth)
    stats = (await client.get("/voice/stats", headers=auth)).json()
    assert stats["sessions"] == {"text": 1, "voice": 0}
    assert stats["turns"] == 2 and stats["tool_calls"] == 1
    assert stats["llm"] == {"in_use": "offline", "primary": "offline", "state": "fallback",
                            "detail": "offline LLM (no GOOGLE_API_KEY)", "fallbacks": 0}
    assert stats["agent_worker"] == {"state": "disabled", "detail": "AGENT_WORKER_ENABLED is off"}


async def test_health_shows_the_llm_and_the_worker(client: httpx.AsyncClient) -> None:
    checks = (await client.get("/health")).json()["checks"]
    assert checks["llm"] == {"state": "fallback", "detail": "offline LLM (no GOOGLE_API_KEY)"}
    assert checks["agent_worker"] == {"state": "disabled", "detail": "AGENT_WORKER_ENABLED is off"}


async def test_openapi_documents_the_chat_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "post" in paths["/voice/chat/{user_id}"] and "get" in paths["/voice/status/{user_id}"]
    assert "get" in paths["/voice/stats"]
    chat = paths["/voice/chat/{user_id}"]["post"]
    assert chat["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatRequest"}
    assert {"200", "400", "401", "403", "404", "429"} <= set(chat["responses"])
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert {"latitude", "longitude", "new_session", "job_id"} <= set(schemas["ChatRequest"]["properties"])
    assert {"draft", "saved"} <= set(schemas["ChatReply"]["properties"])

    def members(union: str) -> list[dict[str, Any]]:  # each frame is a component of its own, referred to
        return [schemas[f["$ref"].rsplit("/", 1)[-1]] for f in schemas[union]["oneOf"]]

    client_frames = {f["properties"]["type"]["const"] for f in members("ClientFrame")}
    assert client_frames == {"message", "ping", "auth", "location", "new_session", "confirm", "image"}
    server_frames = {f["properties"]["type"]["const"] for f in members("ServerFrame")}
    assert {"tool_call", "tool_result", "draft", "saved", "delta", "done", "session", "pong", "error",
            "nameplate", "job_updated"} == server_frames
    image = next(f for f in members("ClientFrame") if f["properties"]["type"]["const"] == "image")
    assert image["required"] == ["type", "data"] and image["properties"]["data"]["contentEncoding"] == "base64"


async def test_a_dispatcher_in_a_technicians_chat_hears_that_technicians_day(
    client: httpx.AsyncClient, app: Starlette, technician: CurrentUser, dispatcher: CurrentUser, demo_day: date
) -> None:
    today = datetime.now(COMPANY_TZ).date()
    async with app.state.stores.db.connection() as conn:  # the demo day is today, even if the run crossed midnight
        await conn.execute("UPDATE jobs SET scheduled_start = scheduled_start + %s WHERE technician_id = %s"
                           " AND (scheduled_start AT TIME ZONE %s)::date = %s",
                           (today - demo_day, technician.id, str(COMPANY_TZ), demo_day))
    question = {"message": "What jobs do I have today?"}
    as_dispatcher = await client.post(f"/voice/chat/{technician.id}", json=question, headers=bearer(app, dispatcher))
    assert as_dispatcher.status_code == 200
    body = as_dispatcher.json()
    assert body["tool_calls"][0]["name"] == "my_jobs_today" and body["tool_calls"][0]["ok"]
    # The technician's day (the dispatcher has no jobs of their own: acting as the caller would answer "no jobs")
    assert "WeWork 123 Main St" in body["reply"] and "no jobs" not in body["reply"]
    as_technician = await client.post(f"/voice/chat/{technician.id}", json={**question, "new_session": True},
                                      headers=bearer(app, technician))
    assert as_technician.json()["reply"] == body["reply"]


async def test_idle_sessions_close_and_their_conversation_resumes_from_the_database(
    client: httpx.AsyncClient, app: Starlette, technician: CurrentUser, auth: dict[str, str]
) -> None:
    first = (await client.post(f"/voice/chat/{technician.id}", json={"message": "Specs of the 48TCDA08?"},
                               headers=auth)).json()
    runtime: AgentRuntime = app.state.agent
    assert await runtime.chats.close_idle(time.monotonic()) == 0
    assert await runtime.chats.close_idle(time.monotonic() + IDLE_SECONDS + 1) == 1
    assert runtime.chats.active == 0
    again = (await client.post(f"/voice/chat/{technician.id}", json={"message": "what's its amp draw?"},
                               headers=auth)).json()
    assert again["session_id"] == first["session_id"] and "48TCDA08" in again["reply"]
