"""A parts list or spec sheet opens with a scope sentence naming its brand and every model it covers; its rows pair one
model with one part and never repeat the brand. The row answers "<brand> <model> <part> part number", not the
scope sentence."""

from __future__ import annotations

from typing import Any

from clara.knowledge.identifiers import query_identifiers
from clara.knowledge.question import Query, said_codes
from clara.knowledge.ranking import Candidate, lexeme_pattern, measure, rank, span_coverage, with_kind
from clara.knowledge.search import BIAS, WEIGHTS
from clara.stores.lexical import ChunkTerms, Matrix

_MATRIX = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])
_TITLE = "Quillon QF Series Furnaces - Blower and Ignition Parts"


def _passage(query: Query, chunk_id: int, lines: list[str], idf: dict[str, float], *, lead: int = 0,
             products: frozenset[str] = frozenset()) -> Candidate:
    """A passage of the parts list, each line a span but the `lead` (a table's caption and header)."""
    text = "\n".join(lines)
    spans, offset = [], 0
    for number, line in enumerate(lines):
        if number >= lead:
            spans.append((offset, offset + len(line), "Parts", 1))
        offset += len(line) + 1
    row: dict[str, Any] = {"id": chunk_id, "document_id": 1, "title": _TITLE, "text": text, "span_vectors": None,
                           "spans": spans, "section": "Parts", "page": 1, "keys": [], "standard_key": None,
                           "identifiers": sorted({i for line in lines for i in query_identifiers(line)})}
    return measure(query, _MATRIX, row, bm25=3.0, dense=0.5, idf=idf, total_idf=sum(idf.values()),
                   pattern=lexeme_pattern(list(idf)), products=set(products), best_key=None, asked=None)


def _query(text: str, lexemes: list[str]) -> Query:
    return Query(text, lexemes, set(query_identifiers(text)), set(), None, frozenset(text.lower().split()),
                 said_codes(text))


def _ranked(query: Query, found: list[Candidate]) -> list[int]:
    return [int(c.row["id"]) for c in rank(with_kind(query, found), WEIGHTS, BIAS)]


def test_a_brand_the_title_carries_counts_as_held_by_every_sentence() -> None:
    idf = {"quillon": 3.0, "blower": 1.0}
    text = "Quillon blowers are listed below.\nReplace the blower wheel."
    spans = [(0, 33, None, 1), (34, 59, None, 1)]
    assert span_coverage(lexeme_pattern(list(idf)), text, spans, idf, 4.0) == [1.0, 0.25]
    assert span_coverage(lexeme_pattern(list(idf)), text, spans, idf, 4.0, {"quillon"}) == [1.0, 1.0]


def test_the_row_pairing_the_model_with_the_part_beats_the_sentence_repeating_the_brand() -> None:
    """Both say "inducer" and "QF-60"; only the scope sentence says "Quillon", which the whole list is titled by."""
    query = _query("Quillon QF-60 inducer part number", ["quillon", "inducer", "part"])
    idf = {"quillon": 3.0, "inducer": 1.0, "part": 0.5}
    scope = _passage(query, 1, ["This list covers the inducers and igniters of Quillon QF-60 furnaces."], idf,
                     products=frozenset({"quillon"}))
    table = _passage(query, 2, ["Callout | Part No. | Description | Used on",
                                "4 | QP-2210 | Inducer motor assembly, 115 V | QF-60"], idf, lead=1,
                     products=frozenset({"quillon"}))
    assert _ranked(query, [scope, table]) == [2, 1]


def test_a_model_named_only_among_its_family_does_not_make_the_passage_the_named_one() -> None:
    """"covers the QF-40, QF-60 and QF-80" names the QF-60 as it names the others: the row keyed to the QF-60's
    igniter is the passage that names it."""
    query = _query("QF-60 igniter", ["igniter"])
    idf = {"igniter": 1.0}
    scope = _passage(query, 1, ["Igniters and blowers of the QF-40, QF-60 and QF-80 are listed by callout."], idf)
    table = _passage(query, 2, ["Callout | Part No. | Description | Used on",
                                "7 | QP-3305 | Igniter, silicon nitride | QF-60, QF-80"], idf, lead=1)
    assert scope.boost < table.boost
    assert _ranked(query, [scope, table]) == [2, 1]


def test_a_question_about_which_models_a_list_covers_keeps_the_listing_as_the_named_passage() -> None:
    """"does it cover the QF-60": the sentence listing the models is what is asked for."""
    query = _query("does the igniter list cover the QF-60", ["igniter", "list", "cover"])
    idf = {"igniter": 1.0, "list": 1.0, "cover": 1.0}
    scope = _passage(query, 1, ["Igniters and blowers of the QF-40, QF-60 and QF-80 are listed by callout."], idf)
    table = _passage(query, 2, ["Callout | Part No. | Description | Used on",
                                "7 | QP-3305 | Igniter, silicon nitride | QF-60, QF-80"], idf, lead=1)
    assert scope.boost == table.boost
