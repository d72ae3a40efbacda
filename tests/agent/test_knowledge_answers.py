"""What Clara says from search hits when the ranking cannot tell the best two apart: both, each with its source."""

from __future__ import annotations

from clara.agent import answers
from clara.knowledge.models import SearchHit
from clara.users.service import Preferences


def _hit(hit_id: int, section: str, answer: str, confidence: float) -> SearchHit:
    return SearchHit(id=hit_id, title="Marlow MJ-20 jockey pump controller manual", source="uploads", section=section,
                     text=answer, score=confidence, document_id=7, standard=None, edition=None, answer=answer,
                     confidence=confidence)


CUT_OUT = _hit(1, "3.2 Pressure settings", "Cut-out is factory set to 135 psi.", 0.40)
CUT_IN = _hit(2, "3.3 Start pressure", "Cut-in is factory set to 115 psi.", 0.30)
FAR_BEHIND = _hit(3, "6 Parts", "The pressure switch is part MJ-PS1.", 0.05)


def test_a_close_runner_up_is_said_too_with_its_own_section() -> None:
    said = answers.knowledge([CUT_OUT, CUT_IN, FAR_BEHIND], Preferences())
    assert said.startswith("Per Marlow MJ-20 jockey pump controller manual, section 3.2 Pressure settings: Cut-out is")
    assert "section 3.3 Start pressure: Cut-in is factory set to 115 psi." in said
    assert "MJ-PS1" not in said


def test_a_runner_up_far_behind_is_not_said() -> None:
    said = answers.knowledge([CUT_OUT, FAR_BEHIND], Preferences())
    assert "135 psi" in said and "MJ-PS1" not in said and "3.3" not in said


def test_a_technician_who_wants_brief_answers_hears_only_the_best() -> None:
    said = answers.knowledge([CUT_OUT, CUT_IN], Preferences(verbosity="brief"))
    assert "135 psi" in said and "115 psi" not in said
