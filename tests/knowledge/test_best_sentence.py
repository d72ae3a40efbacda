"""Which sentence of a passage it is judged by: its best scored one for the words, and for the kind of answer any
scoring close to that best (`KIND_MARGIN`), as the search's ranking reads them (made faster, these must not move)."""

from __future__ import annotations

from typing import Any

from clara.knowledge.identifiers import query_identifiers
from clara.knowledge.question import Query, said_codes
from clara.knowledge.ranking import Candidate, lexeme_pattern, measure, rank, with_kind
from clara.knowledge.search import BIAS, WEIGHTS
from clara.stores.lexical import ChunkTerms, Matrix

_MATRIX = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])


def _query(text: str, lexemes: list[str]) -> Query:
    return Query(text, lexemes, set(query_identifiers(text)), set(), None, frozenset(text.lower().split()),
                 said_codes(text))


def _passage(query: Query, chunk_id: int, lines: list[str], idf: dict[str, float], lead: int = 0,
             bm25: float = 3.0, identifiers: tuple[str, ...] = ()) -> Candidate:
    """One document's passage, each line a span but the `lead` (read with every span), alike on both sides."""
    text = "\n".join(lines)
    spans, offset = [], 0
    for number, line in enumerate(lines):
        if number >= lead:
            spans.append((offset, offset + len(line), "Tests", 2))
        offset += len(line) + 1
    row: dict[str, Any] = {"id": chunk_id, "document_id": 1, "text": text, "span_vectors": None, "spans": spans,
                           "section": "Tests", "page": 2, "keys": [], "identifiers": list(identifiers), "standard_key": None}
    return measure(query, _MATRIX, row, bm25=bm25, dense=0.5, idf=idf, total_idf=sum(idf.values()),
                   pattern=lexeme_pattern(list(idf)), products=set(), best_key=None, asked=None)


def _ranked(query: Query, found: list[Candidate]) -> list[int]:
    return [int(c.row["id"]) for c in rank(with_kind(query, found), WEIGHTS, BIAS)]


def test_the_passage_saying_the_answer_in_one_sentence_beats_one_scattering_the_words() -> None:
    """ "what pressure does the pump churn at": a passage whose one sentence says all three words, beside a sentence
    about nothing asked, over a passage saying each word in a sentence of its own. A passage is read by its best
    sentence, not by its worst."""
    query = _query("what pressure does the pump churn at", ["pressur", "pump", "churn"])
    idf = {"pressur": 1.0, "pump": 1.0, "churn": 1.0}
    scattered = _passage(query, 1, ["Churn means no flow.", "The pump is electric.", "Pressure is read in psi."], idf)
    said = _passage(query, 2, ["At churn the pump holds a pressure of 150 psi.", "Paint the cabinet red."], idf)
    assert said.features["span_lexical"] == 1.0
    assert _ranked(query, [scattered, said]) == [2, 1]


def test_the_row_asked_counts_though_a_neighbour_row_scores_a_little_better() -> None:
    """ "R-134a psig at 100 F": the chart's "95" row holds one more of the question's words (a note) and scores a
    little over the "100" row asked; that row is within the margin, so the chart still names the row asked and
    comes before a properties table naming R-134a in its one row."""
    query = _query("R-134a psig at 100 F on the PT chart, saturation", ["r-134a", "psig", "100", "chart", "satur"])
    idf = {"psig": 1.0, "chart": 1.0, "satur": 0.2}
    chart = _passage(query, 1, ["Pressure chart, psig", "Temp F | R-22 | R-134a | R-410A",
                                "95 | 181.7 | 113.8 | 295.1 saturated", "100 | 195.9 | 124.1 | 317.2"], idf, lead=2, bm25=3.3,
                     identifiers=("R134A",))
    properties = _passage(query, 2, ["Refrigerant data chart", "Refrigerant | Safety group | Oil | psig rating",
                                     "R-134a | A1 | POE | 200"], idf, lead=2,
                          identifiers=("R134A",))
    assert max(chart.span_scores) - chart.span_scores[1] < 0.5  # the row asked is close to the best, not the best
    assert chart.span_scores[0] > chart.span_scores[1]
    assert _ranked(query, [properties, chart]) == [1, 2]
