"""A site's units asked for in the words technicians use on arrival: as a request ("show me the units here"), or
with nothing named ("what's here"). "Units" there is equipment, never the units Clara answers in; and a change
picked by likeness with no value said changes nothing and never answers "Done"."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.llm_offline import _change_said
from clara.agent.routing import Route
from clara.agent.tools import TOOLS
from clara.agent.two_asks import routes
from clara.ops.demo_data import CUSTOMERS
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites})


@pytest.mark.parametrize(("said", "site"), [
    ("show me the units here", "here"),
    ("can you list the equipment at wework", "WeWork"),
    ("run me through the gear there", None),
    ("what's here", "here"),
    ("ok so what have they got on site", None),
])
def test_a_sites_units_asked_for(said: str, site: str | None) -> None:
    (route,) = routes(said, NAMES, PLACES)
    assert route.tool == "equipment_spec" and route.arguments["model"] == "equipment", route
    assert route.arguments.get("site") == site, route


@pytest.mark.parametrize("said", ["show me metric units", "give me the units in metric"])
def test_units_with_a_system_said_are_a_setting(said: str) -> None:
    assert routes(said, NAMES, PLACES) == [Route("set_preferences", {"units": "metric"})]


def test_a_change_picked_by_likeness_needs_its_value_said() -> None:
    """"switch the units" lies close to "switch to metric units": with no value said, what is set is said."""
    assert _change_said(Route("set_preferences", {})) == Route("get_preferences", {})
    assert _change_said(Route("set_preferences", {"units": "metric"})) == Route("set_preferences", {"units": "metric"})
    assert _change_said(Route("update_job_status", {})) is None


async def test_show_me_the_units_here_lists_the_sites_units(app: Starlette, technician: CurrentUser,
                                                            on_demo_day: None) -> None:
    """It changed the technician's preferences ("Done. From now on I answer ... in imperial units") instead."""
    session = await chat(app, technician)
    await say(session, "im at the ferry building now")
    reply, events = await say(session, "show me the units here")
    assert called(events) == ["equipment_spec"], events
    assert "Ferry Building" in reply and "Peerless" in reply and "From now on" not in reply, reply
    reply, events = await say(session, "switch the units")
    assert "Done" not in reply and "set_preferences" not in called(events), (reply, events)


@pytest.mark.parametrize(("said", "unit", "site"), [
    ("tell me about the fire pump here", "the fire pump", "here"),
    ("pull up the backflow at wework", "the backflow", "WeWork"),
])
def test_a_unit_of_a_kind_asked_about_at_a_place_is_its_record(said: str, unit: str, site: str) -> None:
    (route,) = routes(said, NAMES, PLACES)
    assert route.tool == "equipment_spec" and route.arguments["model"] == unit, route
    assert route.arguments.get("site") == site, route


async def test_the_fire_pump_here_then_its_figure_by_pronoun(app: Starlette, technician: CurrentUser,
                                                             on_demo_day: None) -> None:
    """"tell me about the fire pump here" searched NFPA 25 for fire pumps, and "its churn pressure" then read out two
    other Peerless models' sheets."""
    session = await chat(app, technician)
    await say(session, "im at the ferry building now")
    reply, events = await say(session, "tell me about the fire pump here")
    assert called(events) == ["equipment_spec"] and "AEF1000-125" in reply, reply
    reply, _ = await say(session, "what's the churn pressure on it")
    assert "145" in reply and "AEF750" not in reply, reply


async def test_a_system_named_whole_is_its_units_at_the_site(app: Starlette, technician: CurrentUser) -> None:
    """ "The sprinkler system" is no one unit and no standard: the site's units that make it up, from its records
    (it went to the documents and read a passage of NFPA 13)."""
    session = await chat(app, technician)
    reply, events = await say(session, "tell me about the sprinkler system at the plant")
    assert called(events) == ["equipment_spec"], events
    assert "ABC Manufacturing Plant 1" in reply and "AV-1-300" in reply and "AEF1000-125" in reply, reply
    assert "NFPA" not in reply, reply


async def test_a_room_stood_in_lists_what_stands_there_and_its_kind_then_picks_one(
    app: Starlette, technician: CurrentUser
) -> None:
    """ "I'm in the riser room, what's in here" is the units recorded in that room; "the backflow" next is the one
    just named among them, not the site's other backflow, and not the model talked about before the list."""
    session = await chat(app, technician, position=(37.79155, -122.39418))  # at WeWork
    await say(session, "whats the churn on the fire pump at the ferry building")
    reply, events = await say(session, "alright im inside the riser room now, what do they have in here")
    assert called(events) == ["equipment_spec"], events
    assert "AV-1-300" in reply and "957-4" in reply and "3000SS-4" not in reply, reply
    reply, _ = await say(session, "the backflow, how much pressure does it lose")
    assert "12 psi" in reply and "AEF" not in reply, reply


async def test_a_unit_put_first_and_then_asked_about_is_the_one_where_it_was_said(app: Starlette,
                                                                                   technician: CurrentUser) -> None:
    """ "The valve in the warehouse riser, what ..." with no model talked about: the site's valve in that place, not
    a choice between every valve there (the place was dropped with the rest of the sentence)."""
    session = await chat(app, technician, position=(37.8734, -122.0755))  # at Rossmoor Commons
    reply, events = await say(session, "the valve in the warehouse riser, what pressure should it hold")
    assert called(events)[:1] == ["equipment_spec"], events
    assert "F-1-4" in reply and "AV-1-300" not in reply, reply
