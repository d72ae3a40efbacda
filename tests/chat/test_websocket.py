"""WS /voice/ws/{user_id}: the contract's event order, ping/pong, errors that keep the socket open, refusals, and a
conversation that continues across reconnects (and across instances: it lives in PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from livekit.agents import APIConnectionError, llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from starlette.applications import Starlette
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from clara.agent import knowledge_said
from clara.web.caller import CurrentUser
from clara.chat import socket as chat_socket
from clara.chat.runtime import AgentRuntime
from clara.settings import Settings
from tests.chat.conftest import Server, ask, recv
from tests.conftest import running
from tests.servers import TcpProxy, proxied, upstream


async def test_a_knowledge_answer_lists_the_passages_it_was_read_from(server: Server, technician: CurrentUser) -> None:
    """The tool_result of a knowledge search carries its citations, so a client links the very passages the reply
    was read from (not a second search that could rank differently)."""
    async with server.connect(technician) as ws:
        events = await ask(ws, "What does NFPA 25 say about the weekly fire pump test?")
    result = next(e for e in events if e["type"] == "tool_result")
    assert result["name"] == "knowledge_search" and result["ok"] and result["citations"]
    first = result["citations"][0]
    assert {"id", "document_id", "title", "section", "page", "citation", "answer", "confidence", "text"} <= set(first)
    assert isinstance(first["id"], int) and first["citation"].startswith("NFPA 25")
    done = events[-1]["text"]
    assert first["answer"] and first["answer"][:40] in done


async def test_a_turn_streams_tool_call_tool_result_deltas_then_done(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        events = await ask(ws, "What's the amp draw for Carrier 50TCQA06?")
    kinds = [e["type"] for e in events]
    assert kinds[:2] == ["tool_call", "tool_result"] and kinds[-1] == "done"
    assert set(kinds[2:-1]) == {"delta"} and len(kinds) > 3
    assert events[0] == {"type": "tool_call", "name": "equipment_spec",
                         "arguments": {"model": "50TCQA06", "question": "What's the amp draw for Carrier 50TCQA06"}}
    duration = events[1].pop("duration_ms")
    assert events[1] == {"type": "tool_result", "name": "equipment_spec", "ok": True}
    assert isinstance(duration, float) and duration >= 0  # measured by the server, for the console's tool log
    done = events[-1]
    assert set(done) == {"type", "text", "turn_id"}
    assert "".join(e["text"] for e in events if e["type"] == "delta").strip() == done["text"]
    assert "MCA 26.7 A" in done["text"] and "50TCQA06" in done["text"]  # text chat keeps plain text
    assert "five zero" not in done["text"] and "amps" not in done["text"]


async def test_ping_gets_pong(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


@pytest.mark.parametrize(("frame", "field"), [
    ("not json", "frame"),
    ("[1, 2]", "frame"),
    (json.dumps({"type": "dance"}), "type"),
    (json.dumps({"type": "message"}), "text"),
    (json.dumps({"type": "message", "text": "   "}), "text"),
    (json.dumps({"type": "message", "text": "x" * 4001}), "text"),
])
async def test_a_bad_frame_gets_an_error_and_the_socket_stays_open(server: Server, technician: CurrentUser,
                                                                  frame: str, field: str) -> None:
    async with server.connect(technician) as ws:
        await ws.send(frame)
        error = await recv(ws)
        assert error["type"] == "error" and error["code"] == "validation_error" and error["message"]
        assert set(error) == {"type", "code", "message", "field"} and error["field"] == field
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


async def test_a_bad_token_or_another_users_socket_is_refused(
    server: Server, technician: CurrentUser, other_technician: CurrentUser
) -> None:
    for url, status in [
        (server.ws_url(technician.id, server.token(other_technician)), 403),
        (server.ws_url(technician.id, "not-a-jwt"), 401),
        (server.ws_url(technician.id, server.token(technician), session_id="nope"), 400),
        (server.ws_url(technician.id, server.token(technician),
                       session_id="00000000-0000-4000-8000-000000000000"), 404),
        (server.ws_url(technician.id, server.token(technician), job_id="abc"), 400),
    ]:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, open_timeout=10):
                pass
        assert refused.value.response.status_code == status, url


@pytest.mark.parametrize("way", ["query", "subprotocol", "header"])
async def test_a_bad_token_on_the_handshake_is_the_contracts_401(server: Server, technician: CurrentUser,
                                                                 way: str) -> None:
    """Starlette closed such a handshake and uvicorn answered a bare 403: an app told 'not yours' where it should
    have logged in again."""
    options: dict[str, Any] = {"subprotocol": {"subprotocols": ["bearer", "not-a-jwt"]},
                               "header": {"additional_headers": {"Authorization": "Bearer not-a-jwt"}}}.get(way, {})
    url = server.ws_url(technician.id, "not-a-jwt" if way == "query" else None)
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, open_timeout=10, **options):
            pass
    response = refused.value.response
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert json.loads(response.body)["error"]["code"] == "unauthorized"
    field = {"query": "token", "subprotocol": "Sec-WebSocket-Protocol", "header": "Authorization"}[way]
    assert json.loads(response.body)["error"]["field"] == field  # where the refused token was sent


async def test_a_dispatcher_may_talk_for_a_technician(server: Server, technician: CurrentUser,
                                                      dispatcher: CurrentUser) -> None:
    async with server.connect(technician, as_user=dispatcher) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


async def test_a_reconnect_continues_the_conversation(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        first = await ask(ws, "What refrigerant does the 48TCDA08 use?")
    assert "48TCDA08" in first[-1]["text"]
    async with server.connect(technician) as ws:
        events = await ask(ws, "what's its amp draw?")
    assert "48TCDA08" in events[-1]["text"] and "MCA" in events[-1]["text"]


async def test_the_conversation_continues_on_another_instance(app: Starlette, settings: Settings,
                                                              technician: CurrentUser) -> None:
    first = await Server(app).start()
    try:
        async with first.connect(technician) as ws:
            await ask(ws, "What refrigerant does the 48TCDA08 use?")
    finally:
        await first.stop()
    async with running(settings) as other:
        second = await Server(other).start()
        try:
            async with second.connect(technician) as ws:
                events = await ask(ws, "what's its amp draw?")
        finally:
            await second.stop()
    assert "48TCDA08" in events[-1]["text"]


async def test_the_five_questions_over_the_socket_with_no_api_key(server: Server, technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        spec = await ask(ws, "What's the amp draw for Carrier 50TCQA06?")
        nfpa = await ask(ws, "Show me NFPA 25 requirements for fire pumps")
        customer = await ask(ws, "Who is the customer at WeWork?")
        next_job = await ask(ws, "What's my next job?")
        drafted = await ask(ws, "Log a deficiency: corroded sprinkler head in stairwell B, deficient")
        saved = await ask(ws, "save it")
    assert "MCA 26.7 A" in spec[-1]["text"] and "Carrier 50TCQA specifications" in spec[-1]["text"]
    assert nfpa[-1]["text"].startswith(("Per NFPA 25, section ", f"{knowledge_said.UNSURE} is NFPA 25, section "))
    assert customer[-1]["text"].startswith("WeWork 123 Main St belongs to WeWork")
    assert next_job[0] == {"type": "tool_call", "name": "next_job", "arguments": {}}
    assert next_job[-1]["text"].startswith("Your next job is")
    assert [e["type"] for e in drafted if e["type"] != "delta"] == ["tool_call", "tool_result", "draft", "done"]
    assert drafted[-1]["text"].endswith("Save it?") and "Corroded sprinkler head" in drafted[-1]["text"]
    assert [e["type"] for e in saved if e["type"] != "delta"] == ["tool_call", "tool_result", "saved", "done"]
    assert saved[-1]["text"].startswith("Saved deficiency")


async def test_a_socket_about_a_job_starts_knowing_its_site(server: Server, technician: CurrentUser,
                                                            other_technician: CurrentUser) -> None:
    async with server.app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT j.technician_id, min(j.id) AS id FROM jobs j JOIN sites s ON s.id = j.site_id"
            " WHERE s.name = 'ABC Manufacturing Plant 1' AND j.technician_id IN (%s, %s) GROUP BY j.technician_id",
            (technician.id, other_technician.id),
        )
        jobs = {row["technician_id"]: row["id"] for row in await cur.fetchall()}
    async with server.connect(technician, job_id=jobs[technician.id]) as ws:
        events = await ask(ws, "Who's the customer here?")
    assert events[0] == {"type": "tool_call", "name": "customer_at_location", "arguments": {"location": "here"}}
    assert events[-1]["text"].startswith("ABC Manufacturing Plant 1 belongs to ABC Manufacturing")
    if other_technician.id in jobs:
        with pytest.raises(InvalidStatus) as refused:
            async with server.connect(technician, job_id=jobs[other_technician.id]):
                pass
        assert refused.value.response.status_code == 403


class _BrokenLLM(llm.LLM):
    """Every model down at once: the turn must end in an error event, not a closed socket."""

    def chat(self, *, chat_ctx: llm.ChatContext, tools: list[llm.Tool] | None = None,
             conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS, **_: Any) -> llm.LLMStream:
        return _BrokenStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _BrokenStream(llm.LLMStream):
    async def _run(self) -> None:
        raise APIConnectionError("every model is down")


async def test_a_turn_no_model_can_answer_is_an_error_and_the_socket_stays_open(
    server: Server, technician: CurrentUser
) -> None:
    runtime: AgentRuntime = server.app.state.agent
    runtime.stack.session_llm = _BrokenLLM()
    async with server.connect(technician) as ws:
        events = await ask(ws, "What's my next job?")
        assert events == [{"type": "error", "code": "llm_unavailable",
                           "message": "Clara could not answer just now; please try again"}]
        await ws.send(json.dumps({"type": "ping"}))
        assert await recv(ws) == {"type": "pong"}


async def test_a_turn_while_postgres_is_away_is_a_retryable_error_and_the_socket_stays_open(
    settings: Settings, technician: CurrentUser
) -> None:
    """The turn cannot be saved: the contract's database_unavailable (as the HTTP routes' 503), not internal_error."""
    proxy = await TcpProxy(upstream(settings.database_url.get_secret_value())).start()
    try:
        async with running(settings, database_url=proxied(settings.database_url.get_secret_value(), proxy.port)) as app:
            server = await Server(app).start()
            try:
                async with server.connect(technician) as ws:
                    assert (await ask(ws, "What's my next job?"))[-1]["type"] == "done"
                    await proxy.cut()
                    failed = (await ask(ws, "Who's the customer at WeWork?"))[-1]
                    assert failed["type"] == "error" and failed["code"] == "database_unavailable"
                    assert failed["retry_after"] > 0
                    await proxy.restore()
                    for _ in range(100):  # the pool's breaker lets a trial through within seconds
                        if (await ask(ws, "What's my next job?"))[-1]["type"] == "done":
                            break
                        await asyncio.sleep(0.2)
                    else:
                        raise AssertionError("turns did not recover once PostgreSQL was back")
            finally:
                await server.stop()
    finally:
        await proxy.cut()


async def test_one_user_holds_a_bounded_number_of_sockets_and_others_still_connect(
    server: Server, technician: CurrentUser, other_technician: CurrentUser, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An audit script opened 300 sockets as one technician, each a descriptor and a conversation the server held:
    thousands would have run it out of descriptors for everyone. Past the limit: 429 `too_many_sockets`."""
    monkeypatch.setattr(chat_socket, "MAX_SOCKETS_PER_USER", 2)
    url = server.ws_url(technician.id, server.token(technician))
    async with connect(url, open_timeout=10) as first, connect(url, open_timeout=10):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, open_timeout=10):
                pass
        response = refused.value.response
        assert response.status_code == 429 and response.headers["Retry-After"] == "5"
        assert json.loads(response.body)["error"] == {
            "code": "too_many_sockets", "field": "user_id",
            "message": "at most 2 chat sockets may be open at once per user; close one first"}
        async with connect(server.ws_url(other_technician.id, server.token(other_technician)), open_timeout=10) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert await recv(ws) == {"type": "pong"}
        async with connect(server.ws_url(technician.id, None), open_timeout=10) as late:  # the auth-frame way
            await late.send(json.dumps({"type": "auth", "token": server.token(technician)}))
            assert (await recv(late))["code"] == "too_many_sockets"
        await first.send(json.dumps({"type": "ping"}))
        assert await recv(first) == {"type": "pong"}  # the ones it holds keep working
    async with connect(url, open_timeout=10) as again:  # closing frees the seats
        await again.send(json.dumps({"type": "ping"}))
        assert await recv(again) == {"type": "pong"}
