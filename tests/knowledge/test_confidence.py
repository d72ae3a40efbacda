"""How sure search says a passage is, and how sure the keyless reply then sounds: confident, unsure or nothing."""

from __future__ import annotations

from clara.agent import knowledge_said
from clara.knowledge.confidence import (confidence, said_confidence, unheard, unheld, untold,
                                        written_identifiers)
from clara.knowledge.models import SearchHit
from clara.stores.lexical import ChunkTerms, Matrix
from clara.users.service import Preferences

CLEAR = {"dense": 0.7, "lexical": 0.8, "span_kind": 1.0}  # close in meaning, the rare words, the kind asked


def test_confidence_falls_with_the_distance_behind_the_best() -> None:
    """The runner-up of a clear race reads less sure than the winner, and the further behind, the less sure."""
    behind = [confidence(s, 3.0, 1.0, CLEAR) for s in (3.0, 1.0, -2.0)]
    assert behind == sorted(behind, reverse=True) and behind[-1] < 0.05 < behind[0] <= 1.0


def test_a_winner_by_a_wide_margin_is_surer_than_the_winner_of_a_tie() -> None:
    assert confidence(-1.0, -1.0, -4.0, CLEAR) > confidence(-1.0, -1.0, -1.05, CLEAR)


def test_a_passage_that_never_writes_the_model_asked_is_less_sure() -> None:
    """Asked for the Halvard HX-90's figure, a passage of the HX-60's manual may score well on every other word; that
    it never writes "HX-90" says it answers another unit."""
    asked = "what's the breaker size on a Halvard HX-90 condenser"
    assert written_identifiers(asked) == ["HX90"]
    other = {"title": "Halvard HX-60 condenser installation guide", "heading": "Electrical", "section": "4.2",
             "text": "Maximum breaker 25 A."}
    same = {**other, "title": "Halvard HX-60 and HX 90 condensers installation guide"}  # written apart: still it
    assert unheld(asked, other) == 1.0 and unheld(asked, same) == 0.0
    assert confidence(-1.0, -1.0, -2.0, {**CLEAR, "unheld": 1.0}) < confidence(-1.0, -1.0, -2.0, {**CLEAR, "unheld": 0.0})


def test_figures_and_plain_words_are_no_identifiers() -> None:
    """ "at 170 degrees" asks an amount, not a model; "R-410A" and "F-40" name a refrigerant and a parameter."""
    assert written_identifiers("R-410A psig at 170 degrees") == ["R410A"]
    assert written_identifiers("what does parameter F-40 do on the NRC-340") == ["F40", "NRC340"]
    assert written_identifiers("how often do we test the fire pump") == []


def test_words_no_document_holds_make_the_question_unheard_of() -> None:
    matrix = Matrix.build([ChunkTerms(1, 1, "uploads", None, {"pump": 1.0, "churn": 1.0}, frozenset()),
                           ChunkTerms(2, 2, "uploads", None, {"pump": 1.0, "valv": 1.0}, frozenset())])
    assert unheard(matrix, ["pump", "churn"]) == 0.0
    assert unheard(matrix, ["gate", "code", "pump"]) == 2 / 3
    assert confidence(-1.0, -1.0, -2.0, {**CLEAR, "unheard": 0.7}) < confidence(-1.0, -1.0, -2.0, CLEAR)


def _passage(sure: float) -> SearchHit:
    answer = "The low oil pressure switch opens at 9 psi net and locks the compressor out."
    return SearchHit(id=3, title="Ostrava RC-20 chiller service guide", source="uploads", section="5.4 Safeties",
                     text=answer, score=2.0, document_id=4, standard=None, edition=None, answer=answer, page=12,
                     confidence=sure)


def test_a_confident_passage_is_said_as_the_answer() -> None:
    said = knowledge_said.knowledge([_passage(0.9)], Preferences(), query="oil pressure cut out on the RC-20")
    assert said.startswith("Per Ostrava RC-20 chiller service guide, section 5.4 Safeties, page 12: The low oil")


def test_an_unsure_passage_is_said_as_the_closest_found_with_its_fact_and_source() -> None:
    """A right passage the ranking is unsure of still answers: the technician hears the fact and where it is,
    and that it may not be what they asked."""
    said = knowledge_said.knowledge([_passage(0.15)], Preferences(), query="oil pressure cut out on the RC-20")
    assert said.startswith(knowledge_said.UNSURE)
    assert "Ostrava RC-20 chiller service guide, section 5.4 Safeties" in said and "9 psi net" in said
    assert knowledge_said.knowledge([_passage(knowledge_said.UNSURE_BELOW)], Preferences()).startswith("Per ")


def test_with_nothing_confident_clara_says_she_does_not_know_what_she_searched_and_the_closest() -> None:
    said = knowledge_said.knowledge([_passage(0.05)], Preferences(), query="what's the gate code at the plant")
    assert said.startswith("I don't know.") and '"what\'s the gate code at the plant"' in said
    assert "9 psi" not in said  # not read out as if it answered
    assert said.endswith("The closest was Ostrava RC-20 chiller service guide, section 5.4 Safeties, page 12.")


def test_the_right_products_passage_silent_on_what_was_asked_is_said_as_the_closest_not_as_the_answer() -> None:
    """The RC-20 guide is the right document for both questions, and search is as sure of the passage for each; but
    the sentence said gives the oil pressure cut-out, not the oil's pH or viscosity: said as the answer to the one,
    only as the closest found for the other, and with nothing it could be sure of, not at all."""
    told = knowledge_said.knowledge([_passage(0.55)], Preferences(), query="oil pressure cut out on the RC-20")
    silent = knowledge_said.knowledge([_passage(0.55)], Preferences(),
                                      query="what's the pH and viscosity of the RC-20 oil")
    assert told.startswith("Per Ostrava RC-20") and "9 psi net" in told
    assert silent.startswith(knowledge_said.UNSURE) and "9 psi net" in silent
    assert knowledge_said.knowledge([_passage(0.08)], Preferences(), query="the pH and viscosity of the RC-20 oil") \
        .startswith("I don't know.")
    assert knowledge_said.knowledge([_passage(0.08)], Preferences(), query="oil pressure cut out on the RC-20") \
        .startswith(knowledge_said.UNSURE)


def test_what_is_said_tells_the_question_by_its_own_words_not_its_products_name() -> None:
    """The document's title names the product; the words left are what is asked, and are told when said."""
    title = "Ostrava RC-20 chiller service guide"
    said = "5.4 Safeties The low oil pressure switch opens at 9 psi net."
    assert untold("Ostrava RC-20 oil pressure switch setting", title, said) == 1 / 4  # "setting" is not said
    assert untold("what's the pH of the RC-20 chiller", title, said) == 1.0
    assert untold("what's the RC-20 chiller", title, said) == 0.0  # nothing asked beyond the product
    assert said_confidence(0.6, 1.0) < said_confidence(0.6, 0.0) < said_confidence(0.9, 0.0)
