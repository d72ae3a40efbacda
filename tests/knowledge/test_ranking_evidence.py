"""Which passage the second stage prefers when several share the question's words: the one mentioning what the
question names, and not a scope sentence naming it among its family's other models; and a figure with its unit read
as an amount, not as the section the exact match would raise."""

from __future__ import annotations

from typing import Any

from clara.knowledge.identifiers import query_identifiers
from clara.knowledge.question import Query, said_codes
from clara.knowledge.ranking import Candidate, lexeme_pattern, measure, rank, span_coverage, with_kind
from clara.knowledge.search import BIAS, WEIGHTS
from clara.stores.lexical import ChunkTerms, Matrix

_MATRIX = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])


def _passage(query: Query, chunk_id: int, lines: list[str], idf: dict[str, float],
             identifiers: list[str] = (), bm25: float = 3.0, lead: int = 0, title: str = "",
             products: frozenset[str] = frozenset()) -> Candidate:
    """A table passage of one document, each line a span but the `lead` (a caption and header, read with every row),
    measured alike on the dense and BM25 sides; `products` are the question's words naming some document's title."""
    text = "\n".join(lines)
    spans, offset = [], 0
    for number, line in enumerate(lines):
        if number >= lead:
            spans.append((offset, offset + len(line), "Parts", 4))
        offset += len(line) + 1
    row: dict[str, Any] = {"id": chunk_id, "document_id": 1, "title": title, "text": text, "span_vectors": None,
                           "spans": spans, "section": "Parts", "page": 4, "keys": [], "identifiers": list(identifiers),
                           "standard_key": None}
    return measure(query, _MATRIX, row, bm25=bm25, dense=0.5, idf=idf, total_idf=sum(idf.values()),
                   pattern=lexeme_pattern(list(idf)), products=set(products), best_key=None, asked=None)


def _ranked(query: Query, found: list[Candidate]) -> list[int]:
    return [int(c.row["id"]) for c in rank(with_kind(query, found), WEIGHTS, BIAS)]


def test_the_part_list_passage_holding_the_part_number_asked_comes_first() -> None:
    """ "QV-70415, what is that part": two halves of one parts list share every word of the question; the half whose
    row carries QV-70415 answers it, whichever came first in the document."""
    text = "QV-70415 what is that part"
    query = Query(text, ["qv-70415", "qv", "70415", "part"], set(query_identifiers(text)), set(), None,
                  frozenset(text.lower().split()), said_codes(text))
    idf = {"part": 1.0}
    pumps = _passage(query, 1, ["Item | Part | Description", "3 | QV-70402 | Circulator, 1/12 hp"], idf, ["QV70402"])
    valves = _passage(query, 2, ["Item | Part | Description", "9 | QV-70415 | Zone valve actuator, 24 V"], idf,
                      ["QV70415"])
    assert _ranked(query, [pumps, valves]) == [2, 1]


def test_the_table_holding_the_row_of_a_code_said_in_pieces_comes_first() -> None:
    """ "what's aitch seven on the boiler": of two parts of a lockout table alike in words, the one keyed "H7"."""
    text = "what does code h seven mean on the boiler"
    query = Query(text, ["code", "h", "seven", "7", "boiler"], set(query_identifiers(text)), set(), None,
                  frozenset(text.lower().split()), said_codes(text))
    idf = {"code": 1.0, "boiler": 1.0}
    early = _passage(query, 1, ["Code | Boiler lockout | Check", "H3 | Flame lost | Flame rod, gas supply"], idf)
    later = _passage(query, 2, ["Code | Boiler lockout | Check", "H7 | Flue blocked | Vent terminal, condensate trap"],
                     idf)
    assert _ranked(query, [early, later]) == [2, 1]


def test_the_table_whose_row_the_question_names_wins_though_a_neighbour_row_scores_best() -> None:
    """ "R-134a psig at 100 F": the pressure chart's "100" row answers, but its "95" row scores as well on the words
    (the chart's header holds them all) and comes first. Measured on that best scored row alone, the chart named no
    row, and the properties table, whose one row is keyed "R-134a", came first for naming one."""
    text = "R-134a psig at 100 F on the PT chart"
    query = Query(text, ["r-134a", "psig", "100", "chart"], set(query_identifiers(text)), set(), None,
                  frozenset(text.lower().split()), said_codes(text))
    idf = {"psig": 1.0, "chart": 1.0}
    chart = _passage(query, 1, ["Saturation pressure chart, psig", "Temp F | R-22 | R-134a | R-410A",
                                "95 | 181.7 | 113.8 | 295.1", "100 | 195.9 | 124.1 | 317.2"], idf, ["R134A"], bm25=3.3,
                     lead=2)
    properties = _passage(query, 2, ["Refrigerant data chart", "Refrigerant | Safety group | Oil | psig rating",
                                     "R-134a | A1 | POE | 200"], idf, ["R134A"], lead=2)
    assert _ranked(query, [properties, chart]) == [1, 2]


def test_a_figure_with_its_unit_is_an_amount_not_a_section_number() -> None:
    """ "at 4.5 percent" asks for a concentration; the exact-section match would have put section 4.5 first."""
    assert "4.5" not in query_identifiers("agent per cubic foot at 60 F for 4.5 percent")
    assert "2.5" not in query_identifiers("can a circuit carry 2.5 amps")
    assert "4.5" in query_identifiers("what does 4.5 say about batteries")


_PARTS_TITLE = "Quillon QF Series Furnaces - Blower and Ignition Parts"


def _query(text: str, lexemes: list[str]) -> Query:
    return Query(text, lexemes, set(query_identifiers(text)), set(), None, frozenset(text.lower().split()),
                 said_codes(text))


def test_a_brand_the_title_carries_counts_as_held_by_every_sentence() -> None:
    idf = {"quillon": 3.0, "blower": 1.0}
    text = "Quillon blowers are listed below.\nReplace the blower wheel."
    spans = [(0, 33, None, 1), (34, 59, None, 1)]
    assert span_coverage(lexeme_pattern(list(idf)), text, spans, idf, 4.0) == [1.0, 0.25]
    assert span_coverage(lexeme_pattern(list(idf)), text, spans, idf, 4.0, {"quillon"}) == [1.0, 1.0]


def test_the_row_pairing_the_model_with_the_part_beats_the_sentence_repeating_the_brand() -> None:
    """A parts list opens with a scope sentence naming its brand; its rows never repeat it. Both say "inducer" and
    "QF-60"; only the scope sentence says "Quillon", which the whole list is titled by."""
    query = _query("Quillon QF-60 inducer part number", ["quillon", "inducer", "part"])
    idf = {"quillon": 3.0, "inducer": 1.0, "part": 0.5}
    brand = frozenset({"quillon"})
    scope = _passage(query, 1, ["This list covers the inducers and igniters of Quillon QF-60 furnaces."], idf,
                     ["QF60"], title=_PARTS_TITLE, products=brand)
    table = _passage(query, 2, ["Callout | Part No. | Description | Used on",
                                "4 | QP-2210 | Inducer motor assembly, 115 V | QF-60"], idf, ["QP2210", "QF60"],
                     lead=1, title=_PARTS_TITLE, products=brand)
    assert _ranked(query, [scope, table]) == [2, 1]


_SCOPE = "Igniters and blowers of the QF-40, QF-60 and QF-80 are listed by callout."
_IGNITER_ROWS = ["Callout | Part No. | Description | Used on", "7 | QP-3305 | Igniter, silicon nitride | QF-60, QF-80"]


def test_a_model_named_only_among_its_family_does_not_make_the_passage_the_named_one() -> None:
    """"covers the QF-40, QF-60 and QF-80" names the QF-60 as it names the others: the row pairing the QF-60 with
    its igniter is the passage that names it."""
    query = _query("QF-60 igniter", ["igniter"])
    idf = {"igniter": 1.0}
    scope = _passage(query, 1, [_SCOPE], idf, ["QF40", "QF60", "QF80"])
    table = _passage(query, 2, _IGNITER_ROWS, idf, ["QP3305", "QF60", "QF80"], lead=1)
    assert scope.boost < table.boost
    assert _ranked(query, [scope, table]) == [2, 1]


def test_a_question_about_which_models_a_list_covers_keeps_the_listing_as_the_named_passage() -> None:
    """"does it cover the QF-60": the sentence listing the models is what is asked for."""
    query = _query("does the igniter list cover the QF-60", ["igniter", "list", "cover"])
    idf = {"igniter": 1.0, "list": 1.0, "cover": 1.0}
    scope = _passage(query, 1, [_SCOPE], idf, ["QF40", "QF60", "QF80"])
    table = _passage(query, 2, _IGNITER_ROWS, idf, ["QP3305", "QF60", "QF80"], lead=1)
    assert scope.boost == table.boost
