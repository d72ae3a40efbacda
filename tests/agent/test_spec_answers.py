"""Spec answers say the asked figure first, in one sentence, then offer the rest; topics and overviews otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from clara.agent.spec_answers import equipment_spec
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
