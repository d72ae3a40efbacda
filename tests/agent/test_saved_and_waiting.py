"""A write-up waiting for its yes outlasts a question asked meanwhile, and what was saved can be asked back. Keyless
chat, as a technician talks: "the pump packing is dripping, write it up", then "hold on, what's the churn on that
pump", then "ok save it" saves the write-up read back; "what did I just put in" says it again. Before, the question
dropped the draft and the yes saved nothing."""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

ABC = (37.7361, -122.1974)


async def test_a_question_while_a_write_up_waits_is_answered_and_the_yes_still_saves_it(
    app: Starlette, technician: CurrentUser
) -> None:
    session = await chat(app, technician, position=ABC)
    read_back, _ = await say(session, "the fire pump packing is dripping pretty bad, write it up")
    assert read_back.endswith("Save it?") and "AEF1000-125" in read_back, read_back
    reply, events = await say(session, "hold on, whats the churn pressure on that pump")
    assert called(events) == ["equipment_spec"] and "145" in reply, reply
    assert reply.endswith("The deficiency I read back is still waiting. Save it?"), reply
    saved, events = await say(session, "ok save it")
    assert saved.startswith("Saved deficiency") and "AEF1000-125" in saved, saved
    again, events = await say(session, "sorry what did i just put in")
    assert called(events) == [], events
    assert again.startswith("The last thing you saved: deficiency") and again.endswith("dripping pretty bad."), again


async def test_nothing_saved_yet_is_said_so(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "what have we logged so far")
    assert called(events) == [] and reply == "Nothing has been saved in this conversation yet.", reply


async def test_everything_saved_today_is_read_back_in_order(app: Starlette, technician: CurrentUser) -> None:
    """"what did I log today" after two saves: both, oldest first; "what did I just put in": the last one."""
    session = await chat(app, technician, position=ABC)
    await say(session, "the fire pump packing is dripping pretty bad, write it up")
    saved, _ = await say(session, "yes")
    assert saved.startswith("Saved deficiency"), saved
    await say(session, "mark this job en route")
    saved, _ = await say(session, "yes")
    assert saved.startswith("Saved"), saved
    every, events = await say(session, "what did i log today")
    assert called(events) == [] and every.startswith("You've saved 2 so far: deficiency"), every
    assert every.index("dripping pretty bad") < every.index("en route"), every
    last, _ = await say(session, "what did i just put in")
    assert last.startswith("The last thing you saved: job") and "en route" in last, last


async def test_a_severity_said_once_the_write_up_is_saved_says_what_was_saved(app: Starlette,
                                                                             technician: CurrentUser) -> None:
    """"change it to high severity" after the yes searched the standards for it ("NFPA 10, section 7.2.1: ...high
    frequency of fires"). Nothing waits to be corrected: that is said, with the record as it was saved."""
    session = await chat(app, technician, position=ABC)
    await say(session, "the fire pump packing is dripping, minor, write it up")
    saved, _ = await say(session, "yes")
    assert saved.startswith("Saved deficiency") and "suggested" in saved, saved
    reply, events = await say(session, "change it to high severity")
    assert called(events) == [], events
    assert reply.startswith("There's nothing waiting to be saved. The last thing you saved: deficiency"), reply
    assert "severity suggested" in reply, reply
