"""The technician's day, places and units asked in other words (session 13, from the heldout3/heldout5 misses), each
test one general mechanism in the offline reading:

- being done at a job is "after" it ("where do I go once I'm done at WeWork");
- arriving said as a verb ("supposed to roll in") and a booked length said with "they have me booked" ask the job;
- "what's on the books for me today" is the schedule, not what is written up;
- what a job is about, asked of a place ("what am I doing there", "what's the problem there", "the skyline job");
- a drive asked as "how long of a drive is that" is a trip to the place discussed;
- what to sort out "first" before cutting or getting in the door is the site's rules, not the first job;
- a unit's state on record ("is the fire pump there still down") is the job's open deficiencies;
- a place said by the last words of its name ("the hall of justice"), a unit pointed at ("that backflow");
- a lookup that asks back "which one?" is never replaced by a passage from the documents.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from livekit.agents import llm
from starlette.applications import Starlette

from clara.agent.after_tools import after_tools
from clara.agent.routing import Route, route
from clara.agent import answers
from clara.agent.heard import heard
from clara.agent.spec_answers import carried_over, equipment_spec, follow_up
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.web.caller import CurrentUser
from clara.crm import service as crm
from clara.jobs import service as jobs
from clara.jobs.units import names_a_kind
from clara.knowledge.spoken_models import model_mentions
from clara.knowledge.specs import Spec
from clara.users.service import Preferences
from tests.conftest import turn

NAMES = {t.info.name for t in TOOLS} | {t.info.name for t in DRAFT_TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "Ferry Building Marketplace", "ABC Manufacturing",
          "ABC Manufacturing Plant 1", "Skyline High School", "4000 Skyline Blvd", "Oakland Unified School District",
          "San Mateo County Hall of Justice", "San Mateo County Facilities", "San Francisco Public Library"]
JOCKEY = Spec(model="CR3-19", manufacturer="Grundfos", series="CR", type="Jockey pump", category="fire",
              description="", details={"electrical": {"voltage": "208-230/460", "phase": 3, "fla_230v": 6.8,
                                                      "fla_460v": 3.4}})


def routed(text: str) -> Route | None:
    return route(text, NAMES, PLACES)


@pytest.mark.parametrize(("text", "expected"), [
    ("Where do I go once I'm done at WeWork?", Route("next_job", {"after": "WeWork"})),
    ("where to after I'm done at the ferry building", Route("next_job", {"after": "Ferry Building"})),
    ("and where do i head when i finish up with this one", Route("next_job", {"after": "this"})),
    ("how long do they have me booked there", Route("job_details", {"job": "there"})),
    ("and what time am i supposed to roll in", Route("job_details", {"job": "that job"})),
    ("morning clara whats on the books for me today", Route("my_jobs_today", {})),
    ("What am I doing there?", Route("job_details", {"job": "there"})),
    ("What's the problem there?", Route("job_details", {"job": "there"})),
    # the one site its name opens with (its street, "12250 Skyline Blvd", no longer hides the nickname)
    ("whats the skyline job about", Route("job_details", {"job": "Skyline High School"})),
    ("how long of a drive is that", Route("travel_time", {})),
    ("I might need to cut out a bent hanger out there. Anything I need to sort out first?",
     Route("site_requirements", {"site": "there"})),
    ("what do i need to get in the door there", Route("site_requirements", {"site": "there"})),
    ("is the fire pump there still down", Route("job_details", {"job": "there"})),
    ("What flow is that backflow rated for?", Route("equipment_spec", {
        "model": "that backflow", "question": "What flow is that backflow rated for"})),
])
def test_the_day_places_and_units_in_other_words(text: str, expected: Route) -> None:
    assert routed(text) == expected


@pytest.mark.parametrize("text", ["what do i check once im done with the test",
                                  "sprinkler requirements for a public library",
                                  "what should i check first on the pump"])
def test_look_alikes_stay_with_the_documents(text: str) -> None:
    """A procedure's "once I'm done with the test", a kind of building, a troubleshooting "first": the manuals."""
    chosen = routed(text)
    assert chosen is not None and chosen.tool == "knowledge_search", chosen


def test_a_place_said_by_the_last_words_of_its_name() -> None:
    chosen = routed("what jockey pump do they have at the hall of justice")
    assert chosen is not None and chosen.arguments.get("site") == "San Mateo County Hall of Justice", chosen


def test_another_voltage_replaces_the_one_the_last_question_named() -> None:
    """ "fla on the CR three nineteen at two thirty volts", then "and at four sixty": the 460 V figure."""
    asked = follow_up(JOCKEY, "and at four sixty", "whats the full load amps on a grundfos CR three nineteen at "
                                                   "two thirty volts")
    said = equipment_spec(JOCKEY, asked, Preferences())
    assert "3.4 A" in said and "6.8" not in said, said


def output(name: str, said: str, *, error: bool, **extra: Any) -> llm.FunctionCallOutput:
    return llm.FunctionCallOutput(name=name, call_id=name, is_error=error,
                                  output=said if error else json.dumps({"say": said, **extra}))


def test_a_which_one_question_is_not_replaced_by_the_documents() -> None:
    """Two or three sites fit "that school": the question back is the answer, not a search of the manuals."""
    asked = output("site_requirements", "The school could be A High, B High; which one?", error=True)
    assert after_tools([asked], [], "any rules at that school", {"knowledge_search": ""}) == asked.output
    missed = output("site_requirements", "Sorry, I couldn't do that: no customer site matches 'Blorvax'.", error=True)
    assert after_tools([missed], [], "any rules at the Blorvax", {"knowledge_search": ""}) == \
        Route("knowledge_search", {"query": "any rules at the Blorvax"})  # no match at all: the documents may know


async def test_an_ambiguous_place_is_asked_back_in_a_real_turn(app: Starlette, technician: CurrentUser) -> None:
    """No school is on today's schedule and the demo has several: Clara asks which, naming them."""
    events = await turn(app, technician, "any rules at that school?")
    results = [(e["name"], e["ok"]) for e in events if e["type"] == "tool_result"]
    assert results == [("site_requirements", False)], results
    reply = events[-1]["text"]
    assert reply.rstrip().endswith("?") and "High School" in reply and not reply.startswith("Sorry"), reply


@pytest.mark.parametrize(("text", "model"), [
    ("which one is in the riser room", "the one in the riser room"),
    ("and the one out in the street vault", "the one in the street vault"),
    ("whats up on the roof there", "the one on the roof"),
])
def test_a_unit_pointed_at_by_its_place_on_site(text: str, model: str) -> None:
    chosen = routed(text)
    assert chosen is not None and chosen.tool == "equipment_spec" and chosen.arguments["model"] == model, chosen


def test_a_site_is_not_a_place_on_site() -> None:
    chosen = routed("what's at the ferry building")
    assert chosen is None or chosen.tool != "equipment_spec", chosen


def test_a_units_question_after_a_lead_in() -> None:
    """Speech runs on: "ok im at main street what backflow preventers they got here" still asks the site's units."""
    chosen = routed("ok im at main street what backflow preventers they got here")
    assert chosen is not None and chosen.tool == "equipment_spec" and chosen.arguments["model"] == "the backflow", \
        chosen


def test_another_unit_named_with_nothing_asked_of_it_gets_the_last_figure() -> None:
    backflow = Spec(model="3000SS-4", manufacturer="Ames", series="3000SS", type="Backflow preventer",
                    category="fire", description="", details={"pressure_loss_psi": 4.5, "rated_flow_gpm": 500})
    asked = carried_over(backflow, "and the one out in the street vault", "whats the pressure loss through that one")
    assert "4.5" in equipment_spec(backflow, asked, Preferences())
    assert carried_over(backflow, "what's its rated flow", "whats the pressure loss") == "what's its rated flow"


def test_a_model_said_in_digit_groups_after_a_thousand() -> None:
    """ "a e f one thousand one twenty five" is the AEF1000-125 ("1000" then "125"), not an AEF1125."""
    assert model_mentions(heard("whats the churn pressure on the peerless a e f one thousand one twenty five")) == \
        ["AEF1000125"]
    assert heard("one thousand one hundred twenty five gallons") == "1125 gallons"  # an amount stays one


async def test_a_few_open_deficiencies_are_each_named(app: Starlette, technician: CurrentUser,
                                                       demo_jobs: dict[str, int]) -> None:
    """ "Anything already written up here": with two or three open, each is said, not only the worst."""
    detail = await jobs.get_job(app.state.stores, actor=technician, job_id=demo_jobs["WeWork 123 Main St"])
    assert 1 < len(detail.deficiencies) <= 3, "the demo's WeWork job has a few open deficiencies"
    said = answers.job_details(detail, Preferences())
    assert all(d.description.rstrip(".") in said for d in detail.deficiencies), said


@pytest.mark.parametrize(("words", "kind"), [("the one in the street vault", True), ("the one on the roof", True),
                                             ("fifty TCQ A six", False), ("the one twenty five", False)])
def test_the_one_is_a_pronoun_not_a_digit(words: str, kind: bool) -> None:
    """ "the one in the street vault" names a unit by its place, not a model "1"."""
    assert names_a_kind(words) is kind


async def test_a_sites_own_contact_comes_first_and_the_customers_primary_after(app: Starlette) -> None:
    """At one school of a district, "who's the contact there" names that school's contact first, then the
    district's primary contact (at another school)."""
    stores = app.state.stores
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT site_id, customer_id, name FROM contacts WHERE NOT is_primary"
                                 " AND site_id IS NOT NULL ORDER BY id LIMIT 1")
        row = await cur.fetchone()
        cur = await conn.execute("SELECT name FROM contacts WHERE customer_id = %s AND is_primary",
                                 (row["customer_id"],))
        primary = (await cur.fetchone())["name"]
    said = answers.customer(await crm.customer_at_site(stores, site_id=row["site_id"]), Preferences())
    assert row["name"] in said and primary in said and said.index(row["name"]) < said.index(primary), said
