"""How a keyless conversation reads turns heldout6 and heldout7 got wrong (issue 14), the sentences only, each test
one general mechanism (their effect over the WebSocket is in tests/chat/test_turns_understood.py):

- a severity followed by why ("make it high, that hood is over the fryers") is the severity; the reason changes
  nothing in the draft;
- "one of the test cocks" after a place ends the place: the part belongs to what is wrong;
- a kind of unit at a place, asked in a follow-up ("and whats the mca on the rooftop unit there"), is that site's
  unit, not the model discussed; "when was it last inspected" is the discussed unit's record;
- a figure asked of a fire pump at 150 percent, and a gas heat input, are figures of the unit discussed;
- "hows your morning going" is small talk and "put it back to imperial" a units change;
- a unit's "starting method" is no status, a device's "settings" are not the technician's, "how long do we get to
  fix" is a time allowed and not a drive, and a write verb inside a question ("where do I note that") does not
  split it into a request.
"""

from __future__ import annotations

import pytest

from clara.agent.deficiency_said import deficiency
from clara.agent.draft_said import draft_answer
from clara.agent.heard import heard
from clara.agent.routing import Route, route
from clara.agent.reading import remark
from clara.agent.said import small_talk
from clara.agent.spoken_clauses import with_clauses
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.knowledge.spec_fields import asked_attributes
from clara.knowledge.specs import Spec

TOOLS_NOW = {t.info.name for t in TOOLS}
WHILE_DRAFTING = TOOLS_NOW | {t.info.name for t in DRAFT_TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "ABC Manufacturing", "ABC Manufacturing Plant 1"]
PUMP = Spec(model="AEF1000-125", manufacturer="Peerless Pump", series="AEF", type="Fire pump", category="fire",
            description="", details={"churn_pressure_psi": 145, "pressure_at_150pct_flow_psi": 81,
                                     "electrical": {"voltage": "460", "fla": 124}})


@pytest.mark.parametrize(("text", "expected"), [
    ("Make it high, that hood is over the fryers.", {"severity": "high"}),
    ("high priority because it's over the fryers", {"severity": "high priority"}),
    ("make it high, the kitchen one", {"severity": "high", "location": "kitchen"}),
])
def test_a_severity_and_why_is_the_severity(text: str, expected: dict[str, str]) -> None:
    assert draft_answer(text, "deficiency", PLACES) == Route("edit_draft", expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("oh no sorry, I meant the extinguisher in the kitchen, the K can, its hose is cracked",
     {"description": "its hose is cracked", "location": "kitchen", "equipment": "extinguisher , the Class K can"}),
    ("no the corridor one, the pin is missing", {"description": "the pin is missing", "location": "corridor"}),
    ("no, it's the B260 in the kitchen", {"location": "kitchen", "equipment": "B260"}),
    ("no, the B260 in the kitchen, needs repair", {"severity": "needs repair", "location": "kitchen",
                                                   "equipment": "B260"}),
    # how to file it is no fault: the description read back stays
    ("its down in the basement pump room. just log it against the site with no unit, location basement pump room",
     {"location": "basement pump room", "equipment": "just log it against the site with no unit, location basement "
                                                     "pump room"}),
])
def test_a_unit_corrected_with_its_fault_takes_the_fault_as_the_description(text: str,
                                                                            expected: dict[str, str]) -> None:
    """The fault said with the unit meant is what is wrong with that unit: the one read back was said of another,
    and kept it would be saved against the right unit in wrong words."""
    assert draft_answer(heard(text), "deficiency", PLACES) == Route("edit_draft", expected)


def test_some_of_a_units_parts_end_the_place_said_before_them() -> None:
    said = deficiency("write up the backflow in the street vault one of the test cocks is leaking")
    assert said["location"] == "street vault" and said["equipment"] == "backflow"
    assert "test cocks is leaking" in said["description"]


@pytest.mark.parametrize(("text", "expected"), [
    ("and whats the mca on the rooftop unit there",
     Route("equipment_spec", {"model": "the rooftop unit", "question": "and what's the mca on the rooftop unit there"})),
    ("when was it last inspected", Route("equipment_spec", {"model": "it", "question": "when was it last inspected"})),
    ("and what should it hold at a hundred fifty percent",
     Route("equipment_spec", {"question": "and what should it hold at a hundred fifty percent"})),
    ("And the gas heat input?", Route("equipment_spec", {"question": "And the gas heat input"})),
    ("ok put it back to imperial", Route("set_preferences", {"units": "imperial"})),
    ("how many loops can it take", Route("equipment_spec", {"question": "how many loops can it take"})),
])
def test_what_a_turn_asks_for(text: str, expected: Route) -> None:
    assert route(text, TOOLS_NOW, PLACES) == expected


def test_a_fire_pumps_150_percent_point_is_a_figure_of_its_sheet() -> None:
    asked = asked_attributes(PUMP, "and what should it hold at a hundred fifty percent")
    assert [(key, value) for key, _, value in asked] == [("pressure_at_150pct_flow_psi", 81)]


def test_how_is_your_morning_going_is_small_talk() -> None:
    assert route("hows your morning going", TOOLS_NOW, PLACES) is None
    assert small_talk("hows your morning going") == "Going well, thanks. What can I look up for you?"


@pytest.mark.parametrize(("text", "tool"), [
    ("starting method of the XR300", "equipment_spec"),
    ("passcode to change settings on a Brennholt PMC-200", "equipment_spec"),
    ("how long do we get to fix a critical deficiency", "knowledge_search"),
    ("what are my settings", "get_preferences"),
    ("starting now", "update_job_status"),
    ("how long do i have to get to abc", "travel_time"),
])
def test_words_that_only_look_like_a_status_a_setting_or_a_trip(text: str, tool: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == tool, chosen


@pytest.mark.parametrize("text", ["where do i note that on the inspection form", "do i need to record that on the tag",
                                  "is it ok to put it back in service"])
def test_a_write_verb_inside_a_question_drafts_nothing(text: str) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is None or chosen.tool != "log_deficiency", chosen
    assert with_clauses(text) == text


@pytest.mark.parametrize(("text", "is_remark"), [
    ("boiler handhole cover which bolt is number one", False),  # asked after its topic: a question
    ("school wants new locks on the classrooms, what kind is ok per the fire marshal", False),
    ("no idea what it is honestly", True),  # a pronoun after the wh-word: a statement
    ("traffic was brutal", True),
])
def test_a_question_after_its_topic_is_no_remark(text: str, is_remark: bool) -> None:
    """Said "Okay." to, a question asked after its topic ("..., which bolt is number one") was lost."""
    assert remark(text, []) is is_remark
