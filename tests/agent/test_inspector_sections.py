"""An inspector working by section number, and a remark about the day with no verb in it (issue 14, heldout9's
kinds of miss, in other words):

- a section said first ("fourteen four four three, smoke detector sensitivity") or mid-question ("what margin does
  ten six seven two one one want") is written as the standard writes it, so the search reads that section; a clock
  time, radio talk ("ten four"), a phone number or a serial read out is not a section;
- a section said asks what it says, whatever else its words read as ("... how long does the charger get to ...")
  is no drive);
- a question that points back at one asked by section ("how far can I stretch that out", "and what's the max") is
  asked of that section; one with a subject of its own is not;
- "brutal traffic on the bay bridge today" is talk, not a schedule question nor a search phrase;
- "it" in a question after one about a thing no kind of unit names ("the air compressor on a dry system") is that
  thing.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.another_place import about_the_same_thing
from clara.agent.heard import heard
from clara.agent.knowledge_follow_up import in_the_section
from clara.agent.reading import conversational
from clara.agent.routing import route
from clara.agent.said import Route
from clara.agent.sections_said import sections_written
from clara.agent.tools import TOOLS
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

NOW = {t.info.name for t in TOOLS}
PLACES = ["WeWork", "Ferry Building", "ABC Manufacturing"]


@pytest.mark.parametrize(("said", "written"), [
    ("eighteen five three what flash rate do the strobes need", "18.5.3 what flash rate do the strobes need"),
    ("per nineteen two one one, who signs the report", "per 19.2.1.1, who signs the report"),
    ("sixteen fourteen, what's the spacing", "16.14, what's the spacing"),
    ("how much spare capacity does twelve three two one want", "how much spare capacity does 12.3.2.1 want"),
])
def test_a_section_said_first_is_written_as_a_section(said: str, written: str) -> None:
    assert sections_written(heard(said)) == written


@pytest.mark.parametrize("said", ["ten four, heading out", "eleven fifteen, where am i supposed to be",
                                  "four one five five five five one two one two is the cell",
                                  "two three heads are corroded in the hall",
                                  "seven oh four two six one, whose serial is that"])
def test_radio_talk_times_and_phone_numbers_are_no_section(said: str) -> None:
    assert sections_written(heard(said)) == heard(said)


def test_a_section_said_asks_the_documents_even_in_a_drives_words() -> None:
    text = sections_written(heard("twelve four five, how long does the owner get to fix an impairment"))
    assert route(text, NOW, PLACES) == Route("knowledge_search", {"query": "12.4.5, how long does the owner get to "
                                                                           "fix an impairment"})


@pytest.mark.parametrize(("said", "earlier", "asked"), [
    ("can i push that out any longer", "12.3.1, sprinkler gauges, how often",
     "12.3.1, can i push that out any longer"),
    ("and what's the minimum", "NFPA 25 section 8.3.2, what pressure", "NFPA 25 8.3.2, and what's the minimum"),
    ("how close can one be to a door", "17.15, how high does a pull station mount",
     "17.15, how close can one be to a door"),
])
def test_a_question_pointing_back_is_asked_of_the_section_named_before(said: str, earlier: str, asked: str) -> None:
    assert in_the_section(said, earlier) == asked


@pytest.mark.parametrize(("said", "earlier"), [
    ("how long do i keep the reports", "12.3.1, sprinkler gauges, how often"),  # nothing points back
    ("and how often is the fire pump run", "12.3.1, sprinkler gauges, how often"),  # a subject of its own
    ("and what's in 5.2.3", "12.3.1, sprinkler gauges, how often"),  # a section of its own
    ("can i push that out any longer", "how often are sprinkler gauges replaced"),  # no section before
])
def test_a_question_with_its_own_subject_or_none_before_is_asked_as_said(said: str, earlier: str) -> None:
    assert in_the_section(said, earlier) == said


async def test_a_follow_up_of_a_section_said_reads_that_section(app: Starlette, technician: CurrentUser) -> None:
    """The section the inspector named is the one the follow-up's answer cites, not another that says "maximum"."""
    session = await chat(app, technician)
    reply, _ = await say(session, "eighteen four three, public mode, how far over ambient does it need to be")
    assert "18.4.3" in reply and "15 dB" in reply, reply
    reply, events = await say(session, "can it ever go higher than that")
    assert called(events) == ["knowledge_search"]
    assert "18.4.3" in reply, reply


def test_a_verbless_remark_about_the_day_is_talk_not_the_schedule() -> None:
    assert route("awful rain on the 101 this morning", NOW, PLACES) is None
    assert conversational("awful rain on the 101 this morning")
    assert route("the lineup for today", NOW, PLACES) == Route("my_jobs_today", {})
    assert route("what's on today", NOW, PLACES) == Route("my_jobs_today", {})
    assert route("whatcha got for me today", NOW, PLACES) == Route("my_jobs_today", {})  # a question run together
    assert route("whaddya got today", NOW, PLACES) == Route("my_jobs_today", {})


def test_it_in_a_follow_up_is_the_thing_the_last_question_was_about() -> None:
    """A thing no kind of unit names ("the booster heater in the kitchen") is put before a question saying "it" of
    it; a question with nothing pointing back is asked as said."""
    last = Route("knowledge_search", {"query": "the booster heater in the kitchen won't stay lit, any ideas"})
    asked = Route("knowledge_search", {"query": "how do i check if its getting gas"})
    assert about_the_same_thing("how do i check if its getting gas", [asked], last) == [
        Route("knowledge_search", {"query": "the booster heater: how do i check if its getting gas"})]
    own = Route("knowledge_search", {"query": "how often are tamper switches tested"})
    assert about_the_same_thing("how often are tamper switches tested", [own], last) == [own]
    named = Route("knowledge_search", {"query": "the battery smoke alarms in the units, how long is it good for"})
    assert about_the_same_thing(named.arguments["query"], [named], last) == [named]
