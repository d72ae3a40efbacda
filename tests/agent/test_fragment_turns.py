"""A technician who talks in fragments, pronouns and trade slang, keyless; each test one general mechanism:

- a place said by its first word ("at ABC") is that place, unless the word opens many names;
- "when's that one", "what time's ABC": the job's start, not a document;
- "the RTU on the roof, what model is it": the unit of that kind at the site, from its record;
- a figure asked in a fragment ("so max fuse is what", "mca on that") is the discussed unit's;
- what a site needs before a kind of work ("before welding here", "ok to drill there") is its special
  requirements; a limit asked as a distance ("how far away can it be max") is a document's, not a trip;
- a remark about the day ("traffic was brutal this morning") is not a schedule question, and a statement the
  documents do not speak to is acknowledged, never searched;
- answers to a read-back in many words: "make it medium instead", "change the description to ...", "nah scratch
  that", "wait no I'm already here";
- the unit a draft named stays the one discussed after the draft is dropped;
- when a unit was last inspected, and when it is due, is read from its own record.
"""

from __future__ import annotations

import json

import pytest

from clara.agent.draft_said import draft_answer
from clara.agent.places_said import known_in
from clara.agent.routing import Route, route
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)

NAMES = {t.info.name for t in TOOLS} | {t.info.name for t in DRAFT_TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "123 Main St", "Ferry Building", "Ferry Building Marketplace",
          "ABC Manufacturing", "ABC Manufacturing Plant 1", "456 Industrial Pkwy", "Kaiser Permanente",
          "Kaiser Oakland Medical Center", "San Jose McEnery Convention Center", "San Francisco Public Library",
          "Port of Richmond Terminal 3", "Richmond Port Terminals", "Salesforce Tower", "Salesforce Tower Management"]
ABC = (37.7361, -122.1974)


@pytest.mark.parametrize(("text", "place"), [
    ("when am i at abc", "ABC Manufacturing"),  # the shortest name the first word opens
    ("anything special at kaiser", "kaiser"),  # two sites: the word itself, for the CRM to say which
    ("anything going on in san francisco", None),  # a word many names open with
    ("what port is the gauge on", None),
    ("whats the job at salesforce", "Salesforce Tower"),
    ("whats the job at richmond", None),  # also inside another name ("Port of Richmond")
])
def test_a_place_said_by_its_first_word(text: str, place: str | None) -> None:
    assert known_in(text, PLACES) == place


@pytest.mark.parametrize(("text", "expected"), [
    ("when's that one", Route("job_details", {"job": "that job"})),
    ("what time's abc again", Route("job_details", {"job": "ABC Manufacturing"})),
    ("when am i supposed to be at abc", Route("job_details", {"job": "ABC Manufacturing"})),
    ("the rtu on the roof here what model is it",
     Route("equipment_spec", {"model": "the rtu on the roof", "question": "the rtu on the roof here what model is it",
                              "site": "here"})),
    ("the facp here which one is it",
     Route("equipment_spec", {"model": "the facp", "question": "the facp here which one is it", "site": "here"})),
    ("so max fuse is what", Route("equipment_spec", {"question": "max fuse is what"})),
    ("mca on that", Route("equipment_spec", {"question": "mca on that"})),
    ("biggest breaker i can put on that thing",
     Route("equipment_spec", {"question": "biggest breaker i can put on that thing"})),
    ("what do i need before welding at abc", Route("site_requirements", {"site": "ABC Manufacturing"})),
    ("ferry building. ok to drill there or do i need sign off", Route("site_requirements", {"site": "Ferry Building"})),
    ("wework anything i gotta do before i start", Route("site_requirements", {"site": "WeWork"})),
    ("k can by the fryers how far away can it be max",
     Route("knowledge_search", {"query": "k can by the fryers how far away can it be max"})),
    ("how far is it to the ferry building", Route("travel_time", {"destination": "Ferry Building"})),
    ("whats on today", Route("my_jobs_today", {})),
    ("the extinguisher in the kitchen when is it due",
     Route("equipment_spec", {"model": "the extinguisher in the kitchen",
                              "question": "the extinguisher in the kitchen when is it due"})),
    ("any open deficiencies on the fire pump at abc", Route("job_details", {"job": "ABC Manufacturing"})),
    ("kitchen extinguisher gauge is in the red needs a recharge write it up high",
     Route("log_deficiency", {"description": "kitchen extinguisher gauge is in the red needs a recharge",
                              "severity": "high", "equipment": "kitchen extinguisher gauge"})),
    ("corridor extinguisher has a dent in the cylinder log it just cosmetic",
     Route("log_deficiency", {"description": "corridor extinguisher has a dent in the cylinder",
                              "severity": "cosmetic", "equipment": "corridor extinguisher"})),
])
def test_fragments_are_read_by_what_they_ask(text: str, expected: Route) -> None:
    assert route(text, NAMES, PLACES) == expected


def test_a_remark_about_the_morning_is_not_a_schedule_question() -> None:
    assert route("traffic on the bay bridge was brutal this morning", NAMES, PLACES) is None


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("nah make it medium instead", "deficiency", Route("edit_draft", {"severity": "medium"})),
    ("make it high instead", "deficiency", Route("edit_draft", {"severity": "high"})),
    ("change the description to dented cylinder and missing pin", "deficiency",
     Route("edit_draft", {"description": "dented cylinder and missing pin"})),
    ("nah scratch that", "deficiency", Route("edit_draft", {"cancel": True})),
    ("wait no im already here", "job_status", Route("edit_draft", {"status": "in_progress"})),
    ("yep go ahead", "deficiency", Route("confirm_draft", {"accept": True})),
    ("yea thats good", "deficiency", Route("confirm_draft", {"accept": True})),
    ("nope wrong unit its the b500", "deficiency", Route("edit_draft", {"equipment": "b500"})),
    ("hold on make it low", "deficiency", Route("edit_draft", {"severity": "low"})),
])
def test_answers_to_a_read_back_in_many_words(text: str, kind: str, expected: Route) -> None:
    assert draft_answer(text, kind) == expected


async def test_a_statement_the_documents_do_not_speak_to_is_acknowledged_not_searched(
        server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        remark = await ask(ws, "ugh long day already")
        statement = await ask(ws, "fire pump packing dripping pretty good")
    assert not [e for e in remark if e["type"] == "tool_call"] and remark[-1]["text"] == "Okay."
    assert [e["name"] for e in statement if e["type"] == "tool_call"] == ["knowledge_search"]


async def test_the_unit_a_dropped_draft_named_is_the_one_discussed(server: Server,  # noqa: F811
                                                                  technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        await ask(ws, "fire pump packing dripping pretty good write it up as minor")
        await ask(ws, "nah scratch that")
        events = await ask(ws, "whats the churn on it")
    assert "145" in events[-1]["text"], events[-1]["text"]


async def test_when_a_unit_was_last_inspected_is_its_own_record(server: Server,  # noqa: F811
                                                                technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        events = await ask(ws, "the fire pump here when was it last inspected")
    reply = events[-1]["text"]
    assert "was last inspected on" in reply and "AEF1000-125" in reply and "overdue" in reply, reply
