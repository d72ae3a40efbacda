"""Spec answers say the asked figure first, in one sentence, then offer the rest; topics and overviews otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from clara.agent.routing import route
from clara.agent.rules_units import length_said
from clara.agent.said import Route
from clara.agent.spec_answers import equipment_spec
from clara.agent.units_asked import answer_in
from clara.agent.speech import spoken
from clara.knowledge.specs import Spec, parse_spec_file
from clara.users.service import Preferences

SPECS = Path(__file__).resolve().parents[2] / "data" / "specifications"


def spec(model: str) -> Spec:
    for path in SPECS.glob("*.json"):
        for found in parse_spec_file(path.read_bytes()):
            if found.model == model:
                return found
    raise LookupError(model)


@pytest.mark.parametrize(("model", "question", "first"), [
    ("48TCDA12", "What's the max fuse size on the 48TCDA12?",
     "The 48TCDA12's maximum fuse or breaker size (MOCP) is 60 A, per the Carrier 48TCD specifications."),
    ("48TCDA12", "what breaker do I need", "The 48TCDA12's maximum fuse or breaker size (MOCP) is 60 A,"),
    ("48TCDA12", "minimum circuit ampacity?", "The 48TCDA12's minimum circuit ampacity (MCA) is 49.6 A,"),
    ("48TCDA12", "locked rotor amps", "The 48TCDA12's locked rotor current (LRA) is 110 A,"),
    ("48TCDA12", "what voltage is it", "The 48TCDA12's voltage is 208/230 V, 3 phase,"),
    ("48TCDA12", "how heavy is it", "The 48TCDA12's weight is 970 lb,"),
    ("50TCQA06", "how much refrigerant does it take", "The 50TCQA06's refrigerant charge is 12.6 lb,"),
    ("50TCQA06", "which refrigerant", "The 50TCQA06's refrigerant is R-410A,"),
    ("50TCQA06", "SEER2?", "The 50TCQA06's SEER2 is "),
    ("AEF1000-125", "rated flow", "The AEF1000-125's rated flow is 1000 GPM,"),
    # several figures are "are"; a series named by its maker names the maker once
    ("VK102", "VK102 temperature ratings", "The VK102's temperature ratings are 135, 155, 175, 200, 286 °F,"),
    # a count of the one field that ends in the thing counted ("points_per_loop" counts points, not loops)
    ("NFS2-3030", "how many loops can it take", "The NFS2-3030's slc loops are 1 to 10 (with loop expander modules),"),
    ("B456", "UL rating of the Amerex B456", "The B456's UL rating is 4-A:80-B:C, per the Amerex portable "
     "specifications."),
    ("AEF1000-125", "churn pressure", "The AEF1000-125's churn pressure is "),
])
def test_the_asked_figure_comes_first(model: str, question: str, first: str) -> None:
    said = equipment_spec(spec(model), question, Preferences())
    assert said.startswith(first)
    assert said.count(".") <= 3 and said.endswith("?")  # one sentence, then the offer of the rest


def test_brief_keeps_only_the_figure_and_metric_converts_it() -> None:
    said = equipment_spec(spec("48TCDA12"), "how heavy", Preferences(units="metric", verbosity="brief"))
    assert said == "The 48TCDA12's weight is 440 kg, per the Carrier 48TCD specifications."


def test_a_topic_without_one_figure_gets_the_topic_and_no_figure_an_overview() -> None:
    amps = equipment_spec(spec("50TCQA06"), "what's the amp draw", Preferences())
    assert amps.startswith("Carrier 50TCQA06 electrical data (208/230 V, 3 phase)") and "MCA 26.7 A" in amps
    overview = equipment_spec(spec("NFS2-3030"), None, Preferences())
    assert overview.startswith("The Notifier NFS2-3030 is ") and "VDC V" not in overview


def test_the_asked_figure_is_spoken_in_words() -> None:
    said = equipment_spec(spec("48TCDA12"), "max fuse size", Preferences(verbosity="brief"))
    assert spoken(said) == ("The four eight T C D A one two's maximum fuse or breaker size (maximum overcurrent "
                            "protection) is 60 amps, per the Carrier four eight T C D specifications.")


@pytest.mark.parametrize(("model", "question", "figure"), [
    # the unit a gauge or a tape reads, named in the question: for that answer only
    ("AEF1000-125", "whats the rated pressure of the AEF1000-125 in bar", "8.6 bar"),
    ("AEF1000-125", "and the churn pressure in bar", "10 bar"),
    ("AEF1000-125", "churn pressure in metric", "999.7 kPa"),
    ("48TCDA12", "and the length of the unit in metres", "m,"),
    # both systems asked in one breath ("for the crane form"): both given
    ("50TCQA08", "and the weight in pounds and in kilos", "880 lb (399.2 kg)"),
    ("50TCQA08", "weight in kilos and pounds", "880 lb (399.2 kg)"),
])
def test_a_figure_is_given_in_the_units_the_question_names(model: str, question: str, figure: str) -> None:
    said = equipment_spec(spec(model), question, Preferences(), answer_in(question, Preferences()))
    assert figure in said


def test_how_long_is_a_unit_asks_its_length_and_the_dimensions_follow_a_unit() -> None:
    """"how long is the unit" is a unit's length (the one measured, not a duration), and "and the length" or "how
    tall is it" after a spec answer ask the discussed unit's dimensions, not the documents."""
    assert length_said("and how long is the unit in metres") == "and the length of the unit in metres"
    assert length_said("how long is it booked") == "how long is it booked"
    for said in ("and how long is the unit in metres", "how tall is it", "and the length", "and the width"):
        assert route(said, {"equipment_spec", "knowledge_search", "set_preferences"}, []) == \
            Route("equipment_spec", {"question": length_said(said)})
    assert route("whats the height of the strobe", {"equipment_spec", "knowledge_search"}, []) is None
