"""The real Gemini plugin against a local fake Gemini server, and the fallback to the offline LLM in the same turn."""

from __future__ import annotations

import time
from typing import Any, AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from clara.chat.runtime import AgentRuntime
from clara.settings import Settings
from tests.conftest import running, user_by_email
from tests.fakes.gemini import FakeGemini, echo, error, function_call, hang
from tests.conftest import turn

QUESTION = "What's the amp draw for Carrier 50TCQA06?"


@pytest.fixture
async def gemini_app(settings: Settings, gemini: FakeGemini) -> AsyncIterator[Starlette]:
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=1.0) as application:
        yield application


async def health(app: Starlette) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
        body: dict[str, Any] = (await client.get("/health")).json()
    return body


async def test_gemini_calls_a_tool_and_replies_from_its_output(gemini_app: Starlette, gemini: FakeGemini) -> None:
    user = await user_by_email(gemini_app, "maria.lopez@clara.dev")
    gemini.then(function_call("equipment_spec", model="50TCQA06", question="amp draw"), echo())
    events = await turn(gemini_app, user, QUESTION)
    assert [e["type"] for e in events if e["type"] != "delta"] == ["tool_call", "tool_result", "done"]
    assert events[0] == {"type": "tool_call", "name": "equipment_spec",
                         "arguments": {"model": "50TCQA06", "question": "amp draw"}}
    assert events[1].pop("duration_ms") >= 0
    assert events[1] == {"type": "tool_result", "name": "equipment_spec", "ok": True}
    assert "MCA 26.7 A" in events[-1]["text"]
    first = gemini.requests[0]
    assert "You are Clara" in first["systemInstruction"]["parts"][0]["text"]
    declared = {f["name"] for f in first["tools"][0]["functionDeclarations"]}
    assert {"equipment_spec", "knowledge_search", "customer_at_location", "log_deficiency"} <= declared
    assert (await health(gemini_app))["checks"]["llm"] == {"state": "ok", "detail": "gemini (gemini-2.5-flash)"}
    runtime: AgentRuntime = gemini_app.state.agent
    assert runtime.stack.served_by() == "gemini"


@pytest.mark.parametrize("failure", [error(500), hang(2)], ids=["http-500", "timeout"])
async def test_a_failing_gemini_falls_back_to_the_offline_llm_in_the_same_turn(
    gemini_app: Starlette, gemini: FakeGemini, failure: Any
) -> None:
    user = await user_by_email(gemini_app, "maria.lopez@clara.dev")
    gemini.then(failure)
    events = await turn(gemini_app, user, QUESTION)
    assert [e["type"] for e in events if e["type"] != "delta"] == ["tool_call", "tool_result", "done"]
    assert events[0]["arguments"]["model"] == "50TCQA06"
    assert "MCA 26.7 A" in events[-1]["text"]
    checks = (await health(gemini_app))["checks"]
    assert checks["llm"]["state"] == "fallback" and "offline LLM answering" in checks["llm"]["detail"]
    runtime: AgentRuntime = gemini_app.state.agent
    assert runtime.stack.fallbacks == 1 and runtime.stack.in_use() == "offline"
    async with gemini_app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT llm FROM conversation_turns")
        assert [row["llm"] for row in await cur.fetchall()] == ["offline"]


async def test_an_unreachable_gemini_is_tried_once_and_the_offline_llm_answers_at_once(
        settings: Settings, dropping_gemini: None) -> None:
    """google-genai, given no retry options, slept 1-10 s and tried again on a dropped or refused connection: the
    turn waited that long (up to the fallback's timeout) for the offline answer."""
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=15.0) as app:
        user = await user_by_email(app, "maria.lopez@clara.dev")
        started = time.monotonic()
        events = await turn(app, user, QUESTION)
        assert time.monotonic() - started < 5.0
        assert "MCA 26.7 A" in events[-1]["text"]
        assert (await health(app))["checks"]["llm"]["state"] == "fallback"


def declared(request: dict[str, Any]) -> set[str]:
    return {f["name"] for tools in request.get("tools", []) for f in tools.get("functionDeclarations", [])}


async def test_gemini_may_leave_references_to_the_resolution_service(gemini_app: Starlette,
                                                                     gemini: FakeGemini) -> None:
    user = await user_by_email(gemini_app, "maria.lopez@clara.dev")
    gemini.then(function_call("customer_at_location", location="my next site"), echo())
    events = await turn(gemini_app, user, "Who's the customer at my next site?")
    assert events[-1]["text"].startswith("WeWork 123 Main St belongs to WeWork")
    gemini.then(function_call("site_requirements"), echo())  # no argument: the site just discussed
    events = await turn(gemini_app, user, "Anything special there?")
    assert events[-1]["text"].startswith("At WeWork 123 Main St (WeWork): Check in with building security")


async def test_gemini_writes_are_read_back_and_confirmed_like_the_offline_ones(gemini_app: Starlette,
                                                                              gemini: FakeGemini) -> None:
    user = await user_by_email(gemini_app, "maria.lopez@clara.dev")
    gemini.then(function_call("log_deficiency", description="gauge in the red", severity="high",
                              equipment="the Amerex B260", location="kitchen"), echo())
    events = await turn(gemini_app, user, "Log the B260 in the kitchen, gauge in the red, high")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"]["model"] == "B260" and draft["fields"]["severity"] == "inoperable"
    assert "confirm_draft" not in declared(gemini.requests[0])  # offered only while a draft waits
    gemini.then(function_call("confirm_draft", accept=True), echo())
    events = await turn(gemini_app, user, "yes")
    assert "confirm_draft" in declared(gemini.requests[2])
    saved = next(e for e in events if e["type"] == "saved")
    async with gemini_app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT d.severity, e.model FROM deficiencies d JOIN equipment e"
                                 " ON e.id = d.equipment_id WHERE d.id = %s", (saved["id"],))
        assert await cur.fetchone() == {"severity": "inoperable", "model": "B260"}


async def test_gemini_reads_spelled_letters_as_meant_and_the_turn_keeps_the_words_said(
        gemini_app: Starlette, gemini: FakeGemini) -> None:
    user = await user_by_email(gemini_app, "maria.lopez@clara.dev")
    gemini.then(function_call("knowledge_search", query="NFPA 10 hydro"), echo())
    said = "how often does n f p a ten want a k class extinguisher hydro tested"
    runtime: AgentRuntime = gemini_app.state.agent
    session = await runtime.chats.open(actor=user, user_id=user.id)
    events = [event async for event in session.turn(said)]
    assert events[-1]["type"] == "done"
    asked = gemini.requests[0]["contents"][-1]["parts"][0]["text"]
    assert "NFPA 10" in asked and "n f p a" not in asked
    assert session.agent.ctx.conversation.recent[-1].user_text == said
