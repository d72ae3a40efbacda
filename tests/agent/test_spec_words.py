"""A gas-fired unit's heating input asked in a gas tech's words ("burner input", "how many MBH", "firing rate"):
the figure asked comes first, not the unit's overview."""

from __future__ import annotations

from pathlib import Path

import pytest

from clara.agent.spec_answers import equipment_spec
from clara.knowledge.specs import parse_spec_file
from clara.users.service import Preferences

SPECS = Path(__file__).resolve().parents[2] / "data" / "specifications"


@pytest.mark.parametrize("question", ["what's the burner input on it", "how many mbh is that", "firing rate?",
                                      "gas input", "and the heating capacity"])
def test_the_heating_input_asked_in_trade_words_comes_first(question: str) -> None:
    unit = next(found for found in parse_spec_file((SPECS / "trane-voyager-ysc.json").read_bytes())
                if found.model == "YSC048")
    said = equipment_spec(unit, question, Preferences())
    assert said.startswith("The YSC048's heating input is 80,000 BTU/h"), said  # the figure first, with its unit
    # "heating capacity" on a sheet giving only the input: the input, named so, never the cooling tons
    assert "ton" not in said.split(".")[0], said
