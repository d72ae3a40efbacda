"""What Clara says from search hits when the ranking cannot tell the best two apart: both, each with its source."""

from __future__ import annotations

import math

from clara.agent import knowledge_said
from clara.knowledge.models import SearchHit
from clara.users.service import Preferences


def _score(likelihood: float) -> float:
    """The ranker's score whose own probability is `likelihood` (what the runner-up rule compares)."""
    return math.log(likelihood / (1 - likelihood))


SURE = 0.9  # the calibrated confidence of a first hit said as the answer (how sure the reply sounds: test_search.py)


def _hit(hit_id: int, section: str, answer: str, likely: float) -> SearchHit:
    return SearchHit(id=hit_id, title="Marlow MJ-20 jockey pump controller manual", source="uploads", section=section,
                     text=answer, score=_score(likely), document_id=7, standard=None, edition=None, answer=answer,
                     confidence=SURE)


CUT_OUT = _hit(1, "3.2 Pressure settings", "Cut-out is factory set to 135 psi.", 0.40)
CUT_IN = _hit(2, "3.3 Start pressure", "Cut-in is factory set to 115 psi.", 0.30)
FAR_BEHIND = _hit(3, "6 Parts", "The pressure switch is part MJ-PS1.", 0.05)


def test_a_close_runner_up_is_said_too_with_its_own_section() -> None:
    said = knowledge_said.knowledge([CUT_OUT, CUT_IN, FAR_BEHIND], Preferences())
    assert said.startswith("Per Marlow MJ-20 jockey pump controller manual, section 3.2 Pressure settings: Cut-out is")
    assert "section 3.3 Start pressure: Cut-in is factory set to 115 psi." in said
    assert "MJ-PS1" not in said


def test_a_runner_up_far_behind_is_not_said() -> None:
    said = knowledge_said.knowledge([CUT_OUT, FAR_BEHIND], Preferences())
    assert "135 psi" in said and "MJ-PS1" not in said and "3.3" not in said


def test_a_technician_who_wants_brief_answers_hears_only_the_best() -> None:
    said = knowledge_said.knowledge([CUT_OUT, CUT_IN], Preferences(verbosity="brief"))
    assert "135 psi" in said and "115 psi" not in said


def _row(hit_id: int, row: str, likely: float) -> SearchHit:
    table = "4 Troubleshooting\nLED | Meaning | Action\n" + row + "\nAC LED off | Loss of primary power | Check the breaker"
    return SearchHit(id=hit_id, title="Brixton PS-8 booster manual", source="uploads", section="4 Troubleshooting",
                     text=table, score=_score(likely), document_id=8, standard=None, edition=None, answer=row,
                     page=2, confidence=SURE)


def test_a_table_row_is_said_with_its_column_names_and_ends_its_sentence() -> None:
    """ "Trouble LED flashing | Ground fault | Isolate circuits" read aloud says nothing of which cell means what,
    and ran straight into the runner-up's "It may also be"."""
    flashing = _row(1, "Trouble LED flashing | Ground fault on field wiring | Isolate circuits one at a time", 0.4)
    steady = _row(2, "Trouble LED steady | Battery below 20.4 V | Replace the batteries", 0.3)
    said = knowledge_said.knowledge([flashing, steady], Preferences())
    assert ("Per Brixton PS-8 booster manual, section 4 Troubleshooting, page 2: Trouble LED flashing: Meaning Ground "
            "fault on field wiring; Action Isolate circuits one at a time. It may also be") in said
    assert "|" not in said and said.endswith("Action Replace the batteries.")


def test_a_runner_up_from_the_same_manual_is_cited_by_its_section_alone() -> None:
    said = knowledge_said.knowledge([CUT_OUT, CUT_IN], Preferences())
    assert said.count("Marlow MJ-20 jockey pump controller manual") == 1
    assert "It may also be section 3.3 Start pressure: Cut-in is factory set to 115 psi." in said


def test_an_answer_spanning_two_lines_of_the_passage_is_said_as_one_sentence_run() -> None:
    """A list's lead-in and its item are two lines of a passage; said aloud (or shown in chat) they are one run, and
    the item, said alone, ends as a sentence rather than on the list's "; and"."""
    lead_and_item = _hit(4, "5 Heat detection", "Each heat detector shall:\n- Respond within 30 seconds; and", 0.6)
    said = knowledge_said.knowledge([lead_and_item], Preferences())
    assert said.endswith("section 5 Heat detection: Each heat detector shall: - Respond within 30 seconds."), said


def test_a_dotted_leader_is_read_as_a_label_and_its_value() -> None:
    leader = _hit(5, "2 Settings", "Lead off delay ..........\n90 seconds", 0.6)
    said = knowledge_said.knowledge([leader], Preferences())
    assert said.endswith("section 2 Settings: Lead off delay: 90 seconds."), said


def test_a_lower_passage_giving_the_asked_figure_is_said_when_the_best_gives_none() -> None:
    """ "how fast" asks for a time: the best passage says how often to test, the third how fast it must trip. The
    ranking's choice is still said first."""
    often = _hit(11, "Dry pipe valve accelerator", "Test the accelerator quarterly and drain any water from it.", 0.6)
    parts = _hit(12, "Table 5 Parts", "The accelerator rebuild kit is part MJ-AK2.", 0.2)
    fast = _hit(13, "6.4 Accelerator test", "Opening the test valve, the accelerator must trip within 15 seconds.", 0.1)
    said = knowledge_said.knowledge([often, parts, fast], Preferences(), query="how fast should the accelerator trip")
    assert said.startswith("Per Marlow MJ-20 jockey pump controller manual, section Dry pipe valve accelerator"), said
    assert "15 seconds" in said and "MJ-AK2" not in said, said


def test_no_lower_passage_is_said_when_the_best_gives_what_is_asked() -> None:
    fast = _hit(13, "6.4 Accelerator test", "Opening the test valve, the accelerator must trip within 15 seconds.", 0.6)
    slow = _hit(14, "6.5 Trip test", "The dry valve must trip within 60 seconds of opening the test valve.", 0.1)
    said = knowledge_said.knowledge([fast, slow], Preferences(), query="how fast should the accelerator trip")
    assert "15 seconds" in said and "60 seconds" not in said, said
