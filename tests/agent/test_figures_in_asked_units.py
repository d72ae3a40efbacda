"""Figures given in the units a technician asks for, keyless, in words of our own:

- the last answer's figure converted when only the unit is said ("and in metres?") or asked in the past tense ("what
  was that in kilos"), temperatures included ("what's that in celsius");
- a standards answer asked "in celsius", "in centimetres" or "in bar" says the document's US figure with the metric
  one beside it, and a question that goes on from it ("and for a heated one?") is answered in the same units;
- a figure counted in a unit ("how many litres a minute does it move") is given in that unit;
- a pressure in bar to a tenth, as a bar gauge reads.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.converted_said import alongside, converted
from clara.agent.units_asked import answer_in, carried
from clara.knowledge.spec_fields import quantity
from clara.users.service import Preferences
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

IMPERIAL = Preferences()


@pytest.mark.parametrize(("text", "reply", "figure"), [
    ("and in metres?", "Keep at least 10 feet clear of the panel.", "3 m"),
    ("what was that in kilos", "The charge is 22 lb, per the sheet.", "10 kg"),
    ("ok what's that in celsius", "The cabinet must stay below 120°F.", "48.9°C"),
])
def test_the_last_figure_in_the_unit_asked(text: str, reply: str, figure: str) -> None:
    said = converted(text, reply, "what does the sheet say")
    assert said is not None and figure in said, said


def test_a_unit_alone_is_no_conversion_without_a_figure_of_its_kind() -> None:
    assert converted("in metres", "Call Pat Lee on (510) 555-0100.", "who is the contact") is None


@pytest.mark.parametrize(("asked", "said", "beside"), [
    ("how warm can the riser closet get in celsius", "no hotter than 150°F", "150°F (about 65.6°C)"),
    ("how far from the wall in centimetres", "at least 18 inches from the wall", "18 inches (about 45.7 cm)"),
    ("what should the gauge hold in bar", "hold 175 psi for two hours", "175 psi (about 12.1 bar)"),
])
def test_a_document_figure_gets_its_metric_value_beside_it(asked: str, said: str, beside: str) -> None:
    assert beside in alongside(said, answer_in(asked, IMPERIAL))


def test_a_figure_the_document_already_pairs_is_left_alone() -> None:
    said = "kept at 40°F (4°C), rated 212°F / 100°C, or 24 inches (2 feet) below"
    converted_said = alongside(said, answer_in("in celsius", IMPERIAL))
    assert "40°F (4°C)" in converted_said and "212°F / 100°C" in converted_said, converted_said
    assert "24 inches (2 feet, about 0.6 m)" in converted_said, converted_said


def test_a_question_going_on_from_the_last_is_asked_in_its_units() -> None:
    assert carried("and for a heated one?", "how cold can it get, in celsius") == "how cold can it get, in celsius"
    assert carried("and in fahrenheit?", "how cold can it get, in celsius") == "and in fahrenheit?"
    assert carried("who do I call there", "how cold can it get, in celsius") == "who do I call there"


def test_a_figure_counted_in_a_unit_is_asked_in_it() -> None:
    assert answer_in("how many litres a minute does it move", IMPERIAL).preferences.units == "metric"
    assert answer_in("how many pounds is it", Preferences(units="metric")).preferences.units == "imperial"


def test_bar_is_given_to_a_tenth() -> None:
    assert quantity("discharge_psi", 101, Preferences(units="metric"), pressure="bar") == "7 bar"
    assert quantity("discharge_psi", 95, Preferences(units="metric"), pressure="bar") == "6.6 bar"


async def test_a_standards_answer_asked_in_celsius_and_its_follow_up(app: Starlette,
                                                                    technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, _ = await say(session, "where do spare sprinklers have to be stored and how warm can it get there, "
                                  "in celsius")
    assert "100°F (about 37.8°C)" in reply, reply
    await say(session, "how cold can the dry pipe valve enclosure get, in celsius")
    reply, events = await say(session, "and what about the room a fire pump sits in?")
    assert called(events) == ["knowledge_search"], events
    assert "°C" in reply, reply
