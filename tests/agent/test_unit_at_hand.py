"""Keyless turns that lean on the unit or the setting just talked about, in words of our own (not a bench set's):

- a write-up asked for of "it" before its fault ("ok write that up, ...") whose fault names no unit: the unit talked about last, and no
  unit at all (never a unit called "it") when none was;
- "the other one" pointed at again after a comma ("the other one, the hallway one"): still the other unit;
- a system of units named by two of its measures ("back to feet and gallons").
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.deficiency_said import deficiency
from clara.agent.draft_said import _correction
from clara.agent.said import only_preferences, preferences
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

WEWORK = (37.79155, -122.39418)


@pytest.mark.parametrize("text", [
    "ok write that up, the hose is split, minor",
    "ok put it down: the seal is weeping at the cap, low",
])
def test_a_write_up_of_it_naming_no_unit_points_at_the_unit_talked_about(text: str) -> None:
    said = deficiency(text)
    assert said["equipment"] == "it" and said["description"], said


def test_a_write_up_of_it_naming_its_unit_keeps_that_unit() -> None:
    assert deficiency("put it down, the B260 has a split hose, minor")["equipment"] != "it"


def test_that_said_after_the_fault_is_the_fault_not_a_unit() -> None:
    assert "equipment" not in deficiency("the strainer basket is clogged solid, write that up")


async def test_write_it_up_after_a_unit_was_asked_about_drafts_on_that_unit(app: Starlette,
                                                                           technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    await say(session, "is the kitchen extinguisher here overdue")
    _, events = await say(session, "alright write that up, the hose is split, minor")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"]["model"] == "B260" and draft["fields"]["severity"] == "suggested", draft


async def test_write_it_up_with_nothing_talked_about_drafts_on_no_unit(app: Starlette,
                                                                      technician: CurrentUser) -> None:
    session = await chat(app, technician, WEWORK)
    reply, events = await say(session, "write that up, the gauge glass is cracked, minor")
    draft = next(e for e in events if e["type"] == "draft")
    assert draft["fields"]["equipment"] is None and "no it" not in reply.lower(), reply


@pytest.mark.parametrize("text", ["no the other one, the hallway one", "the other one - the one by the stairs"])
def test_the_other_one_pointed_at_again_is_still_the_other_unit(text: str) -> None:
    assert _correction(text, "deficiency") == {"equipment": "the other"}


@pytest.mark.parametrize(("text", "units"), [
    ("go back to feet and gallons", "imperial"),
    ("put me on litres, kilos and metres please", "metric"),
])
def test_a_system_of_units_named_by_two_of_its_measures_is_set(text: str, units: str) -> None:
    assert preferences(text) == {"units": units} and only_preferences(text), text


async def test_a_second_fault_added_before_the_yes_is_saved_on_the_same_record(app: Starlette,
                                                                                technician: CurrentUser) -> None:
    session = await chat(app, technician, position=(37.79155, -122.39418))  # at WeWork
    await say(session, "the extinguisher in the corridor has a torn hose, needs repair")
    reply, events = await say(session, "add to that write-up, the pull pin is missing as well")
    assert called(events) == ["edit_draft"], events
    draft = session.agent.ctx.draft
    assert draft is not None and draft.unit is not None and draft.unit.model == "B500", draft
    assert "torn hose" in draft.description.lower() and "pull pin is missing" in draft.description, draft
