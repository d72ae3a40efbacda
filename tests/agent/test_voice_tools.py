"""Voice tools that are slow, failing or fed bad input, end to end: speech in, the real Gemini Live plugin against
the wire-faithful fake, Clara's tools against the real database."""

from __future__ import annotations

import asyncio
import json
import re
from types import SimpleNamespace
from typing import Any, AsyncIterator

import psycopg
import pytest

from clara.agent import fillers
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.agent.tools import jobs as job_tools
from clara.web.caller import CurrentUser
from clara.knowledge import service as knowledge_service
from clara.stores import Stores
from tests.agent.conftest import Context
from tests.agent.test_voice import saved_turns
from tests.agent.voice import Voice, speech
from tests.fakes.gemini_live import Cut, FakeGeminiLive, Garbage, call, relay, say, turn

SPEC_QUESTION = "What's the amp draw on the fifty T C Q A zero six?"


@pytest.fixture
async def fake() -> AsyncIterator[FakeGeminiLive]:
    server = await FakeGeminiLive().start()
    yield server
    await server.stop()


def slowed(monkeypatch: pytest.MonkeyPatch, seconds: float) -> list[str]:
    """Make the real specification lookup take `seconds` longer; returns how each lookup ended."""
    real = knowledge_service.equipment_spec
    ended: list[str] = []

    async def slow(*args: Any, **kwargs: Any) -> Any:
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            ended.append("cancelled")
            raise
        ended.append("answered")
        return await real(*args, **kwargs)

    monkeypatch.setattr(knowledge_service, "equipment_spec", slow)
    return ended


def spec_turn() -> Any:
    return turn("What's the amp draw on the 50TCQA06?",
                call("equipment_spec", model="50TCQA06", question="amp draw"),
                say("The 50TCQA06 has an MCA of 26.7 amps."))


async def test_a_slow_tool_makes_clara_say_a_filler_before_the_answer(
    make_context: Context, stores: Stores, fake: FakeGeminiLive, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ended = slowed(monkeypatch, 2.0)
    fake.then(spec_turn())
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        await voice.ask(SPEC_QUESTION, turns=1)
    finally:
        await voice.aclose()
    assert ended == ["answered"]
    assert fake.fillers == [fillers.filler("equipment_spec")] == ["Checking the manual…"]
    assert fake.events == [("call", "equipment_spec"), ("filler", "Checking the manual…"),  # said while it ran
                           ("say", "Checking the manual…"), ("tool_response", "call-1"),
                           ("say", "The 50TCQA06 has an MCA of 26.7 amps.")]
    assert "26.7" in json.dumps(fake.tool_responses[0]["response"])  # the slow tool still answered in full
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert len(rows) == 1 and rows[0]["reply"].strip() == "The 50TCQA06 has an MCA of 26.7 amps."  # not the filler
    assert rows[0]["tool_calls"][0]["ok"] is True
    assert voice.speaker.seconds > 2.5  # the filler's audio and the answer's


def test_every_agent_tool_has_a_filler_that_says_what_it_is_doing() -> None:
    generic = {tool.info.name for tool in TOOLS + DRAFT_TOOLS if fillers.kind(tool.info.name) == "other"}
    assert generic == {"get_preferences"}  # read from the cache: "One moment…" will do if it is ever slow
    assert fillers.filler("read_nameplate") == "Reading the plate…"


async def test_a_fast_tool_says_nothing_extra(make_context: Context, fake: FakeGeminiLive) -> None:
    fake.then(spec_turn())
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        await voice.ask(SPEC_QUESTION, turns=1)
    finally:
        await voice.aclose()
    assert fake.fillers == [] and fake.held == []
    assert [e[0] for e in fake.events] == ["call", "tool_response", "say"]


async def test_a_slow_lookup_stays_cancellable_while_its_filler_plays(
    make_context: Context, stores: Stores, fake: FakeGeminiLive, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ended = slowed(monkeypatch, 30.0)
    fake.then(spec_turn())
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        voice.microphone.say(speech(SPEC_QUESTION))
        async with asyncio.timeout(20):
            while not fake.fillers:
                await asyncio.sleep(0.02)
    finally:
        await voice.aclose()  # the technician hangs up mid-lookup
    assert ended == ["cancelled"]  # close did not wait out the 30 s lookup: it would have ended "answered"
    # livekit answers the cancelled call with an empty, silent response (an open call would block the model)
    assert [(r["response"], r.get("scheduling")) for r in fake.tool_responses] in ([], [({"output": ""}, "SILENT")])
    assert await saved_turns(stores, voice.ctx.conversation.id) == []  # nothing half-written


async def test_talking_over_a_slow_lookup_cancels_it_and_the_new_question_is_answered(
    make_context: Context, stores: Stores, fake: FakeGeminiLive, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ended = slowed(monkeypatch, 30.0)
    fake.then(spec_turn(), turn("Never mind. What are my jobs today?", call("my_jobs_today"), relay()))
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        voice.microphone.say(speech(SPEC_QUESTION))
        async with asyncio.timeout(20):
            while not fake.fillers:
                await asyncio.sleep(0.02)
        voice.microphone.say(speech("Never mind. What are my jobs today?"))  # over "Checking the manual…"
        await fake.wait_turns(2)
        async with asyncio.timeout(20):
            while ended == [] or len(await saved_turns(stores, voice.ctx.conversation.id)) < 2:
                await asyncio.sleep(0.05)
    finally:
        await voice.aclose()
    assert fake.cancelled == ["call-1"] and ended == ["cancelled"]  # the 30 s lookup stopped, not answered
    assert "26.7" not in json.dumps(fake.tool_responses)
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert [r["user_text"] for r in rows] == ["What's the amp draw on the 50TCQA06?",
                                              "Never mind. What are my jobs today?"]
    # the question talked over stays on record: unanswered, its lookup not done, the filler not taken as a reply
    assert rows[0]["reply"] == "" and [c["ok"] for c in rows[0]["tool_calls"]] == [False]
    assert rows[1]["tool_calls"] == [{"name": "my_jobs_today", "arguments": {}, "ok": True}]
    assert "job" in rows[1]["reply"].lower()
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT interrupted FROM conversation_turns WHERE conversation_id = %s ORDER BY seq",
                                 (voice.ctx.conversation.id,))
        assert [r["interrupted"] for r in await cur.fetchall()] == [True, False]


async def test_a_tool_whose_database_is_down_is_answered_with_an_apology_and_a_fallback(
    make_context: Context, stores: Stores, fake: FakeGeminiLive, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def down(*args: Any, **kwargs: Any) -> Any:
        raise psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    # the tool's view of the jobs service is down; the session's own refresh still reads the day
    monkeypatch.setattr(job_tools, "jobs", SimpleNamespace(list_jobs=down))
    fake.then(turn("What are my jobs today?", call("my_jobs_today"), relay()),
              turn("Amps on the 50TCQA06?", call("equipment_spec", model="50TCQA06"), relay()))
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        await voice.ask("What are my jobs today?", turns=1)
        heard = voice.speaker.seconds
        await voice.ask("Amps on the fifty T C Q A zero six?", turns=2)  # the session carries on
    finally:
        await voice.aclose()
    failed = json.dumps(fake.tool_responses[0]["response"])
    assert "I can't reach the job list right now; try again in a minute." in failed
    assert "OperationalError" not in failed and "Traceback" not in failed and "127.0.0.1" not in failed
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert rows[0]["reply"].strip() == "I can't reach the job list right now; try again in a minute."
    assert rows[0]["tool_calls"] == [{"name": "my_jobs_today", "arguments": {}, "ok": False}]
    assert heard > 1.0  # the apology was spoken: no silence
    assert "26.7" in rows[1]["reply"] or "MCA" in rows[1]["reply"]


async def job_rows(stores: Stores, job_id: int) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT status, updated_at FROM jobs WHERE id = %s", (job_id,))
        return list(await cur.fetchall())


async def test_bad_tool_calls_are_refused_aloud_and_write_nothing(
    make_context: Context, stores: Stores, fake: FakeGeminiLive, other_technician: CurrentUser,
) -> None:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (other_technician.id,))
        foreign = (await cur.fetchone())["id"]  # type: ignore[index]
    before = await job_rows(stores, foreign)
    fake.then(turn("My jobs for tomorrow?", call("my_jobs_today", day="tomorrow", colour=3), relay()),
              turn(f"Details of job {foreign}.", call("job_details", job_id=foreign), relay()),
              turn(f"Mark job {foreign} done.", call("update_job_status", status="completed", job=f"job {foreign}"),
                   relay()),
              turn("What are my jobs today?", call("my_jobs_today"), relay()))
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        await voice.ask("My jobs for tomorrow?", turns=1)
        await voice.ask(f"Details of job {foreign}.", turns=2)
        await voice.ask(f"Mark job {foreign} done.", turns=3)
        await voice.ask("What are my jobs today?", turns=4)
    finally:
        await voice.aclose()
    unknown, foreign_read, foreign_write, listed = (json.dumps(r["response"]) for r in fake.tool_responses)
    assert "Traceback" not in unknown + foreign_read + foreign_write
    # arguments the tool does not declare are dropped by livekit's validation: the call answers as declared, and
    # the answer names the day it is about, so "tomorrow" is not silently taken as today
    assert re.search(r"You have \w+ jobs? on \w+day", unknown)
    assert "you may only access your own resources" in foreign_read  # the routes' scoping, spoken as a refusal
    assert "you may only access your own resources" in foreign_write
    assert "jobs" in listed
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert [len(r["reply"].strip()) > 0 for r in rows] == [True] * 4  # every turn was answered aloud
    assert rows[1]["reply"].startswith("Sorry, I couldn't do that") and rows[2]["reply"].startswith("Sorry")
    assert [t["ok"] for r in rows[1:3] for t in r["tool_calls"]] == [False, False]
    assert voice.ctx.draft is None  # no read-back waits for a yes
    assert await job_rows(stores, foreign) == before  # nothing written to the other technician's job


@pytest.mark.parametrize("broken", ["malformed_frame", "closed_mid_audio"])
async def test_a_broken_server_frame_or_connection_mid_answer_recovers_and_writes_no_half_turn(
    make_context: Context, stores: Stores, fake: FakeGeminiLive, broken: str,
) -> None:
    first = (say("MCA 26.7"), Garbage()) if broken == "malformed_frame" else (Cut("The MCA is 26.7 amps."),)
    fake.then(turn("Amps on the 50TCQA06?", call("equipment_spec", model="50TCQA06", question="amp draw"),
                   *first),
              turn("And its refrigerant?", say("It runs on R-454B.")))
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        voice.microphone.say(speech("Amps on the fifty T C Q A zero six?"))
        async with asyncio.timeout(30):
            while len(fake.connections) < 2:  # the client noticed and reconnected
                await asyncio.sleep(0.05)
        voice.microphone.say(speech("And its refrigerant?"))
        async with asyncio.timeout(30):
            while not (rows := await saved_turns(stores, voice.ctx.conversation.id)) or \
                    rows[-1]["user_text"] != "And its refrigerant?":
                await asyncio.sleep(0.05)
    finally:
        await voice.aclose()
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert rows[-1]["user_text"] == "And its refrigerant?" and rows[-1]["reply"].strip() == "It runs on R-454B."
    broken_turn, answered = rows
    assert broken_turn["user_text"] == "Amps on the 50TCQA06?" and broken_turn["tool_calls"][0]["ok"] is True
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT interrupted FROM conversation_turns WHERE conversation_id = %s ORDER BY seq",
                                 (voice.ctx.conversation.id,))
        interrupted = [r["interrupted"] for r in await cur.fetchall()]
    if broken == "closed_mid_audio":  # what was said before the cut, recorded as cut off, not as the answer
        assert broken_turn["reply"].strip() == "The MCA is 26.7" and interrupted == [True, False]
    else:  # the answer had been said in full before the bad frame
        assert broken_turn["reply"].strip() == "MCA 26.7" and interrupted == [False, False]
    assert [c[1] for c in fake.calls_sent] == ["equipment_spec"]  # the tool was not run twice
