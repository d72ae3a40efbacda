"""Requests in words nobody scripted a rule for: a write-up without "deficiency", another day in casual words, a
customer as "they", a place by the noun of its name, a rule asked as "how old", a display's words or a fault code,
a fire class said as a letter, and a correction that withdraws and restates in one breath."""

from __future__ import annotations

import pytest

from clara.agent.heard import heard
from clara.agent.routing import Route, route
from clara.agent.tools import DRAFT_TOOLS, TOOLS
from clara.agent.two_asks import routes
from clara.ops.demo_data import CUSTOMERS

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites} |
                {s.address for c in CUSTOMERS for s in c.sites})


@pytest.mark.parametrize("text, unit", [
    ("note that the corridor extinguisher is missing its pin", "corridor extinguisher"),
    ("make a note the fire pump is vibrating a lot", "fire pump"),
    ("put down that the backflow in the riser room is leaking", "backflow"),
    ("the backflow's leaking at the relief, write it up", "backflow"),
])
def test_a_problem_asked_to_be_written_down_is_a_deficiency_draft(text: str, unit: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == "log_deficiency", chosen
    assert chosen.arguments.get("equipment") == unit


@pytest.mark.parametrize("text", ["note the weather is nice", "log the service notes for me",
                                  "note that the customer wants a quote"])
def test_a_note_with_no_unit_or_part_in_trouble_is_no_write(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is None or chosen.tool != "log_deficiency", chosen


@pytest.mark.parametrize("text, day", [
    ("and the day after tomorrow?", "the day after tomorrow"),
    ("where am i headed thursday", "thursday"),
    ("anything next monday", "next monday"),
    ("what about tomorrow", "tomorrow"),
])
def test_another_day_in_casual_words_is_that_days_schedule(text: str, day: str) -> None:
    assert route(text, NAMES, PLACES) == Route("my_jobs_today", {"day": day})


@pytest.mark.parametrize("text", ["traffic was brutal yesterday", "how long is the drive to wework tomorrow",
                                  "whats the max fuse on the 50TCQA06 tomorrow"])
def test_a_day_named_in_something_else_is_not_a_schedule_question(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is None or chosen.tool != "my_jobs_today", chosen


def test_they_and_their_are_the_customer_discussed() -> None:
    assert route("do they have any rules i should know", NAMES, PLACES) == Route("site_requirements",
                                                                                  {"site": "there"})
    assert route("can you give me their number", NAMES, PLACES) == Route("customer_at_location",
                                                                          {"location": "there"})


def test_a_place_said_by_the_noun_of_its_name_is_that_place() -> None:
    assert route("what am i doing at the plant today", NAMES, PLACES) == Route(
        "job_details", {"job": "ABC Manufacturing Plant 1"})
    assert route("who runs the tower", NAMES, PLACES) == Route("customer_at_location",
                                                               {"location": "Salesforce Tower"})
    # "the building" and "the center" say what any place is: they stay the place discussed
    assert route("who runs the building", NAMES, PLACES) == Route("customer_at_location", {})


@pytest.mark.parametrize("text", ["whats the job at the ferry building about",
                                  "give me the rundown on the ferry building job",  # the place's name, then "job"
                                  "what's the ferry building one about"])
def test_the_job_at_a_named_place_is_that_places_job(text: str) -> None:
    assert route(text, NAMES, PLACES) == Route("job_details", {"job": "Ferry Building"})


@pytest.mark.parametrize("text", [
    "how old can a sprinkler head get before it has to be tested",
    "how old can an extinguisher be before it comes out of service",
    "panel is throwing an F01 what does that mean",
    "what does E3 mean on the controller",
    "it says high airflow",
    "the controller keeps showing fail to start",
])
def test_rules_readings_and_fault_codes_go_to_the_documents(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == "knowledge_search", chosen


@pytest.mark.parametrize("text, tool", [("how old is it", "read_nameplate"),
                                        ("max fuse on the F-1-4", "equipment_spec"),
                                        ("whats the pressure reading on the B260", "equipment_spec")])
def test_a_unit_of_its_own_is_still_asked_of_its_plate_or_sheet(text: str, tool: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == tool, chosen


@pytest.mark.parametrize("spoken, written", [
    ("can a k extinguisher go next to the fryer", "can a Class K extinguisher go next to the fryer"),
    ("what a c unit is on the roof", "what AC unit is on the roof"),
    ("can a c unit run in the rain", "can AC unit run in the rain"),
])
def test_a_letter_after_an_article_is_a_fire_class_not_half_a_name(spoken: str, written: str) -> None:
    assert heard(spoken) == written


@pytest.mark.parametrize("text, answer", [
    ("scratch that, make it high", Route("edit_draft", {"severity": "high"})),
    ("forget that, severity low", Route("edit_draft", {"severity": "low"})),
    ("scratch that, it's the B260 in the kitchen", Route("edit_draft", {"location": "kitchen", "equipment": "B260"})),
    ("scratch that", Route("edit_draft", {"cancel": True})),
    ("never mind", Route("edit_draft", {"cancel": True})),
])
def test_a_draft_withdrawn_and_restated_in_one_breath_is_corrected(text: str, answer: Route) -> None:
    tools = NAMES | {t.info.name for t in DRAFT_TOOLS}
    assert routes(text, tools, PLACES, draft_kind="deficiency") == [answer]


@pytest.mark.parametrize("spoken, written", [
    ("bulb colour for the two hundred twelve degree head", "bulb colour for the 212 degree head"),
    ("one thousand two hundred and fifty gallons", "1250 gallons"),
    ("forty one hundred", "4100"),
])
def test_an_amount_said_in_words_is_one_number(spoken: str, written: str) -> None:
    """ "two hundred twelve" is 212, not "200 twelve": a figure a table states must be read whole."""
    assert heard(spoken) == written


@pytest.mark.parametrize(("text", "site"), [
    ("am I permitted to pull the stations at the ferry building this morning", "Ferry Building"),
    ("could we shut the main drain here around noon", "here"),
    ("I'm going to have to grind a flange out there, would that be an issue", "there"),
    ("anything they need from us before we come out", "there"),
])
def test_work_asked_whether_a_site_allows_it_is_the_sites_rules(text: str, site: str) -> None:
    assert route(text, NAMES, PLACES) == Route("site_requirements", {"site": site})


@pytest.mark.parametrize("text", ["how long am I permitted to keep a fire watch before calling the AHJ",
                                  "can I test a tamper switch with a magnet"])
def test_work_asked_of_no_place_is_still_the_documents(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is None or chosen.tool != "site_requirements", chosen


@pytest.mark.parametrize("text", ["tell me again what I'm doing here", "what we're doing at the ferry building"])
def test_what_i_am_doing_at_a_place_is_its_job(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == "job_details", chosen


@pytest.mark.parametrize(("text", "destination"), [("what time do I have to take off for the ferry building",
                                                    "Ferry Building"),
                                                   ("when should we hit the road for wework", "WeWork")])
def test_when_to_set_off_for_a_place_is_the_drive_there(text: str, destination: str) -> None:
    assert route(text, NAMES, PLACES) == Route("travel_time", {"destination": destination})


@pytest.mark.parametrize(("text", "arguments"), [("so what job am I at right now", {}),
                                                 ("which visit is it at the ferry building", {"job": "Ferry Building"})])
def test_which_job_it_is_is_that_jobs_details(text: str, arguments: dict[str, str]) -> None:
    assert route(text, NAMES, PLACES) == Route("job_details", arguments)


@pytest.mark.parametrize(("text", "unit"), [
    ("so what does the boiler room one weigh", "the one in the boiler room"),
    ("and the max breaker for the unit on their roof", "the one on the roof"),
])
def test_a_unit_pointed_at_by_its_place_is_that_unit_not_the_one_discussed(text: str, unit: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == "equipment_spec" and chosen.arguments.get("model") == unit, chosen
