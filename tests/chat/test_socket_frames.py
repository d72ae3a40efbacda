"""The WebSocket's additions: three ways to authenticate, `location`, `new_session`, `confirm`, per-user turn
limits, and preferences changed over REST reaching open conversations (on another instance too)."""

from __future__ import annotations

import json
import uuid
from typing import Any, AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from clara.web.caller import CurrentUser
from clara.chat import socket
from clara.settings import Settings
from tests.chat.conftest import Server, ask, recv
from tests.conftest import bearer, running, still

FERRY = (37.79550, -122.39370)


async def test_the_token_may_come_as_the_bearer_subprotocol(server: Server, technician: CurrentUser) -> None:
    url = server.ws_url(technician.id, None)
    async with connect(url, subprotocols=["bearer", server.token(technician)], open_timeout=10) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "bearer"
        events = await ask(ws, "What jobs do I have today?")
        assert events[-1]["type"] == "done" and events[0]["name"] == "my_jobs_today"


async def test_the_token_may_come_as_the_first_frame(server: Server, technician: CurrentUser) -> None:
    async with connect(server.ws_url(technician.id, None), open_timeout=10) as ws:
        await ws.send(json.dumps({"type": "auth", "token": server.token(technician)}))
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}
        await ws.send(json.dumps({"type": "auth", "token": server.token(technician)}))
        assert (await recv(ws))["code"] == "validation_error"  # once is enough; the socket stays open
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


@pytest.mark.parametrize("first", [
    {"type": "ping"}, {"type": "message", "text": "hello"}, {"type": "auth", "token": "not-a-jwt"}, {"type": "auth"},
], ids=["ping", "message", "bad token", "no token"])
async def test_without_a_token_the_first_frame_must_bring_one(server: Server, technician: CurrentUser,
                                                              first: dict[str, Any]) -> None:
    async with connect(server.ws_url(technician.id, None), open_timeout=10) as ws:
        await ws.send(json.dumps(first))
        error = await recv(ws)
        assert error["type"] == "error" and error["code"] in ("unauthorized", "validation_error")
        assert error["field"] == "token"
        with pytest.raises(ConnectionClosed) as closed:
            await recv(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == socket.POLICY_VIOLATION


async def test_the_first_frame_must_come_in_time(server: Server, technician: CurrentUser,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "AUTH_SECONDS", 0.2)
    async with connect(server.ws_url(technician.id, None), open_timeout=10) as ws:
        error = await recv(ws)
        assert error["code"] == "unauthorized" and "auth frame" in error["message"]
        with pytest.raises(ConnectionClosed):
            await recv(ws)


async def test_a_first_frame_token_for_another_user_is_refused(server: Server, technician: CurrentUser,
                                                               other_technician: CurrentUser) -> None:
    async with connect(server.ws_url(technician.id, None), open_timeout=10) as ws:
        await ws.send(json.dumps({"type": "auth", "token": server.token(other_technician)}))
        assert (await recv(ws))["code"] == "forbidden"
        with pytest.raises(ConnectionClosed):
            await recv(ws)


async def test_a_binary_frame_is_an_error_naming_the_frame_and_the_socket_stays_open(
        server: Server, technician: CurrentUser) -> None:
    """Starlette's receive_text raised KeyError on a binary frame: the socket died with 1011 and a traceback."""
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "ping"}).encode())
        error = await recv(ws)
        assert error["type"] == "error" and error["code"] == "validation_error" and error["field"] == "frame"
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}
    async with connect(server.ws_url(technician.id, None), open_timeout=10) as ws:  # before auth: refused, 1008
        await ws.send(b"\x00\x01")
        assert (await recv(ws))["field"] == "frame"
        with pytest.raises(ConnectionClosed) as closed:
            await recv(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == socket.POLICY_VIOLATION


async def test_location_tells_clara_where_here_is(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": FERRY[0], "longitude": FERRY[1]}))
        events = await ask(ws, "Who's the customer here?")
    assert events[-1]["text"].startswith("Ferry Building belongs to Ferry Building Marketplace")


@pytest.mark.parametrize(("frame", "field"), [
    ({"latitude": 91, "longitude": 0}, "latitude"), ({"latitude": 0, "longitude": -180.5}, "longitude"),
    ({"latitude": "north", "longitude": 0}, "latitude"), ({"longitude": 0}, "latitude"),
    ({"latitude": 0, "longitude": 0, "accuracy_m": -1}, "accuracy_m"),
])
async def test_a_location_out_of_range_is_an_error_naming_the_field(server: Server, technician: CurrentUser,
                                                                   frame: dict[str, Any], field: str) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", **frame}))
        error = await recv(ws)
        assert error["type"] == "error" and error["code"] == "validation_error" and error["field"] == field
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


async def test_new_session_starts_a_new_conversation(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ask(ws, "What refrigerant does the 48TCDA08 use?")
        await ws.send(json.dumps({"type": "new_session"}))
        started = await recv(ws)
        assert started["type"] == "session" and started["job_id"] is None
        uuid.UUID(started["session_id"])
        events = await ask(ws, "what's its amp draw?")  # the new conversation knows no model yet
        assert "48TCDA08" not in events[-1]["text"] and "model number" in events[-1]["text"]
        await ws.send(json.dumps({"type": "new_session", "job_id": 0}))
        assert (await recv(ws))["field"] == "job_id"
    async with server.connect(technician) as ws:  # a reconnect continues the newest conversation
        events = await ask(ws, "what's its amp draw?")
    assert "48TCDA08" not in events[-1]["text"]


async def test_confirm_frames_save_the_pending_draft_only(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "confirm", "draft_id": str(uuid.uuid4()), "accept": True}))
        events = await recv_until_done(ws)
        assert events[-1]["code"] == "draft_not_pending" and events[-1]["field"] == "draft_id"
        drafted = await ask(ws, "Log a deficiency: corroded sprinkler head in stairwell B")
        draft = next(e for e in drafted if e["type"] == "draft")
        await ws.send(json.dumps({"type": "confirm", "draft_id": draft["draft_id"], "accept": False}))
        declined = await recv_until_done(ws)
        assert not [e for e in declined if e["type"] == "saved"] and "not saved" in declined[-1]["text"]
        await ws.send(json.dumps({"type": "confirm", "draft_id": draft["draft_id"], "accept": "yes"}))
        assert (await recv(ws))["field"] == "accept"
        await ws.send(json.dumps({"type": "confirm", "draft_id": draft["draft_id"], "accept": True}))
        accepted = await recv_until_done(ws)
        assert [e["kind"] for e in accepted if e["type"] == "saved"] == ["deficiency"]


async def recv_until_done(ws: Any) -> list[dict[str, Any]]:
    events = []
    while not events or events[-1]["type"] not in ("done", "error"):
        events.append(await recv(ws))
    return events


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[Server]:
    async with running(settings, clock=still, rate_limit_default="3/minute") as app:
        served = await Server(app).start()
        yield served
        await served.stop()


async def test_socket_turns_spend_the_users_budget_and_the_socket_stays_open(limited: Server,
                                                                              technician: CurrentUser) -> None:
    async with limited.connect(technician) as ws:
        for _ in range(3):
            assert (await ask(ws, "hello"))[-1]["type"] == "done"
        refused = await ask(ws, "hello")
        assert refused == [{"type": "error", "code": "rate_limited", "retry_after": refused[0]["retry_after"],
                            "message": refused[0]["message"]}]
        assert 1 <= refused[0]["retry_after"] <= 60
        await ws.send(json.dumps({"type": "ping"}))  # not a turn: still answered
        assert await recv(ws) == {"type": "pong"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{limited.port}") as http:
        response = await http.post(f"/voice/chat/{technician.id}", json={"message": "hello"},
                                   headers=bearer(limited.app, technician))
    assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1  # one budget for both


async def test_a_burst_over_the_budget_is_refused_at_once_not_after_the_turns_ahead(limited: Server,
                                                                                    technician: CurrentUser) -> None:
    """The budget was spent as each queued turn started: a burst sat in memory, unbounded, and heard of the limit
    only once every turn ahead of it had been answered."""
    async with limited.connect(technician) as ws:
        for _ in range(5):
            await ws.send(json.dumps({"type": "message", "text": "what jobs do I have today"}))
        frames = []
        while sum(f["type"] in ("done", "error") for f in frames) < 5:
            frames.append(await recv(ws))
        ends = [f for f in frames if f["type"] in ("done", "error")]
        assert [f["type"] for f in ends].count("done") == 3
        refusals = [f for f in ends if f["type"] == "error"]
        assert [f["code"] for f in refusals] == ["rate_limited"] * 2 and all(f["retry_after"] >= 1 for f in refusals)
        last_done = max(i for i, f in enumerate(frames) if f["type"] == "done")
        assert frames.index(refusals[-1]) < last_done  # refused on arrival, while the turns ahead still ran
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


async def test_new_session_frames_spend_the_budget(limited: Server, technician: CurrentUser) -> None:
    """Each one opens an agent session that lives until idle: unbudgeted, a client could open thousands."""
    async with limited.connect(technician) as ws:
        for _ in range(3):
            await ws.send(json.dumps({"type": "new_session"}))
            assert (await recv(ws))["type"] == "session"
        await ws.send(json.dumps({"type": "new_session"}))
        refused = await recv(ws)
        assert refused["type"] == "error" and refused["code"] == "rate_limited" and refused["retry_after"] >= 1


@pytest.mark.parametrize("authenticated_by", ["handshake", "first frame"])
async def test_a_logout_ends_the_open_socket_at_its_next_turn(server: Server, technician: CurrentUser,
                                                              authenticated_by: str) -> None:
    """A socket went on answering turns (customers, contacts) after its token was logged out."""
    token = server.token(technician)
    offered: Any = ["bearer", token] if authenticated_by == "handshake" else None
    async with connect(server.ws_url(technician.id, None), subprotocols=offered, open_timeout=10) as ws:
        if authenticated_by == "first frame":
            await ws.send(json.dumps({"type": "auth", "token": token}))
        assert (await ask(ws, "What jobs do I have today?"))[-1]["type"] == "done"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
            out = await http.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204
        await ws.send(json.dumps({"type": "ping"}))  # not a turn: answered
        assert await recv(ws) == {"type": "pong"}
        refused = await ask(ws, "Who's the customer at WeWork?")
        assert [(e["type"], e.get("code"), e.get("field")) for e in refused] == [("error", "unauthorized", "token")]
        with pytest.raises(ConnectionClosed) as closed:
            await recv(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == socket.POLICY_VIOLATION


async def test_a_preference_change_reaches_a_conversation_open_on_another_instance(
    settings: Settings, redis_server_url: str, technician: CurrentUser
) -> None:
    shared = {"redis_url": redis_server_url}
    async with running(settings, **shared) as first, running(settings, **shared) as second:
        session = await second.state.agent.chats.open(actor=technician, user_id=technician.id)
        before = [e async for e in session.turn("How heavy is the 48TCDA12?")][-1]["text"]
        assert "970 lb" in before
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://a.test") as http:
            changed = await http.put(f"/clara-server/users/{technician.id}/preferences", json={"units": "metric"},
                                     headers=bearer(first, technician))
        assert changed.status_code == 200
        after = [e async for e in session.turn("How heavy is the 48TCDA12?")][-1]["text"]
    assert "440 kg" in after


async def test_json_chat_takes_a_position_and_starts_new_conversations(client: httpx.AsyncClient, app: Starlette,
                                                                       technician: CurrentUser,
                                                                       auth: dict[str, str]) -> None:
    url = f"/voice/chat/{technician.id}"
    here = await client.post(url, headers=auth, json={"message": "Who's the customer here?",
                                                      "latitude": FERRY[0], "longitude": FERRY[1]})
    assert here.status_code == 200 and here.json()["reply"].startswith("Ferry Building belongs to")
    fresh = await client.post(url, headers=auth, json={"message": "hello", "new_session": True})
    assert fresh.status_code == 200 and fresh.json()["session_id"] != here.json()["session_id"]
    drafted = (await client.post(url, headers=auth, json={"message": "Log a deficiency: corroded sprinkler head",
                                                          "session_id": fresh.json()["session_id"]})).json()
    assert drafted["draft"]["kind"] == "deficiency" and drafted["draft"]["type"] == "draft"
    saved = (await client.post(url, headers=auth, json={"message": "yes",
                                                        "session_id": fresh.json()["session_id"]})).json()
    assert saved["saved"]["kind"] == "deficiency" and saved["tool_calls"] == [
        {"name": "confirm_draft", "arguments": {"accept": True}, "ok": True}]
    for body, field in [({"message": "hi", "latitude": 95, "longitude": 0}, "latitude"),
                        ({"message": "hi", "latitude": 10}, "longitude"),
                        ({"message": "hi", "new_session": "yes"}, "new_session"),
                        ({"message": "hi", "new_session": True, "session_id": fresh.json()["session_id"]},
                         "new_session")]:
        bad = await client.post(url, headers=auth, json=body)
        assert bad.status_code == 400 and bad.json()["error"]["field"] == field, body


async def test_a_draft_waits_across_a_reconnect(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        drafted = await ask(ws, "Log a deficiency: corroded sprinkler head in stairwell B, minor")
    assert any(e["type"] == "draft" for e in drafted)
    async with server.connect(technician) as ws:
        saved = await ask(ws, "yes")
    assert [e["kind"] for e in saved if e["type"] == "saved"] == ["deficiency"]
