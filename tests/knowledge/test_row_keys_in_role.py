"""A number the question says names a table row keyed by that number alone only when it is said as the key: "three
flashes" is the flash table's row 3, but "fails to light three times" counts tries, and is answered by the row that
states three tries, not by row 3 of the same table."""

from __future__ import annotations

from clara.knowledge import figures_said, spans
from clara.knowledge.glossary import trade_terms

ROWS = ["1 | Lockout after 3 failed ignition trials | Check gas supply and igniter",
        "2 | Pressure switch closed with the venter off | Replace the switch",
        "3 | Pressure switch did not close | Blocked vent or loose venter wheel",
        "4 | Limit switch open | Check the fan motor"]


def _said(question: str, scores: list[float]) -> str:
    """What is said from a passage of ROWS (a table, each row a line) that the search scored `scores`."""
    text, places, offset = "", [], 0
    for row in ROWS:
        if text:
            text += "\n"
            offset += 1
        places.append((offset, offset + len(row), "Table 2", None))
        text += row
        offset += len(row)
    preferred = [s + p for s, p in zip(scores, spans.kind_preferences(question, ROWS))]
    return spans.answer(text, places, spans.best(preferred, [0] * len(ROWS)), preferred, question)


def test_a_count_of_tries_names_no_row_keyed_by_that_count() -> None:
    said = _said("what happens if it fails to light three times", [2.0, 1.9, 2.0, 1.8])
    assert said.startswith("1 | Lockout after 3 failed"), said
    assert not figures_said.names_row("what happens if it fails to light three times", ROWS[2])


def test_a_number_said_as_the_key_still_names_its_row() -> None:
    said = _said("three flashes on the heater board", [2.0, 1.9, 1.7, 1.8])
    assert said.startswith("3 | Pressure switch did not close"), said
    for question in ("blinking three times", "code 3", "what does 3 mean", "fault three"):
        assert figures_said.names_row(question, ROWS[2]), question
    assert figures_said.names_row("e three on the display", "E3 | Flame loss | Check the sensor")  # a code: as said
    assert figures_said.names_row("4 inch main", "4 in. | 1 | 2")  # a key with its unit is named as said


def test_failing_to_light_in_any_wording_asks_for_ignition_trials() -> None:
    assert {"ignition", "trials", "lockout"} <= set(trade_terms("it tried to light three times and quit"))
    assert "ignition" in trade_terms("what happens if it fails to light")
    assert "ignition" in trade_terms("the burner didn't light")
