"""The day and the place in a keyless conversation (issue 14), each test one general mechanism:

- where the day ends or starts, said as a verb ("which one am I finishing at", "where do I start today"), is the
  last or first job; a procedure's "before I start the test" is not;
- a site named by the kind of place it is ("that school", "the factory", "the market") is the one discussed when it
  is of that kind, else the only one on today's schedule, else the only one there is; several are named back;
- the units at a site named by kind ("what panel does ABC have") are that site's, not its customer card;
- what a unit is "rated for" is its listing or its rated flow and pressure; a supply voltage said alone ("and at
  four sixty") asks the last figure again for that voltage version;
- a sign-off ("talk to you later") is answered briefly and calls no tool.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from starlette.applications import Starlette

from clara.agent.routing import Route, route
from clara.agent.said import small_talk
from clara.agent.spec_answers import equipment_spec, follow_up
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.web.caller import CurrentUser
from clara.chat.runtime import AgentRuntime
from clara.jobs import resolution
from clara.jobs import service as jobs
from clara.jobs.resolution import Focus
from clara.knowledge.spec_fields import asked_attributes, voltage_said
from clara.knowledge.specs import Spec
from clara.users.service import Preferences
from clara.web.errors import ApiError

NAMES = {t.info.name for t in TOOLS} | {t.info.name for t in DRAFT_TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "Ferry Building Marketplace", "ABC Manufacturing",
          "ABC Manufacturing Plant 1", "Salesforce Tower", "Salesforce Tower Management", "Skyline High School",
          "Oakland Unified School District", "Oakland Technical High School"]
JOCKEY = Spec(model="CR3-19", manufacturer="Grundfos", series="CR", type="Jockey pump", category="fire",
              description="", details={"rated_flow_gpm": 10, "rated_pressure_psi": 115, "electrical": {
                  "voltage": "208-230/460", "phase": 3, "fla_230v": 6.8, "fla_460v": 3.4}})
ROOFTOP = Spec(model="48TCDA12", manufacturer="Carrier", series="48TCD", type="Packaged rooftop unit",
               category="hvac", description="", details={"electrical": {"voltage": "208/230", "mca": 49.6,
                                                                          "mocp": 60}})
EXTINGUISHER = Spec(model="B500", manufacturer="Amerex", series="Amerex", type="Portable fire extinguisher",
                    category="fire", description="", details={"ul_rating": "2-A:10-B:C", "agent_weight_lb": 5})


def routed(text: str) -> Route | None:
    return route(text, NAMES, PLACES)


@pytest.mark.parametrize(("text", "job"), [
    ("Which one am I finishing at?", "my last job"),
    ("which job do i end the day at", "my last job"),
    ("so where am i wrapping up today", "my last job"),
    ("where do i start today", "my first job"),
    ("which one am i kicking things off with", "my first job"),
])
def test_where_the_day_ends_or_starts(text: str, job: str) -> None:
    assert routed(text) == Route("job_details", {"job": job})


@pytest.mark.parametrize("text", ["what do i check before i start the fire pump test",
                                  "what's the procedure to end a churn test", "I'm finishing up here"])
def test_a_procedure_or_a_report_is_not_the_days_end(text: str) -> None:
    chosen = routed(text)
    assert chosen is None or chosen.arguments.get("job") not in ("my last job", "my first job"), chosen


@pytest.mark.parametrize(("text", "expected"), [
    ("any rules at that school", Route("site_requirements", {"site": "that school"})),
    ("who do I ask for at the factory", Route("customer_at_location", {"location": "the factory"})),
    ("what time am i at the market", Route("job_details", {"job": "the market"})),
    ("what panel does ABC have", Route("equipment_spec", {"model": "the panel", "question": "what panel does ABC have",
                                                          "site": "ABC Manufacturing"})),
    ("which fire pump's at salesforce", Route("equipment_spec", {
        "model": "the fire pump", "question": "which fire pump's at salesforce", "site": "Salesforce Tower"})),
    ("how much time do i have at abc", Route("job_details", {"job": "ABC Manufacturing"})),
    ("whos in charge at the hospital", Route("customer_at_location", {"location": "the hospital"})),
])
def test_places_by_kind_and_units_at_a_named_site(text: str, expected: Route) -> None:
    assert routed(text) == expected


@pytest.mark.parametrize("text", ["talk to you later", "ok catch you later clara", "That's all for now, bye!",
                                  "alright im out thanks", "ttyl"])
def test_a_sign_off_calls_no_tool(text: str) -> None:
    assert routed(text) is None
    assert small_talk(text) == "Talk to you later."


@pytest.mark.parametrize("text", ["talk to you later, what's my next job", "see you at the ferry building",
                                  "that's it for the pump right"])
def test_a_sign_off_with_a_question_is_a_question(text: str) -> None:
    assert small_talk(text) != "Talk to you later."


@pytest.mark.parametrize(("text", "volts"), [("and at four sixty", 460), ("what about 460v", 460),
                                             ("two oh eight volts", 208), ("the b260", None), ("at 4100", None),
                                             ("five seventy five", 575), ("max pressure 120 psi", None),
                                             ("a 240 lb unit", None), ("one twenty psi", None), ("120 v", 120)])
def test_a_supply_voltage_said(text: str, volts: int | None) -> None:
    assert voltage_said(text) == volts


def test_a_figure_asked_again_at_another_voltage() -> None:
    asked = follow_up(JOCKEY, "and at four sixty", "full load amps on the cr3-19")
    assert [(key, value) for key, _, value in asked_attributes(JOCKEY, asked)] == [("electrical.fla_460v", 3.4)]
    assert follow_up(JOCKEY, "what's its rated pressure", "full load amps") == "what's its rated pressure"
    # a sheet without that voltage's figures says whose figures it gives
    said = equipment_spec(ROOFTOP, follow_up(ROOFTOP, "and at 460", "mca on it"), Preferences())
    assert "49.6" in said and "the 460 V version has its own nameplate values" in said, said


def test_what_a_unit_is_rated_for() -> None:
    assert "2-A:10-B:C" in equipment_spec(EXTINGUISHER, "what's the b500 rated for", Preferences())
    said = equipment_spec(JOCKEY, "what's it rated for", Preferences())
    assert "10 GPM" in said and "115 psi" in said, said
    assert [k for k, _, _ in asked_attributes(JOCKEY, "rated flow")] == ["rated_flow_gpm"]


async def test_a_kind_of_place_resolves_by_what_is_discussed_then_the_day(app: Starlette, technician: CurrentUser,
                                                                         demo_day: date) -> None:
    stores = app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")

    async def site(words: str, focus: Focus = Focus()) -> str:
        return (await resolution.resolve_site(stores, actor=technician, focus=focus, reference=words)).name

    skyline = (await site("Skyline High School"))
    skyline_id = (await resolution.resolve_site(stores, actor=technician, focus=Focus(),
                                                reference="Skyline High School")).site_id
    assert skyline == "Skyline High School"
    assert await site("that school", Focus(site_id=skyline_id)) == "Skyline High School"  # the one discussed
    assert await site("the factory") == "ABC Manufacturing Plant 1"  # the only industrial site on today's schedule
    assert await site("the hotel") == "Presidio Bay Hotel"  # the only one there is
    with pytest.raises(ApiError) as which:
        await site("that school")  # three schools, none discussed or scheduled: named back
    assert "Skyline High School" in which.value.message and "Palo Alto High School" in which.value.message
    market = await resolution.resolve_job(stores, actor=technician, focus=Focus(), reference="the market")
    assert market.site.name == "Ferry Building"


async def test_a_follow_up_at_four_sixty_in_a_chat(app: Starlette, technician: CurrentUser) -> None:
    runtime: AgentRuntime = app.state.agent
    session = await runtime.chats.open(actor=technician, user_id=technician.id, fresh=True)

    async def say(text: str) -> tuple[str, list[dict[str, Any]]]:
        events = [event async for event in session.turn(text)]
        return events[-1]["text"], [e for e in events if e["type"] == "tool_call"]

    first, _ = await say("full load amps on the cr3-19")
    assert "6.8" in first, first
    again, calls = await say("and at four sixty")
    assert [c["name"] for c in calls] == ["equipment_spec"] and "3.4" in again and "6.8" not in again, again
    bye, calls = await say("talk to you later")
    assert calls == [] and bye == "Talk to you later.", bye


@pytest.mark.parametrize("asked", ["what is the voltage rating", "what is the hp rating on the motor",
                                   "what's the rated capacity", "what is the weight rating"])
def test_a_figure_named_with_rating_is_that_figure_alone(asked: str) -> None:
    """ "the voltage rating" is the voltage: the rated flow and pressure answer only a question naming no figure."""
    keys = [k for k, _, _ in asked_attributes(JOCKEY, asked)]
    assert "rated_flow_gpm" not in keys and "rated_pressure_psi" not in keys, keys
    assert [k for k, _, _ in asked_attributes(JOCKEY, "what's it rated for")] == ["rated_flow_gpm",
                                                                                   "rated_pressure_psi"]
