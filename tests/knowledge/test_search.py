from __future__ import annotations

import math

import numpy as np

from clara.agent import knowledge_said
from clara.knowledge import spans
from clara.knowledge.models import SearchHit
from clara.knowledge.question import Query, spoken_numbers
from clara.knowledge.ranking import FLOOR, Candidate, lexeme_pattern, measure, probability, rank, said, with_kind
from clara.knowledge.search import BIAS, WEIGHTS
from clara.users.service import Preferences
from clara.stores.lexical import ChunkTerms, Matrix, _terms


def _chunk(chunk_id: int, terms: dict[str, float], *, owner: int | None = None, source: str = "uploads",
           document: int = 1, context: frozenset[str] = frozenset()) -> ChunkTerms:
    return ChunkTerms(chunk_id, document, source, owner, terms, context)


def test_bm25_weighs_a_rare_term_above_a_common_one() -> None:
    common = [_chunk(i, {"pump": 1.0, "test": 1.0}) for i in range(1, 50)]
    matrix = Matrix.build([*common, _chunk(50, {"pump": 1.0, "halvorsen": 1.0}), _chunk(51, {"pump": 3.0})])
    scores = matrix.scores(["halvorsen", "pump"])
    assert int(matrix.ids[int(np.argmax(scores))]) == 50  # the rare word decides, not the repeated common one
    assert matrix.idf_of("halvorsen") > matrix.idf_of("pump")
    assert matrix.scores(["unknown"]).max() == 0.0


def test_private_chunks_are_visible_to_their_owner_and_staff_only() -> None:
    matrix = Matrix.build([_chunk(1, {"a": 1.0}), _chunk(2, {"a": 1.0}, owner=7), _chunk(3, {"a": 1.0}, owner=8)])
    assert matrix.ids[matrix.visible(source=None, viewer=7)].tolist() == [1, 2]
    assert matrix.ids[matrix.visible(source=None, viewer=0)].tolist() == [1]
    assert matrix.ids[matrix.visible(source=None, viewer=None)].tolist() == [1, 2, 3]  # staff
    assert not matrix.may_see(3, 7) and matrix.may_see(3, None)


def test_a_technician_without_private_documents_searches_as_everyone_does() -> None:
    """Their searches are the shared view, so one cached search serves every such technician; an owner of a private
    document keeps a view of their own, and staff theirs."""
    matrix = Matrix.build([_chunk(1, {"a": 1.0}), _chunk(2, {"a": 1.0}, owner=7)])
    assert matrix.audience(8) == matrix.audience(9) == matrix.audience(0) == 0
    assert matrix.audience(7) == 7 and matrix.audience(None) is None


def test_a_word_in_few_documents_identifies_them() -> None:
    matrix = Matrix.build([_chunk(1, {}, document=1, context=frozenset({"brennick", "manual"})),
                           _chunk(2, {}, document=2, context=frozenset({"ostrand", "manual"})),
                           _chunk(3, {}, document=3, context=frozenset({"manual"}))])
    assert matrix.documents_with("brennick") == 1 and matrix.documents_with("manual") == 3


def test_only_a_title_word_names_a_document() -> None:
    """A brand is in a title; a word that is merely rare in the body ("walk") names no document, so it must not
    count as the question naming a product."""
    matrix = Matrix.build([_chunk(1, {"walk": 1.0}, document=1, context=frozenset({"brennick"})),
                           _chunk(2, {"brennick": 1.0}, document=2, context=frozenset({"rule"}))])
    assert matrix.titles_with("brennick") == 1 and matrix.documents_with("brennick") == 2
    assert matrix.titles_with("walk") == 0 and matrix.documents_with("walk") == 1


def test_spoken_numbers_also_read_as_digits() -> None:
    assert spoken_numbers("head flashing five times") == "head flashing five 5 times"


def test_the_floor_reads_the_rankers_own_probability() -> None:
    """Which passages are no answer at all is the ranker's logistic, whatever the other candidates scored."""
    values = [probability(s) for s in (-40.0, -5.0, 0.0, 5.0, 40.0)]
    assert values == sorted(values) and values[0] < 0.01 and values[2] == 0.5 and values[-1] > 0.99


def _passage(score: float) -> SearchHit:
    answer = "Cut-in is factory set to 115 psi."
    return SearchHit(id=1, title="Marlow MJ-20 jockey pump controller manual", source="uploads", section="3.3",
                     text=answer, score=score, document_id=7, standard=None, edition=None, answer=answer,
                     confidence=0.9)  # how sure the reply sounds is the calibrated confidence's (test_confidence.py)


def test_search_and_the_keyless_answer_share_one_floor() -> None:
    """Below search's floor the keyless answer says "I don't know" whatever the confidence; above it, a passage
    search returns and is sure of is said (how sure the reply sounds is the calibrated confidence's:
    test_confidence.py)."""
    low = math.log(FLOOR / (1 - FLOOR))  # the score whose probability is the floor
    assert knowledge_said.knowledge([_passage(low + 0.05)], Preferences()).startswith("Per Marlow MJ-20")
    assert knowledge_said.knowledge([_passage(low - 0.05)], Preferences()).startswith("I don't know")


def _row(chunk_id: int, heading: dict[str, int], body: dict[str, int]) -> dict:
    lexemes = sorted({*heading, *body})
    return {"id": chunk_id, "document_id": chunk_id, "source": "uploads", "uploaded_by": None, "visibility": "company",
            "context": [], "lexemes": lexemes, "heading": [heading.get(t, 0) for t in lexemes],
            "body": [body.get(t, 0) for t in lexemes]}


def test_a_heading_naming_the_subject_outweighs_a_passage_mentioning_it_in_passing() -> None:
    """"Condensate drain" as a section's heading says what the passage is about; the same words three times in
    another passage's body (a parts list, a wiring note) do not."""
    filler = {f"word{i}": 1 for i in range(20)}
    headed = _terms(_row(1, {"condens": 1, "drain": 1}, filler))
    mentioned = _terms(_row(2, {}, {**filler, "condens": 3, "drain": 3}))
    others = [_terms(_row(i, {}, filler)) for i in range(3, 40)]
    matrix = Matrix.build([headed, mentioned, *others])
    scores = matrix.scores(["condens", "drain"])
    assert scores[matrix.row_of(1)] > scores[matrix.row_of(2)]


_CABINET_IDF = {"spare": 2.0, "cabinet": 2.0, "sprinkler": 1.0, "head": 1.0}


def _candidate(query: Query, matrix: Matrix, chunk_id: int, text: str,
               idf: dict[str, float] = _CABINET_IDF) -> Candidate:
    row = {"id": chunk_id, "document_id": chunk_id, "text": text, "span_vectors": None, "spans": [],
           "section": "4.2", "page": None, "keys": [], "standard_key": None}
    return measure(query, matrix, row, bm25=4.0, dense=0.6, idf=idf, total_idf=sum(idf.values()),
                   pattern=lexeme_pattern(list(idf)), products=set(), best_key=None, asked=None)


def test_of_two_passages_sharing_the_words_the_one_stating_the_amount_asked_comes_first() -> None:
    """"How many heads must the spare cabinet hold": both passages say spare cabinet and sprinkler heads, equally
    close in meaning and words; the one whose sentence gives a number answers the question, so it is said first."""
    matrix = Matrix.build([_chunk(1, {}, document=1), _chunk(2, {}, document=2)])
    query = Query("how many sprinkler heads must the spare cabinet hold", ["spare", "cabinet", "sprinkler", "head"],
                  set(), set(), None)
    vague = _candidate(query, matrix, 1, "The spare cabinet holds sprinkler heads of each type installed.")
    stated = _candidate(query, matrix, 2, "The spare cabinet holds no fewer than 6 sprinkler heads of each type.")
    assert [int(c.row["id"]) for c in rank(with_kind(query, [vague, stated]), WEIGHTS, BIAS)] == [2, 1]


def test_how_often_is_answered_by_a_frequency_written_without_a_number() -> None:
    """"How often are tamper switches tested": "semiannually" is the asked amount though it holds no digit; the
    passage that only says how the test is done shares as many words and must not come first (the shipped corpus's
    frequencies are written this way: without this, fitting the kind signal cost it its "how often" questions)."""
    matrix = Matrix.build([_chunk(1, {}, document=1), _chunk(2, {}, document=2)])
    idf = {"tamper": 2.0, "switch": 1.0, "test": 1.0}
    query = Query("how often are tamper switches tested", list(idf), set(), set(), None)
    how = _candidate(query, matrix, 1, "Tamper switches are tested by closing the valve until the panel shows trouble.",
                     idf)
    when = _candidate(query, matrix, 2, "Tamper switches are tested semiannually by closing the valve.", idf)
    assert [int(c.row["id"]) for c in rank(with_kind(query, [how, when]), WEIGHTS, BIAS)] == [2, 1]


def test_the_returned_passages_spans_are_said_by_the_questions_kind_read_once(monkeypatch) -> None:
    """Each returned passage is said around its span of the asked kind (a number for "how many"), and the question's
    kind is read once for all of them, not once per passage."""
    matrix = Matrix.build([_chunk(1, {}, document=1), _chunk(2, {}, document=2)])
    query = Query("how many sprinkler heads must the spare cabinet hold", ["spare", "cabinet", "sprinkler", "head"],
                  set(), set(), None)
    texts = ["The spare cabinet holds sprinkler heads of each type installed. The spare cabinet holds no fewer than 6 "
             "sprinkler heads.",
             "The spare cabinet holds sprinkler heads. A wrench for each type of head is kept in the cabinet."]
    found = []
    for chunk_id, text in enumerate(texts, 1):
        middle = text.index(". ") + 2
        row = {"id": chunk_id, "document_id": chunk_id, "text": text, "span_vectors": None, "section": "4.2",
               "page": None, "keys": [], "standard_key": None,
               "spans": [(0, middle - 1, "4.2", None), (middle, len(text), "4.2", None)]}
        found.append(measure(query, matrix, row, bm25=4.0, dense=0.6, idf=_CABINET_IDF,
                             total_idf=sum(_CABINET_IDF.values()), pattern=lexeme_pattern(list(_CABINET_IDF)),
                             products=set(), best_key=None, asked=None))
    calls = []
    kinds = spans.kind_preferences
    monkeypatch.setattr(spans, "kind_preferences", lambda *a: calls.append(a) or kinds(*a))
    told = said(found)
    assert len(calls) == 1
    assert told[0].best == 1  # "no fewer than 6": the number asked for
