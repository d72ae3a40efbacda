"""Voice end to end without a room: speech in, the real Gemini Live plugin against a wire-faithful fake, Clara's
tools against the real database, turns persisted, audio out."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

import pytest
from livekit.agents import mock_tools

from clara.agent.bridge import Bridge
from clara.agent.clara import Clara
from clara.analytics import usage
from clara.agent.realtime import TARGET_TOKENS, TRIGGER_TOKENS, ResumingSession
from clara.stores import Stores
from tests.agent.conftest import Context
from tests.agent.voice import Voice, speech
from tests.fakes.gemini_live import Drop, FakeGeminiLive, GoAway, Step, call, say, turn


@pytest.fixture
async def fake() -> AsyncIterator[FakeGeminiLive]:
    server = await FakeGeminiLive().start()
    yield server
    await server.stop()


async def saved_turns(stores: Stores, conversation_id: str) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT user_text, reply, tool_calls, llm FROM conversation_turns"
                                 " WHERE conversation_id = %s ORDER BY seq", (conversation_id,))
        return list(await cur.fetchall())


async def test_a_spoken_question_runs_a_tool_and_clara_answers_in_audio(make_context: Context, stores: Stores,
                                                                         fake: FakeGeminiLive) -> None:
    fake.then(turn("What's the amp draw on the 50TCQA06?", call("equipment_spec", model="50TCQA06",
                                                                question="amp draw"),
                   say("The 50TCQA06 has an MCA of 26.7 amps.")))
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        await voice.ask("What's the amp draw on the fifty T C Q A zero six?", turns=1)
    finally:
        await voice.aclose()
    assert fake.connections[0].compression == (TRIGGER_TOKENS, TARGET_TOKENS)
    assert fake.connections[0].resumable and fake.connections[0].transcribed
    assert fake.connections[0].utterances[0] > 16000  # more than half a second of speech reached the model
    response = fake.tool_responses[0]
    assert response["id"] == "call-1" and response["name"] == "equipment_spec"
    assert "26.7" in json.dumps(response["response"])  # the tool read the real specification
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert len(rows) == 1
    assert rows[0]["user_text"] == "What's the amp draw on the 50TCQA06?"  # the input transcript is kept
    assert rows[0]["reply"].strip() == "The 50TCQA06 has an MCA of 26.7 amps."  # and the output transcript
    assert rows[0]["tool_calls"] == [{"name": "equipment_spec", "arguments": {"model": "50TCQA06",
                                                                              "question": "amp draw"}, "ok": True}]
    assert rows[0]["llm"] == "gemini"
    assert voice.speaker.seconds > 1.0 and voice.speaker.frames[0].sample_rate == 24000


async def test_a_spoken_turns_usage_is_metered_from_the_realtime_session(make_context: Context, stores: Stores,
                                                                         fake: FakeGeminiLive) -> None:
    """Gemini Live's usage reaches `llm_usage` from the running agent's realtime session (livekit-agents 1.8
    deprecates the session's own metrics event), audio apart from text, as the fake reported it."""
    fake.then(turn("Who's the customer here?", say("This is the Ferry Building.")))
    voice = Voice(await make_context(channel="voice"), fake)
    meter = usage.follow(voice.session, stores, Bridge.here().call, user_id=voice.ctx.actor.id,
                         session_id=voice.ctx.conversation.id, channel="voice")
    await voice.start()
    try:
        await voice.ask("Who's the customer here?", turns=1)
        for _ in range(100):  # the usage arrives with the turn's end, just after the turn is saved
            await meter.settle()
            async with stores.db.connection() as conn:
                rows = await (await conn.execute(
                    "SELECT model, input_audio_tokens, output_audio_tokens, counted FROM llm_usage"
                    " WHERE session_id = %s", (voice.ctx.conversation.id,))).fetchall()
            if rows:
                break
            await asyncio.sleep(0.05)
    finally:
        await voice.aclose()
    assert len(rows) == 1 and rows[0]["counted"] == "reported"
    assert rows[0]["input_audio_tokens"] > 0 and rows[0]["output_audio_tokens"] == 40


def realtime_session(voice: Voice) -> ResumingSession:
    activity = voice.session._activity
    assert activity is not None and isinstance(activity._rt_session, ResumingSession)
    return activity._rt_session


async def two_turns_across_a_reconnect(voice: Voice, fake: FakeGeminiLive, ending: Step) -> list[dict[str, Any]]:
    """A tool turn that ends the connection with `ending`, then a follow-up on the next connection."""
    fake.then(turn("Amps on the 50TCQA06?", call("equipment_spec", model="50TCQA06", question="amp draw"),
                   say("MCA 26.7 amps."), ending),
              turn("And its refrigerant?", say("It runs on R-454B.")))
    await voice.ask("Amps on the fifty T C Q A zero six?", turns=1)
    await voice.ask("And its refrigerant?", turns=2)  # spoken straight away, while the client reconnects
    return await saved_turns(voice.ctx.stores, voice.ctx.conversation.id)


@pytest.mark.parametrize("ending", [GoAway(), Drop()], ids=["go_away", "dropped_connection"])
async def test_a_reconnect_resumes_the_conversation_without_losing_or_repeating_a_turn(
    make_context: Context, fake: FakeGeminiLive, ending: Step,
) -> None:
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        rows = await two_turns_across_a_reconnect(voice, fake, ending)
    finally:
        await voice.aclose()
    # (an instruction update arriving mid-reconnect can make the plugin reconnect once more: always resumed)
    later = fake.connections[1:]
    assert later and later[0].handle == "handle-1" and all(c.resumed for c in later)
    assert [h["text"] for h in later[-1].history if h["role"] == "user"] == ["Amps on the 50TCQA06?",
                                                                              "And its refrigerant?"]
    replayed = " ".join(h["text"] for c in later for h in c.seeded)  # (instruction updates are clientContent too)
    assert "Amps on the 50TCQA06?" not in replayed and "26.7" not in replayed  # the handle carried the conversation
    assert [c[1] for c in fake.calls_sent] == ["equipment_spec"] and len(fake.tool_responses) == 1
    assert [r["user_text"] for r in rows] == ["Amps on the 50TCQA06?", "And its refrigerant?"]
    assert [r["reply"].strip() for r in rows] == ["MCA 26.7 amps.", "It runs on R-454B."]
    assert [len(r["tool_calls"]) for r in rows] == [1, 0]


async def test_a_refused_handle_starts_a_fresh_session_seeded_with_the_conversation(make_context: Context) -> None:
    fake = await FakeGeminiLive(refuse_handles=True).start()
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        rows = await two_turns_across_a_reconnect(voice, fake, GoAway())
        refused = realtime_session(voice).refused_handles
    finally:
        await voice.aclose()
        await fake.stop()
    assert refused >= 1
    fresh = fake.connections[1]  # the refused attempt never got a setupComplete
    assert fresh.handle is None and not fresh.resumed
    seeded = " ".join(h["text"] for h in fresh.seeded)
    assert "Amps on the 50TCQA06?" in seeded and "MCA 26.7 amps." in seeded
    assert [r["user_text"] for r in rows] == ["Amps on the 50TCQA06?", "And its refrigerant?"]
    assert [c[1] for c in fake.calls_sent] == ["equipment_spec"]


async def test_talking_over_clara_stops_her_and_the_reply_is_recorded_as_interrupted(
    make_context: Context, stores: Stores, fake: FakeGeminiLive,
) -> None:
    long_reply = ("The weekly churn test runs the pump for ten minutes with no flow; check the packing glands, "
                  "suction and discharge pressures, the casing relief valve, and the controller's alarms and "
                  "power lights, then log the run time and pressures on the inspection sheet.")
    fake.then(turn("Walk me through the fire pump weekly test.", say(long_reply, interruptible=True)),
              turn("Stop, just the run time.", say("Ten minutes.")))
    voice = await Voice(await make_context(channel="voice"), fake, realtime_playback=True).start()
    try:
        voice.microphone.say(speech("Walk me through the fire pump weekly test."))
        await voice.speaker.playing()
        voice.microphone.say(speech("Stop, just the run time."))  # over Clara's answer
        await fake.wait_turns(2)
        await voice.saved(2)
    finally:
        await voice.aclose()
    assert fake.interrupted == 1 and voice.speaker.cleared >= 1  # her audio was cut off
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert [r["user_text"] for r in rows] == ["Walk me through the fire pump weekly test.", "Stop, just the run time."]
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT interrupted FROM conversation_turns WHERE conversation_id = %s ORDER BY seq",
                                 (voice.ctx.conversation.id,))
        assert [r["interrupted"] for r in await cur.fetchall()] == [True, False]
    partial = rows[0]["reply"].strip()
    assert partial and long_reply.startswith(partial) and len(partial) < len(long_reply)  # only what was said
    assert rows[1]["reply"].strip() == "Ten minutes."


async def test_a_failing_tool_is_answered_with_an_error_and_clara_speaks_an_apology(
    make_context: Context, stores: Stores, fake: FakeGeminiLive,
) -> None:
    def broken(model: str | None = None, question: str | None = None) -> str:
        raise RuntimeError("specification store unreachable")

    fake.then(turn("Amps on the 50TCQA06?", call("equipment_spec", model="50TCQA06"),
                   say("Sorry, I can't reach the specifications right now; check the unit's nameplate.")),
              turn("What are my jobs today?", call("my_jobs_today"), say("You have four jobs today.")))
    voice = await Voice(await make_context(channel="voice"), fake).start()
    try:
        mock_tools(Clara, {"equipment_spec": broken}, session=voice.session)  # the session's tasks see it
        await voice.ask("Amps on the fifty T C Q A zero six?", turns=1)
        mock_tools(Clara, {}, session=voice.session)
        await voice.ask("What are my jobs today?", turns=2)  # the session carries on
    finally:
        await voice.aclose()
    failed, listed = fake.tool_responses
    assert failed["id"] == "call-1" and "error" in json.dumps(failed["response"]).lower()  # the model was told
    assert listed["id"] == "call-2" and "jobs" in json.dumps(listed["response"])
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert rows[0]["tool_calls"] == [{"name": "equipment_spec", "arguments": {"model": "50TCQA06"}, "ok": False}]
    assert rows[0]["reply"].startswith("Sorry") and rows[1]["reply"].strip() == "You have four jobs today."
    assert voice.speaker.seconds > 2.0  # both answers were spoken: no silence after the failure
