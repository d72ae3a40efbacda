"""Voice end to end without a room: speech in, the real Gemini Live plugin against a wire-faithful fake, Clara's
tools against the real database, turns persisted, audio out."""

from __future__ import annotations

import json
from typing import Any, AsyncIterator

import pytest

from clara.agent.realtime import TARGET_TOKENS, TRIGGER_TOKENS
from clara.stores import Stores
from tests.agent.conftest import Context
from tests.agent.voice import Voice
from tests.fakes.gemini_live import FakeGeminiLive, call, say, turn


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
