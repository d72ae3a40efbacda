"""Questions the manuals and standards answer, in words that also read as a write, a job's booking, a customer or a
spec sheet: a rule about repairs or write-ups asked, a lifetime or a deadline asked with "how long", a symptom, an
interval said as a period, a customer's name used as a common noun, a customer who only wants something, and two
facts of one model in one breath. None may become a draft or a record, and genuine writes still draft."""

from __future__ import annotations

import pytest

from clara.agent.routing import route
from clara.agent.tools import TOOLS
from clara.agent.two_asks import routes
from clara.ops.demo_data import CUSTOMERS

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites} |
                {s.address for c in CUSTOMERS for s in c.sites})
WRITES = {"log_deficiency", "mark_deficiency_fixed", "update_job_status", "set_preferences"}
DAY = {"job_details", "next_job", "my_jobs_today", "customer_at_location", "travel_time"}


@pytest.mark.parametrize("text", [
    "under the county rule how many days can an impairment sit before it has to be repaired",
    "out of curiosity how do you spot a repaired valve, is there a tag or mark",
    "the local code, how soon must we report an impaired system deficiency to the owner",
    "knocked a spare nozzle off the ladder, can we still install it",
    "how many days do we get to report a deficiency to the building owner",
    "deadline to report smoke damper deficiencies to the owner",
])
def test_a_question_about_a_rule_or_the_work_never_writes(text: str) -> None:
    chosen = routes(text, NAMES, PLACES)
    assert not {c.tool for c in chosen} & WRITES, chosen


@pytest.mark.parametrize("text, tool", [
    ("repaired the tamper switch on deficiency 31, mark it fixed", "mark_deficiency_fixed"),
    ("the fdc cap is gone at the plant, log it as a deficiency", "log_deficiency"),
])
def test_genuine_writes_still_draft(text: str, tool: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == tool, chosen


@pytest.mark.parametrize("text", [
    "how long will a pair of emergency light batteries last",
    "how long am I permitted to keep a standpipe out of service",
    "how long after the inspection is the report due to the owner",
    "when do you have to hydro test an ABC cylinder",
    "unit heater tried to light three times and quit, how long till it tries again",
    "the exhaust fans came on by themselves, how long until they shut off",
])
def test_a_duration_or_rule_asked_is_not_the_day(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is None or chosen.tool not in DAY, chosen


@pytest.mark.parametrize("text", [
    "discharge pressure's really high on the RTU in heat mode",
    "furnace won't light and the lockout led is flashing",
    "do they need the RPZ rebuilt every five years",
])
def test_a_symptom_or_an_interval_goes_to_the_documents_not_the_spec_sheet(text: str) -> None:
    chosen = route(text, NAMES, PLACES)
    assert chosen is not None and chosen.tool == "knowledge_search", chosen


def test_a_rating_of_a_unit_kind_is_still_its_spec() -> None:
    chosen = route("what's the high pressure cutout on the rooftop", NAMES, PLACES)
    assert chosen is not None and chosen.tool == "equipment_spec", chosen


def test_a_customer_who_wants_something_is_not_a_card_lookup() -> None:
    chosen = route("the client wants the exposed piping painted red, is that ok on sprinkler lines", NAMES, PLACES)
    assert chosen is None or chosen.tool != "customer_at_location", chosen
    asked = route("who's the client at WeWork", NAMES, PLACES)
    assert asked is not None and asked.tool == "customer_at_location", asked


@pytest.mark.parametrize("text", [
    "how long does the building owner have to keep the sprinkler inspection reports",
    "does the customer have to sign off on the annual fire alarm test",
    "what's the time limit to report a deficiency to the owner",
])
def test_a_duty_of_the_owner_asked_is_the_documents_not_the_customer_card(text: str) -> None:
    """The owner named in a rule asked ("how long must the owner keep ...") was read as a contact asked for, and the
    reply was the customer card of the site on hand."""
    chosen = routes(text, NAMES, PLACES)
    assert not {c.tool for c in chosen} & (WRITES | DAY | {"customer_at_location"}), chosen
    asked = route("who's the owner here, I need their number", NAMES, PLACES)
    assert asked is not None and asked.tool == "customer_at_location", asked


def test_a_units_own_schedule_on_a_day_is_not_the_technicians_day() -> None:
    """"what time does the gym unit go occupied on saturday" was read as "what have I got on Saturday"."""
    chosen = routes("what time does the library heating unit go occupied on sunday", NAMES, PLACES)
    assert not {c.tool for c in chosen} & DAY, chosen
    asked = route("what have I got on saturday", NAMES, PLACES)
    assert asked is not None and asked.tool == "my_jobs_today", asked


def test_two_facts_of_one_model_stay_one_lookup_with_its_model() -> None:
    chosen = routes("LX-90 monthly test: how many seconds and what lamp voltage", NAMES, PLACES)
    assert len(chosen) == 1 and chosen[0].arguments.get("model") == "LX-90", chosen
    assert "lamp voltage" in chosen[0].arguments["question"]
