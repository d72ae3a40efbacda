"""Which sentence of a passage holds the question's words: read through the stems PostgreSQL's English stemmer
writes, which are not always a prefix of the word ("supply" is "suppli", "wiring" is "wire")."""

from __future__ import annotations

from clara.knowledge.ranking import lexeme_pattern, span_coverage

_TEXT = "Check the supply. Check the safety relief. Check the wiring. Check visibility. Check nothing."
_SPANS = [(0, 17, None, None), (18, 42, None, None), (43, 61, None, None), (62, 79, None, None),
          (80, len(_TEXT), None, None)]


def test_a_sentence_holds_a_stem_its_word_does_not_start_with() -> None:
    """ "supply", "safety" -> "suppli", "safeti"; "wiring" -> "wire"; "visibility" -> "visibl": a sentence saying
    "supply" held none of the question's "suppli", so another sentence sharing fewer of its words was said."""
    idf = {"suppli": 1.0, "safeti": 1.0, "wire": 1.0, "visibl": 1.0}
    assert span_coverage(lexeme_pattern(list(idf)), _TEXT, _SPANS, idf, 4.0) == [0.25, 0.25, 0.25, 0.25, 0.0]


def test_a_stem_still_matches_its_other_inflections_and_a_number_stays_whole() -> None:
    idf = {"suppli": 1.0, "wire": 1.0, "4": 1.0}
    text = "Supplies are wired. A 40 lb cylinder. A 4 in. pipe."
    spans = [(0, 19, None, None), (20, 37, None, None), (38, len(text), None, None)]
    assert span_coverage(lexeme_pattern(list(idf)), text, spans, idf, 3.0) == [2 / 3, 0.0, 1 / 3]
