"""A fault, alarm or terminal code said the way a technician says it names the table row keyed by it."""

from __future__ import annotations

import pytest

from clara.knowledge import figures_said
from clara.knowledge.question import Query, lexical_text, said_codes, with_codes
from clara.knowledge.ranking import lexeme_pattern, measure, rank, said, with_kind
from clara.knowledge.search import BIAS, WEIGHTS
from clara.stores.lexical import ChunkTerms, Matrix


@pytest.mark.parametrize(("question", "code"), [
    ("wexley indoor unit code see nine what sensor is that", "c9"),
    ("whats error e zero four on an aerovanta vrf", "e04"),
    ("e fifty two on an h v r outdoor unit", "e52"),
    ("what does t 27 mean on the corvane panel", "t27"),
    ("CH on a wexley wvx controller", "ch"),
])
def test_a_code_said_in_pieces_is_read_whole(question: str, code: str) -> None:
    assert code in said_codes(question)


def test_words_and_plain_numbers_are_no_code() -> None:
    """ "a 4 inch line" and "I see the alarm" say no code: neither "a4" nor a letter name without a number."""
    assert said_codes("how many heads on a 4 inch line") == frozenset()
    assert said_codes("I see the alarm light, what now") == frozenset()


_HEADER = "Code | Fault | Likely cause"


def _table(chunk_id: int, rows: list[str], query: Query, matrix: Matrix) -> object:
    text = "\n".join([_HEADER, *rows])
    spans, offset = [], len(_HEADER) + 1
    for line in rows:
        spans.append((offset, offset + len(line), "Fault codes", 3))
        offset += len(line) + 1
    row = {"id": chunk_id, "document_id": 1, "text": text, "span_vectors": None, "spans": spans,
           "section": "Fault codes", "page": 3, "keys": [], "standard_key": None}
    idf = {"sensor": 1.0, "code": 1.0}
    return measure(query, matrix, row, bm25=2.0, dense=0.5, idf=idf, total_idf=sum(idf.values()),
                   pattern=lexeme_pattern(list(idf)), products=set(), best_key=None, asked=None)


def _query(text: str) -> Query:
    return Query(text, ["sensor", "code"], set(), set(), None, frozenset(text.lower().split()), said_codes(text))


def test_a_code_said_in_pieces_is_searched_as_the_word_the_manual_writes() -> None:
    """ "see nine" finds the row "C9" only if the lexical side looks for "c9"; a code no chunk holds is not looked
    for, so it cannot count as the question's rarest word."""
    lexemes = ["code", "sensor", "nine", "9"]
    assert with_codes(lexemes, said_codes("code see nine what sensor is that"), {"c9", "sensor"}) == [*lexemes, "c9"]
    assert with_codes(lexemes, said_codes("code see nine what sensor is that"), {"sensor"}) == lexemes


def test_the_row_keyed_by_the_said_code_is_the_answer() -> None:
    """Of the rows of a fault table, the one keyed by the code said in pieces is the one said, not its neighbour
    that shares as many of the question's words."""
    matrix = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])
    query = _query("wexley code see nine what sensor is that")
    table = _table(1, ["C8 | Drain sensor fault | Sensor open", "C9 | Return air sensor fault | Sensor open"],
                   query, matrix)
    assert said([table])[0].best == 1


def test_a_row_key_said_whole_is_the_answer_over_one_sharing_its_first_word() -> None:
    """ "ACX 200" names the row "ACX 200", not every row whose key starts with "ACX"."""
    matrix = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])
    query = _query("what is the sensor code for the acx 200")
    table = _table(1, ["ACX 100 | Supply sensor | Sensor open", "ACX 200 | Return sensor | Sensor open"], query,
                   matrix)
    assert said([table])[0].best == 1


def test_a_display_code_of_letters_cased_as_no_word_names_its_row() -> None:
    """A controller's display writes codes of letters in mixed case ("nC", "rE S"): written so in the question, the
    row keyed by it is the one asked for, over its neighbours; read only as digits-bearing keys, no row was named and
    a passage of prose about the display ranked above the code table. Lower case, or another code, names nothing:
    "do" is any question's verb."""
    matrix = Matrix.build([ChunkTerms(1, 1, "uploads", None, {}, frozenset())])
    rows = ["Hi | Box sensor above the high limit | Check the sensor", "nC | Board not talking | Reseat the cable",
            "rE S | Reset held | Release the button"]
    table = _table(1, rows, _query("nC showing on the Halden box display"), matrix)
    assert said([table])[0].best == 1
    assert figures_said.names_row("rE S on the display", rows[2])
    assert not figures_said.names_row("rE on the display", rows[2])  # the key is said whole or not at all
    assert not figures_said.names_row("nc on the display", rows[1])
    assert not figures_said.names_row("Hi, what does the display mean", rows[0])  # capital then lower case: a word
    assert not figures_said.names_row("do I reseat it", "dO | Door open | Close the door")


def test_a_number_after_a_product_is_that_products_not_a_standards_section() -> None:
    """ "Thorncliff 4.3.1": the release notes of the Thorncliff panel, not NFPA 25's section 4.3.1, which the exact
    section match used to put first whatever the question named."""
    matrix = Matrix.build([ChunkTerms(1, 1, "uploads", None, {"thorncliff": 1.0}, frozenset({"thorncliff"})),
                           ChunkTerms(2, 2, "nfpa", None, {"inspect": 1.0}, frozenset({"nfpa"}))])
    query = Query("thorncliff 4.3.1 what version of the config tool do i need", ["thorncliff", "4.3.1", "version"],
                  {"4.3.1"}, set(), None)
    idf = {"thorncliff": 3.0, "4.3.1": 2.0, "version": 1.0}

    def candidate(chunk_id: int, text: str, keys: list[str]) -> object:
        row = {"id": chunk_id, "document_id": chunk_id, "text": text, "span_vectors": None, "spans": [],
               "section": keys[0] if keys else "Version 4.3.1", "page": None, "keys": keys, "standard_key": None}
        return measure(query, matrix, row, bm25=3.0, dense=0.5, idf=idf, total_idf=sum(idf.values()),
                       pattern=lexeme_pattern(list(idf)), products={"thorncliff"}, best_key="4.3.1", asked=None)

    release = candidate(1, "Version 4.3.1 needs the configuration tool TCT 5.4 or later.", [])
    section = candidate(2, "4.3.1 Records of inspections shall be kept on the premises.", ["4.3.1"])
    assert not section.exact
    assert [int(c.row["id"]) for c in rank(with_kind(query, [section, release]), WEIGHTS, BIAS)] == [1, 2]


def test_a_series_said_letter_by_letter_is_also_searched_as_one_word() -> None:
    """ "an h v r outdoor unit": the manual writes HVR; an article and a letter ("a c unit") stay as they are."""
    assert "hvr" in lexical_text("e fifty two on an h v r outdoor unit").split()
    assert lexical_text("is it a c unit") == "is it a c unit"

