"""A whole spoken conversation on the Gemini Live fake: twenty turns of what a technician asks on a job (the day's
jobs, specs, standards, the site, a deficiency read back and confirmed), each asked with real speech, each tool run
against the real database, each turn saved as it was said."""

from __future__ import annotations

from datetime import date
from typing import Any, AsyncIterator

import pytest
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.jobs import service as jobs
from clara.stores import Stores
from tests.agent.conftest import Context
from tests.agent.test_voice import saved_turns
from tests.agent.voice import Voice
from tests.fakes.gemini_live import FakeGeminiLive, call, relay, say, turn

pytestmark = pytest.mark.long  # scheduled first (tests/conftest.py)

WEWORK = "WeWork 123 Main St"

# (what the technician says, what the fake heard, the tool the model calls with its arguments, or None)
CONVERSATION: list[tuple[str, str, tuple[str, dict[str, Any]] | None]] = [
    ("What are my jobs today?", "What are my jobs today?", ("my_jobs_today", {})),
    ("What's my next job?", "What's my next job?", ("next_job", {})),
    ("Give me the daily brief.", "Give me the daily brief.", ("daily_brief", {})),
    ("Details on this job.", "Details on this job.", ("job_details", {})),
    ("What's the M C A on the fifty T C Q A zero six?", "What's the MCA on the 50TCQA06?",
     ("equipment_spec", {"model": "50TCQA06", "question": "MCA"})),
    ("And the max fuse size?", "And the max fuse size?", ("equipment_spec", {"question": "max fuse size"})),
    ("Refrigerant on the forty eight T C D A zero eight?", "Refrigerant on the 48TCDA08?",
     ("equipment_spec", {"model": "48TCDA08", "question": "refrigerant"})),
    ("What does NFPA twenty five say about the fire pump weekly test?",
     "What does NFPA 25 say about the fire pump weekly test?",
     ("knowledge_search", {"query": "NFPA 25 fire pump weekly test"})),
    ("How often are sprinkler heads inspected?", "How often are sprinkler heads inspected?",
     ("knowledge_search", {"query": "sprinkler head inspection frequency", "source": "nfpa"})),
    ("Monthly extinguisher inspection under NFPA ten?", "Monthly extinguisher inspection under NFPA 10?",
     ("knowledge_search", {"query": "NFPA 10 monthly extinguisher inspection"})),
    ("Thanks.", "Thanks.", None),
    ("Who's the customer here?", "Who's the customer here?", ("customer_at_location", {})),
    ("Any site rules?", "Any site rules?", ("site_requirements", {})),
    ("What inspections are due here?", "What inspections are due here?", ("inspections_due", {})),
    ("Log a deficiency: corroded sprinkler head in stairwell B.",
     "Log a deficiency: corroded sprinkler head in stairwell B.",
     ("log_deficiency", {"description": "corroded sprinkler head", "location": "stairwell B"})),
    ("Yes.", "Yes.", ("confirm_draft", {"accept": True})),
    ("What's the job after this one?", "What's the job after this one?", ("next_job", {"after": "my current job"})),
    ("What's the amp draw on the fifty T C Q A zero six?", "What's the amp draw on the 50TCQA06?",
     ("equipment_spec", {"model": "50TCQA06", "question": "amp draw"})),
    ("What are my preferences?", "What are my preferences?", ("get_preferences", {})),
    ("That's all, thanks.", "That's all, thanks.", None),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeGeminiLive]:
    server = await FakeGeminiLive().start()
    yield server
    await server.stop()


async def deficiencies(stores: Stores, job_id: int) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT description, location, reported_by FROM deficiencies WHERE job_id = %s"
                                 " ORDER BY id", (job_id,))
        return list(await cur.fetchall())


async def test_a_twenty_turn_spoken_conversation_is_answered_and_saved_turn_by_turn(
    app: Starlette, make_context: Context, fake: FakeGeminiLive, technician: CurrentUser,
    demo_jobs: dict[str, int], demo_day: date,
) -> None:
    stores: Stores = app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    job_id = demo_jobs[WEWORK]
    before = await deficiencies(stores, job_id)
    for _, heard, tool in CONVERSATION:
        steps = (call(tool[0], **tool[1]), relay()) if tool else (say("You're welcome."),)
        fake.then(turn(heard, *steps))
    voice = await Voice(await make_context(job_id=job_id, channel="voice"), fake).start()
    try:
        for number, (spoken, _, _) in enumerate(CONVERSATION, start=1):
            await voice.ask(spoken, turns=number)
    finally:
        await voice.aclose()
    rows = await saved_turns(stores, voice.ctx.conversation.id)
    assert [r["user_text"] for r in rows] == [heard for _, heard, _ in CONVERSATION]  # every turn, in order
    assert all(r["reply"].strip() for r in rows)  # every turn answered aloud
    calls = [(t["name"], t["arguments"], t["ok"]) for r in rows for t in r["tool_calls"]]
    assert calls == [(tool[0], tool[1], True) for _, _, tool in CONVERSATION if tool]  # each ran once and worked
    assert len({r["id"] for r in fake.tool_responses}) == len(fake.tool_responses) == len(calls)
    readback, saved = rows[14]["reply"], rows[15]["reply"]
    assert "corroded sprinkler head" in readback.lower() and "?" in readback  # read back, asking for a yes
    assert "saved" in saved.lower() or "logged" in saved.lower()
    after = await deficiencies(stores, job_id)
    assert after[:-1] == before and len(after) == len(before) + 1  # written once, on the yes
    assert after[-1]["location"] == "stairwell B" and after[-1]["reported_by"] == technician.id
    assert "26.7" in rows[4]["reply"] and "R-410A" in rows[6]["reply"]  # specs read from the real data
    assert voice.speaker.seconds > 20 * 0.5
