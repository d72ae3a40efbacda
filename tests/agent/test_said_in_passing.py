"""Issue 14's keyless turns read by general mechanisms, in words of our own (session 19):

- texting shorthand is written out before any rule reads it ("hw many jobs 2day", "wat time ferry bldg", "k thx");
- a message of acknowledgements only ("ok got it", "k cool") calls no tool;
- a request taken back mid-message ("can you log a... actually forget it, ...") is answered by what follows, and a
  taking-back with nothing asked after it ("never mind, I'll go find him") is acknowledged, no tool;
- where a unit stands at a site is its record's location;
- "when's" (the contraction) asks a unit's due date like "when is";
- who came out last, and a weekday said of the speaker's own past ("what did I do on friday"), are history;
- an answer to a read-back whose reason comes first ("that's worse than minor. bump it to high", "somewhere in
  between, say needs repair", "he says it's a drip. save it") is answered by its last part that answers;
- a spec question naming two models asks it of each, and "on each" after it asks the next of both;
- "mark the job here started" is a status change, and a status denied ("not done yet") is not the one set;
- a question ending a polite preamble is read alone, and "before I begin" is a time, not a job;
- a unit's record asked for a colleague ("he wants to know when the fire pump there was last looked at") is the
  unit's, not the colleague's day.
"""

from __future__ import annotations

from livekit.agents import llm
from starlette.applications import Starlette

from clara.agent.crew_said import crew_call
from clara.agent.heard import heard
from clara.agent.history_said import past_question
from clara.agent.reading import asks
from clara.agent.routing import Route, route
from clara.agent.said import small_talk
from clara.agent.spec_answers import asks_inspection
from clara.agent.texted import untexted
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.agent.two_asks import routes
from clara.ops.demo_data import CUSTOMERS
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites})


def test_texting_shorthand_is_written_out() -> None:
    assert untexted("hw many jobs 2day") == "how many jobs today"
    assert untexted("any rules @ ferry, thx") == "any rules at ferry, thanks"
    assert untexted("mail bob@example.com a k can pic") == "mail bob@example.com a k can pic"  # no shorthand
    assert routes(heard("hw many jobs 2day"), NAMES, PLACES) == [Route("my_jobs_today", {})]
    assert routes(heard("wat time ferry bldg"), NAMES, PLACES) == [Route("job_details", {"job": "Ferry Building"})]


def test_acknowledgements_alone_are_small_talk() -> None:
    for said in ("ok got it", "k cool", "kk", "alright noted"):
        assert small_talk(said) == "Okay.", said
    assert small_talk(heard("k thx")) == "You're welcome."
    assert small_talk("ok got the pump running") is None


def test_when_s_asks_a_units_due_date() -> None:
    assert asks_inspection("when's the backflow in the street vault due next")
    assert routes("when's the backflow in the street vault due next", NAMES, PLACES)[0].tool == "equipment_spec"


def test_who_came_out_last_and_a_weekday_of_ones_own_past_are_history() -> None:
    assert past_question("who was the last tech out here before me", PLACES, asks=asks) == {"customer": "here"}
    assert past_question("who was the last technician to visit there, and what did they do", PLACES,
                         asks=asks) == {"customer": "there"}
    assert past_question("and what did i do here on friday", PLACES, asks=asks) == {"day": "last friday"}
    assert past_question("what am i doing friday", PLACES, asks=asks) is None
    assert past_question("who's my last job", PLACES, asks=asks) is None
    # "last" closing the question: the last visit, not the card of the place named
    assert past_question("what did we do at the plant last time", PLACES, asks=asks) == \
        {"customer": "ABC Manufacturing Plant 1"}
    assert past_question("who was out there last", PLACES, asks=asks) == {"customer": "there"}
    assert past_question("what was my last job", PLACES, asks=asks) is None


async def test_a_request_taken_back_is_answered_by_what_follows(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    _, events = await say(session, "hey can you log a... actually forget it. what time am i at the plant")
    assert called(events) == ["job_details"], events
    reply, events = await say(session, "never mind, ill just go find him")
    assert called(events) == [] and reply == "Okay.", (reply, events)
    reply, events = await say(session, "ok got it")
    assert called(events) == [], events


async def test_where_a_unit_is_at_a_site(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "where would the fire pump be at ABC Manufacturing Plant 1")
    assert called(events) == ["equipment_spec"] and "Pump room" in reply, (reply, events)
    reply, _ = await say(session, "where's the fire panel at the plant and what make is it")
    assert "Fire command center" in reply and "Simplex" in reply, reply


def test_the_last_part_of_an_answer_to_a_read_back_answers_it() -> None:
    names = NAMES | {t.info.name for t in DRAFT_TOOLS}
    assert route("no wait, thats worse than minor. bump it to high", names, PLACES, draft_kind="deficiency") == \
        Route("edit_draft", {"severity": "high"})
    assert route("hmm actually somewhere in between, say needs repair", names, PLACES, draft_kind="deficiency") == \
        Route("edit_draft", {"severity": "needs repair"})
    assert route("he says its a steady drip not a spray. save it", names, PLACES, draft_kind="deficiency") == \
        Route("confirm_draft", {"accept": True})
    assert route("no, its fine", names, PLACES, draft_kind="deficiency") == Route("confirm_draft", {"accept": False})


async def test_a_spec_question_of_two_models_asks_each(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "Which one is heavier, a 50TCQA08 or a 48TCDA08?")
    models = [e["arguments"].get("model") for e in events if e["type"] == "tool_call"]
    assert models == ["50TCQA08", "48TCDA08"] and "880" in reply, (reply, events)
    reply, events = await say(session, "what about the refrigerant charge on each?")
    models = [e["arguments"].get("model") for e in events if e["type"] == "tool_call"]
    assert models == ["50TCQA08", "48TCDA08"] and "14.8" in reply and "18.4" in reply, (reply, events)


def test_a_status_said_with_mark_and_a_denied_one() -> None:
    assert route("yeah mark the job here started its loud in here", NAMES, PLACES) == \
        Route("update_job_status", {"status": "in_progress"})
    assert route("im not done yet just mark it started", NAMES, PLACES) == \
        Route("update_job_status", {"status": "in_progress"})


def test_the_question_after_a_preamble_is_read_alone() -> None:
    said = "Hi Clara, it's my first week so please bear with me. Where am I supposed to be first thing today?"
    assert routes(said, NAMES, PLACES) == [Route("job_details", {"job": "my first job"})]
    said = "Thank you so much. Is there anything I should be aware of at that site before I begin?"
    assert routes(said, NAMES, PLACES) == [Route("site_requirements", {"site": "there"})]


async def test_the_question_after_a_preamble_in_a_turn(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)  # the offline LLM always passes the last read-back's kind, none waiting
    _, events = await say(session, "Hi Clara, it's my first week so please bear with me. Where am I supposed to be "
                                   "first thing today?")
    assert called(events) == ["job_details"], events


def test_a_units_record_asked_for_a_colleague_is_the_units() -> None:
    people = ["Devon Wright", "James Chen"]
    asked = [llm.FunctionCall(name="crew_day", arguments='{"technician": "Devon"}', call_id="call_1")]
    assert crew_call("and who's the contact there, he says", people, asked) is not None
    assert crew_call("he also wants to know when the fire pump at Westlake was last looked at", people, asked) is None
    assert crew_call("what has devon got after lunch", people, []) == \
        Route("crew_day", {"technician": "Devon", "question": "what has devon got after lunch"})
