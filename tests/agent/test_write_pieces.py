"""A write-up dictated in pieces (`clara.agent.write_pieces`), the sentences only: announced without a fault, it
drafts nothing and asks; the unit and the fault said in the turns after make the draft, a part said with the fault
stays the announced unit's, a model number said later names the unit, a stop writes nothing, and a question asked
meanwhile is left to the usual routing. Also the day's words this session taught (a site called by the word its
street address shares, "hang on" and "go back" before a question, the person asked for as "the guy")."""

from __future__ import annotations

import pytest

from clara.agent.routing import route
from clara.agent.said import plain
from clara.agent.tools import TOOLS
from clara.agent.write_pieces import announced, continued

TOOLS_NOW = {t.info.name for t in TOOLS}
PLACES = ["WeWork", "WeWork 123 Main St", "Ferry Building", "Ferry Building Marketplace", "1 Ferry Building",
          "2151 Ferry Point", "Alameda Point Hangar", "Westlake Shopping Center", "Daly City Westlake Shopping",
          "2 Westlake Ave", "ABC Manufacturing", "ABC Manufacturing Plant 1"]


@pytest.mark.parametrize(("text", "unit"), [
    ("I've got a write-up for you, the jockey pump in the pump room", "jockey pump"),
    ("open a new deficiency on the dry valve", "dry valve"),
    ("found a deficiency to log", None),
    ("gotta flag something on the backflow", "backflow"),
    ("I need to log something on the air handler", "air handler"),
])
def test_a_write_up_announced_without_a_fault_drafts_nothing(text: str, unit: str | None) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == "log_deficiency", chosen
    assert chosen.arguments["description"] == ""
    assert chosen.arguments.get("equipment") == unit


@pytest.mark.parametrize("text", [
    "how do I open a deficiency in the app?",
    "the dry valve is tripping, open a deficiency on it",
    "log a deficiency: hose cabinet glass broken out",
    "log a deficiency: standpipe hose in the red cabinet",
])
def test_a_question_or_a_whole_write_up_is_no_announcement(text: str) -> None:
    assert announced(text) is None


def test_the_fault_said_next_makes_the_draft_of_the_unit_announced() -> None:
    chosen = continued("the relief valve is spitting every few seconds, needs repair", {"equipment": "RPZ"}, PLACES)
    assert chosen is not None and not isinstance(chosen, str)
    assert chosen.tool == "log_deficiency"
    assert chosen.arguments["equipment"] == "RPZ"  # the relief valve is a part of it, not another unit
    assert "spitting" in chosen.arguments["description"] and chosen.arguments["severity"] == "needs repair"


def test_a_unit_said_alone_keeps_the_write_up_open() -> None:
    chosen = continued("it's the air handler on the mezzanine", {}, PLACES)
    assert chosen is not None and not isinstance(chosen, str)
    assert chosen.arguments == {"description": "", "equipment": "air handler", "location": "mezzanine"}


def test_a_model_said_with_the_fault_names_the_unit() -> None:
    chosen = continued("the fifty t c q a oh six, fan motor is seized", {"equipment": "rooftops"}, PLACES)
    assert chosen is not None and not isinstance(chosen, str)
    assert chosen.arguments["equipment"] != "rooftops" and "seized" in chosen.arguments["description"]


def test_a_stop_writes_nothing_and_a_question_is_answered_as_usual() -> None:
    assert isinstance(continued("never mind, forget it", {"equipment": "jockey pump"}, PLACES), str)
    assert continued("what's the churn pressure on it?", {"equipment": "jockey pump"}, PLACES) is None


@pytest.mark.parametrize(("text", "tool", "argument"), [
    ("who's the contact at the ferry", "customer_at_location", ("location", "Ferry Building")),
    ("what comes after westlake", "next_job", ("after", "Westlake Shopping Center")),
    ("hold on. where am i after the ferry", "next_job", ("after", "Ferry Building")),
    ("no wait go back, whats the name of the lady there", "customer_at_location", ("location", "there")),
])
def test_the_day_in_interrupted_words(text: str, tool: str, argument: tuple[str, str]) -> None:
    chosen = route(text, TOOLS_NOW, PLACES)
    assert chosen is not None and chosen.tool == tool, chosen
    assert chosen.arguments.get(argument[0]) == argument[1], chosen


@pytest.mark.parametrize(("said", "asked"), [
    ("hang on. who runs the tower", "who runs the tower"),
    ("no wait go back, how far is abc", "how far is abc"),
    ("hold on, one sec, what's due here", "what's due here"),
])
def test_an_interruption_before_a_question_is_not_the_question(said: str, asked: str) -> None:
    assert plain(said) == asked


def test_going_back_to_a_setting_is_still_said() -> None:
    assert plain("go back to metric") == "go back to metric"
