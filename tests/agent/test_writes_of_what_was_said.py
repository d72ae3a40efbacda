"""A write-up asked right after a unit was talked about is that unit's: "the bearings on it are screaming, write it
up" after the rooftop unit's amps was drafted on no unit, and "ok write that up" after a fault told as a question
asked what was wrong all over again."""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

WEWORK = (37.79155, -122.39418)
ABC = (37.7361, -122.1974)


async def test_a_fault_said_of_the_unit_just_discussed_is_drafted_on_it(app: Starlette,
                                                                        technician: CurrentUser) -> None:
    session = await chat(app, technician, position=WEWORK)
    await say(session, "whats the rated load amps on the rooftop unit here")
    reply, events = await say(session, "the bearings on it are screaming, write it up")
    assert called(events) == ["log_deficiency"], events
    assert "the Carrier 50TCQA06 rooftop unit" in reply and reply.endswith("Save it?"), reply


async def test_write_that_up_after_a_fault_told_as_a_question_drafts_that_fault(app: Starlette,
                                                                                technician: CurrentUser) -> None:
    session = await chat(app, technician, position=ABC)
    await say(session, "the alarm check valve here keeps dripping at the retard chamber is that a problem")
    reply, events = await say(session, "ok write that up")
    assert called(events) == ["log_deficiency"], events
    assert "Tyco AV-1-300" in reply and "retard chamber" in reply and reply.endswith("Save it?"), reply
