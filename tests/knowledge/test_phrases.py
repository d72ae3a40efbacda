"""The second stage reads a question's compound nouns as phrases: "alarm valve" said side by side in a passage or its
heading, not "alarm" and "valve" anywhere in it."""

from __future__ import annotations

from typing import Any

from clara.knowledge.question import Query
from clara.knowledge.ranking import Candidate, lexeme_pattern, measure, phrase_share, question_pairs, rank, with_kind
from clara.knowledge.search import BIAS, WEIGHTS
from clara.stores.lexical import ChunkTerms, Matrix

GUIDE_QUESTION = "What does NFPA 25 say about quarterly alarm valve inspections?"
_LEXEMES = ["25", "alarm", "inspect", "nfpa", "quarter", "say", "valv"]  # PostgreSQL's English analysis of it
_IDF = {"25": 1.0, "alarm": 2.0, "inspect": 1.5, "nfpa": 1.0, "quarter": 2.0, "say": 1.0, "valv": 1.5}
_MATRIX = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])


def test_the_questions_pairs_are_its_content_words_said_side_by_side() -> None:
    pairs = question_pairs(lexeme_pattern(_LEXEMES), GUIDE_QUESTION, _IDF)
    assert {("alarm", "valv"), ("valv", "inspect"), ("quarter", "alarm"), ("nfpa", "25")} <= set(pairs)
    assert ("alarm", "inspect") not in pairs and ("say", "quarter") not in pairs  # a word ("about") between them
    assert pairs[("alarm", "valv")] == _IDF["alarm"] + _IDF["valv"]  # a pair of rare words weighs more


def test_a_phrase_said_in_order_counts_and_its_words_scattered_do_not() -> None:
    pattern = lexeme_pattern(_LEXEMES)
    pairs = {("alarm", "valv"): 1.0, ("valv", "inspect"): 1.0}
    assert phrase_share(pairs, pattern, "Alarm valves are inspected monthly.") == 0.5
    assert phrase_share(pairs, pattern, "Alarm-valve inspections, monthly.") == 1.0
    assert phrase_share(pairs, pattern, "The fire alarm system supervises each valve.") == 0.0  # scattered
    assert phrase_share(pairs, pattern, "Valve alarm contacts.") == 0.0  # the other order
    assert phrase_share(pairs, pattern, "Sound the alarm. Valves are opened.") == 0.0  # across a sentence
    assert phrase_share(pairs, pattern, "Sound the alarm\nValve positions") == 0.0  # across a line or heading
    assert phrase_share({}, pattern, "alarm valve") == 0.0


def _candidate(query: Query, chunk_id: int, heading: str, text: str) -> Candidate:
    """A passage measured alike on the dense and BM25 sides, so only how its words are said can order it."""
    row: dict[str, Any] = {"id": chunk_id, "document_id": 1, "text": text, "heading": heading,
                           "span_vectors": None, "spans": [], "section": heading, "page": None,
                           "keys": [], "identifiers": [], "standard_key": None}
    pattern = lexeme_pattern(query.lexemes)
    idf = {t: _IDF[t] for t in query.lexemes}
    return measure(query, _MATRIX, row, bm25=3.0, dense=0.5, idf=idf, total_idf=sum(idf.values()),
                   pattern=pattern, products=set(), best_key=None, asked=None,
                   pairs=question_pairs(pattern, query.text, idf))


def test_of_two_passages_with_the_same_words_the_one_saying_the_compound_noun_ranks_first() -> None:
    """Both passages hold "alarm", "valve" and "inspect"; one is about the alarm valve, the other about a valve and
    the fire alarm bell."""
    text = "how often is the alarm valve inspected"
    query = Query(text, ["alarm", "inspect", "valv"], set(), set(), None, frozenset(text.split()))
    scattered = _candidate(query, 1, "Riser room checks > Check 1",
                           "Inspect the valve trim and the fire alarm bell monthly.")
    phrased = _candidate(query, 2, "Riser room checks > Check 2",
                         "Inspect the alarm valve trim and the fire bell monthly.")
    assert phrased.features["phrase"] > scattered.features["phrase"] == 0.0
    assert [int(c.row["id"]) for c in rank(with_kind(query, [scattered, phrased]), WEIGHTS, BIAS)] == [2, 1]
