"""Short follow-ups asked of the answer just given, keyless: "what's the most urgent one" after a site's open
deficiencies were read out is the most severe of them, "which is furthest behind" after the overdue units the one
longest overdue, "how much does it take" after a unit's refrigerant was named its charge. Searched alone, each
found nothing in the documents."""

from __future__ import annotations

import json

from livekit.agents import llm
from starlette.applications import Starlette

from clara.agent.of_the_last_answer import worst_of_listed
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

ABC = (37.7361, -122.1974)


async def test_the_most_urgent_of_the_open_deficiencies_read_out(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, position=ABC)
    await say(session, "got any open write ups at this site")
    reply, events = await say(session, "ok whats the most urgent one")
    assert called(events) == [], events
    assert "inoperable" in reply and "Fire pump controller fails to auto-start" in reply, reply


async def test_the_amount_of_the_refrigerant_just_named(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    await say(session, "which refrigerant is in a 48TCDA08")
    reply, events = await say(session, "how much does it take")
    assert called(events) == ["equipment_spec"], events
    assert "14.8" in reply, reply  # the 48TCDA08's charge, not R-410A again


def _turn(tool: str, answer: dict[str, object]) -> list[llm.ChatItem]:
    return [llm.ChatMessage(role="user", content=["anything overdue"]),
            llm.FunctionCall(name=tool, arguments="{}", call_id="c1"),
            llm.FunctionCallOutput(name=tool, output=json.dumps(answer), call_id="c1", is_error=False)]


def test_the_unit_longest_overdue_is_the_worst_of_those_due() -> None:
    due = {"due": [{"type": "jockey pump", "model": "CR3-19", "next_inspection_due": "2026-11-30", "overdue": True},
                   {"type": "fire pump", "model": "AEF1000-125", "next_inspection_due": "2026-10-02",
                    "overdue": True},
                   {"type": "backflow preventer", "model": "957-4", "next_inspection_due": "2026-12-20",
                    "overdue": False}]}
    reply = worst_of_listed("which of them is furthest behind", _turn("inspections_due", due))
    assert reply == "The most overdue is the fire pump (AEF1000-125): due since October 2.", reply
    assert worst_of_listed("which of them is the worst", _turn("knowledge_search", {"results": []})) is None
