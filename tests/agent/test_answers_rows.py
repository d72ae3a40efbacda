"""What Clara says when the question names a table row by its key (a blink count, a fault code) and the best
passage is the text around the table rather than the row."""

from __future__ import annotations

import math

from clara.agent import knowledge_said
from clara.knowledge.models import SearchHit
from clara.users.service import Preferences


def _score(likelihood: float) -> float:
    """The ranker's score whose own probability is `likelihood` (what the runner-up rule compares)."""
    return math.log(likelihood / (1 - likelihood))


SURE = 0.9  # the calibrated confidence of a first hit said as the answer (how sure the reply sounds: test_search.py)

TITLE = "Korrin KMS ductless mini-split manual"


def _hit(hit_id: int, answer: str, likely: float, *, text: str | None = None) -> SearchHit:
    return SearchHit(id=hit_id, title=TITLE, source="uploads", section="Indoor unit blink codes", text=text or answer,
                     score=_score(likely), document_id=9, standard=None, edition=None, answer=answer,
                     confidence=SURE)


INTRO = _hit(1, "When a fault is detected, the RUN lamp blinks a number of times, pauses for 3 seconds, and repeats.",
             0.74)
HEADER = "Blinks | Fault | First check"
ROW_10 = _hit(2, "10 | Refrigerant leak detected | Leak test", 0.38, text=f"{HEADER}\n10 | Refrigerant leak detected | "
                                                                           "Leak test")
ROW_5 = _hit(3, "5 | Outdoor coil temperature sensor open or shorted | Sensor plug T3", 0.25,
             text=f"{HEADER}\n5 | Outdoor coil temperature sensor open or shorted | Sensor plug T3")


def test_a_row_the_question_names_is_said_though_a_closer_passage_ranks_above_it() -> None:
    for question in ("korrin indoor light blinking 5 times", "korrin head flashing five times"):
        said = knowledge_said.knowledge([INTRO, ROW_10, ROW_5], Preferences(), query=question)
        assert "Outdoor coil temperature sensor" in said, said
        assert "Refrigerant leak" not in said, said


def test_a_code_said_in_two_words_names_its_row() -> None:
    code = _hit(3, "T27 | DETECTOR DIRTY | Clean the detector", 0.1)
    said = knowledge_said.knowledge([INTRO, code], Preferences(), query="what does t 27 mean on the panel")
    assert "DETECTOR DIRTY" in said, said


def test_no_row_is_named_when_the_question_says_no_key() -> None:
    said = knowledge_said.knowledge([INTRO, ROW_10, ROW_5], Preferences(), query="korrin indoor light keeps blinking")
    assert "Outdoor coil" not in said, said


def test_a_best_answer_from_a_table_is_not_displaced_by_a_row_naming_the_model_asked_about() -> None:
    breaker = _hit(1, "MOCP (max fuse or breaker) | 15 A | 20 A | 30 A", 0.26)
    line_set = _hit(2, "SDH-24 | 3/8 in. / 5/8 in. | 100 ft", 0.07)
    said = knowledge_said.knowledge([breaker, line_set], Preferences(), query="breaker size for the SDH-24")
    assert "30 A" in said and "100 ft" not in said, said


def test_a_close_passage_of_prose_stays_the_runner_up_over_a_named_row() -> None:
    close = _hit(4, "Blink codes repeat until the fault clears; the outdoor board LED shows the same code.", 0.6)
    said = knowledge_said.knowledge([INTRO, close, ROW_5], Preferences(), query="korrin indoor light blinking 5 times")
    assert "outdoor board LED" in said and "Outdoor coil" not in said, said


def test_an_answer_of_two_rows_reads_each_with_the_column_names() -> None:
    header = "Setting | Factory | Range"
    two = _hit(5, "Cut-in | 115 psi | 80 to 150 psi\nCut-out | 135 psi | 100 to 175 psi", 0.7,
               text=f"{header}\nCut-in | 115 psi | 80 to 150 psi\nCut-out | 135 psi | 100 to 175 psi")
    said = knowledge_said.knowledge([two], Preferences(), query="cut in and cut out on the KX-400")
    assert "Cut-in: Factory 115 psi; Range 80 to 150 psi. Cut-out: Factory 135 psi; Range 100 to 175 psi." in said, said
