"""The unit a kind names at a site (clara.jobs.units): the one rule the agent's and the MCP server's
`equipment_spec` share, so both ask the same question when two units fit and refuse the same way when none does."""

from __future__ import annotations

from datetime import date

import pytest

from clara.jobs.models import Equipment
from clara.jobs.resolution import Place
from clara.jobs.unit_match import UnitMatch
from clara.jobs.units import AmbiguousUnit, UnitAtSite, names_a_kind
from clara.web.errors import ApiError

CHASE = Place(site_id=7, name="Chase Center", customer_id=3, customer="Warriors", point=(37.768, -122.3877))


def unit(id: int, model: str, location: str | None) -> Equipment:
    return Equipment(id=id, type="rooftop unit", manufacturer="Carrier", model=model, serial=None, location=location,
                     install_date=None, last_inspected=None, inspection_interval_days=180, nfpa_standard=None,
                     next_inspection_due=date(2026, 12, 1), overdue=False)


@pytest.mark.parametrize("words, is_kind", [
    ("the rooftop unit", True), ("the RTU", True), ("fire pump", True),
    ("50TCQA06", False), ("Carrier 50 TCQ A06", False),
    ("five zero T C Q A zero six", False),  # spoken digits are a model's, not a kind's
])
def test_a_phrase_names_a_kind_unless_it_has_a_digit_once_spoken_numbers_are_written(words: str, is_kind: bool) -> None:
    assert names_a_kind(words) is is_kind


def test_one_unit_of_the_kind_is_the_answer() -> None:
    only = unit(1, "50TCQA06", "Roof")
    assert UnitAtSite(CHASE, "the rooftop unit", UnitMatch(only, [])).unit() == only


def test_two_units_of_the_kind_ask_which_naming_each_by_model_and_place() -> None:
    choices = [unit(1, "50TCQA06", "Roof"), unit(2, "48TCDA08", None)]
    with pytest.raises(AmbiguousUnit) as which:
        UnitAtSite(CHASE, "the rooftop unit", UnitMatch(None, choices)).unit()
    assert (which.value.status, which.value.code, which.value.field) == (409, "ambiguous_equipment", "model")
    assert which.value.message == "Which one do you mean: the Carrier 50TCQA06 in the Roof or the Carrier 48TCDA08?"
    assert which.value.choices == choices


def test_no_unit_of_the_kind_is_a_404_naming_the_kind_and_the_site() -> None:
    with pytest.raises(ApiError) as missing:
        UnitAtSite(CHASE, "the fire pump", UnitMatch(None, [])).unit()
    assert (missing.value.status, missing.value.field) == (404, "model")
    assert missing.value.message == "there is no fire pump at Chase Center"
