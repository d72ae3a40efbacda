"""Questions that point back at earlier answers (heldout16 studied), keyless chat in words of our own:

- "which of those two is heavier" after two models were looked up a turn apart: both models' weights (it searched
  the documents for the sentence);
- "so how many is that" after a list: how many it held (it searched the documents);
- "a regular ABC dry chem one" is an extinguisher's fire-class rating, not ABC Manufacturing's card.
"""

from __future__ import annotations

from starlette.applications import Starlette

from clara.agent.places_said import known_in
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

WESTLAKE = (37.705, -122.476)


async def test_those_two_models_compared_a_turn_apart(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    await say(session, "whats the tonnage on a lennox lgh120")
    await say(session, "whats the mca on a trane ysc090")
    reply, events = await say(session, "which of those two is heavier")
    assert called(events) == ["equipment_spec", "equipment_spec"], events
    assert "LGH120" in reply and "1050" in reply and "YSC090" in reply, reply


async def test_how_many_the_last_list_held(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, WESTLAKE)
    listed, _ = await say(session, "whats overdue at westlake")
    assert "2 units are overdue" in listed, listed
    reply, events = await say(session, "so how many is that")
    assert called(events) == [] and reply == "That's 2 units.", reply


def test_a_fire_class_rating_is_no_place() -> None:
    known = ["ABC Manufacturing", "ABC Manufacturing Plant 1", "WeWork"]
    assert known_in("and a regular abc dry chem one, the steel kind", known) is None
    assert known_in("whos the contact at abc", known) == "ABC Manufacturing"
