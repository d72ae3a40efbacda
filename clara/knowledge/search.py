"""Hybrid retrieval in two stages: find candidates by meaning and by words, then rank them by where the asked fact is.

Stage one gathers candidates three ways, concurrently: dense similarity (MiniLM vectors in Chroma), BM25 over the
chunks' lexemes (`clara.stores.lexical`), and exact identifiers (a section, clause, fault code or model named in the
question). Every index reads a chunk under its document's title and headings (contextual retrieval), so a question
naming "the Brennick controller" or "hydrostatic testing" meets passages that never repeat those words. The lexical
side also reads the trade's terms for the question's lay phrases (`clara.knowledge.glossary`: "hooked up backwards"
asks for "phase reversal"); the dense side reads the question as asked (the terms appended there moved no set's
R@3 up and cost held-out regulation questions).

Stage two scores each candidate on a few general signals and combines them with weights fitted by logistic
regression on the development set (never on the held-out set):

- `dense`: cosine of the question and the passage;
- `lexical`: the passage's BM25 over the question's total idf, i.e. how much of the question's rare vocabulary it holds;
- `span_dense`, `span_lexical`: the same for the passage's best sentence or table row (late-chunked vectors), because
  the fact a technician asks for sits in one sentence, not spread over the passage;
- `product`, `other_product`: whether the question names a word only one or two documents hold and some document's
  title carries (a brand, a model family, an agency) and this passage's document is (or is not) one of them. A word
  merely rare in the bodies ("walk") names no document, yet it used to mark every other document as "not the one
  named".

(An `identifier` signal moved no set by more than a question, bench/ablate_ranker.py: BM25 and the exact boost weigh
identifiers.) A passage whose own section, clause or model the question names exactly ranks first. The score goes
through the logistic function: `confidence` is the fitted probability that the passage carries the answer, so a
caller can tell a confident hit from a guess, and the best span, with what completes it, is the `answer`
(`clara.knowledge.spans` chooses it by the kind of question and says it with its neighbours).
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Awaitable, Sequence

import numpy as np

from clara.knowledge import embedding, spans
from clara.knowledge.chunking import row_cells
from clara.knowledge.glossary import trade_terms
from clara.knowledge.identifiers import query_identifiers, query_standards, text_identifiers
from clara.knowledge.models import SearchHit
from clara.knowledge.spans import NUMBER_WORDS as _NUMBER_WORDS
from clara.knowledge.vectors import unpack
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.stores.chroma import DenseHit
from clara.stores.lexical import Matrix

log = get_logger(__name__)

CANDIDATES = 30  # per list; the second stage reorders what either list found
IDENTIFIER_CAP = 20
# Fitted offline by logistic regression on the candidates of bench/data/knowledge_eval/dev (never on the held-out set).
WEIGHTS = {"dense": 2.734, "lexical": 2.672, "span_dense": 4.229, "span_lexical": 2.846, "product": -0.665,
           "other_product": -1.172}
BIAS = -7.765
SPAN_DENSE, SPAN_LEXICAL = 4.229, 2.846  # which sentence of a passage holds the fact: meaning and rare words
EXACT_BOOST = 20.0  # the passage the question names by its own section, clause or model comes first
STANDARD_BOOST = 1.0  # "NFPA 25 ..." prefers NFPA 25's passages over another standard's
PER_DOCUMENT = 3  # the top 3 may all be one manual's (the question named it); a longer list is shared
PRODUCT_DOCUMENTS = 2  # a word in at most this many documents identifies them (a brand, a model, an agency)
MIN_CONFIDENCE = 0.01  # below, a passage shares stray words with the question, not its subject ("pizza dough")


@dataclass(frozen=True)
class Query:
    text: str
    lexemes: list[str]
    identifiers: set[str]
    standards: set[str]
    vector: np.ndarray | None  # None when the embedder is unavailable
    words: frozenset[str] = frozenset()  # the question's tokens as written, lowercased: a table row's key is one


@dataclass(frozen=True)
class Retrieval:
    hits: list[SearchHit]
    complete: bool  # False when dense retrieval failed and the hits are lexical matches only


_QUESTION_FRAME = re.compile(r"\bhow\s+(?:often|many|much|long)\b", re.IGNORECASE)


def lexical_text(text: str) -> str:
    """The words the lexical side should match: spoken numbers also as digits, and without the question's frame
    ("how often" asks for a frequency, it names no topic: "often about 1 %" must not outrank the interval)."""
    return spoken_numbers(_QUESTION_FRAME.sub(" ", text))


def spoken_numbers(text: str) -> str:
    """ "flashing five times" -> "flashing five 5 times": speech recognition writes numbers as words, manuals as digits."""
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b",
                  lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(1).lower()]}", text, flags=re.IGNORECASE)


_ANALYSE = """
SELECT tsvector_to_array(to_tsvector('english', %(text)s)) AS lexemes,
       tsvector_to_array(to_tsvector('english', %(asked)s)) AS asked,
       ARRAY(SELECT id FROM knowledge_chunks WHERE keys && %(ids)s::text[]
             AND (%(source)s::text IS NULL OR source = %(source)s::text) LIMIT %(cap)s) AS identified
"""


async def _analyse(stores: Stores, text: str, asked: str, identifiers: set[str],
                   source: str | None) -> tuple[list[str], list[str], list[int]]:
    """In one round trip: the lexemes searched for (English analysis, as the chunks had), those of the question's
    own words alone, and the chunks it names."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(_ANALYSE, {"text": text, "asked": asked, "ids": sorted(identifiers),
                                            "source": source, "cap": IDENTIFIER_CAP})
        row = await cur.fetchone()
    assert row is not None
    return list(row["lexemes"]), list(row["asked"]), [int(i) for i in row["identified"]]


async def _vector(stores: Stores, text: str) -> np.ndarray | None:
    try:
        return await embedding.embed_query(stores, text)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # the embedding API down: words and identifiers still answer
        log.warning("knowledge_dense_unavailable", error=f"{type(exc).__name__}: {exc}"[:300])
        return None


async def _dense(stores: Stores, embedded: Awaitable[np.ndarray | None], source: str | None,
                 n: int) -> list[DenseHit] | None:
    vector = await embedded
    if vector is None:
        return None
    try:
        return await stores.chroma.query(vector, source=source, n=n)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # Chroma down: lexical alone still answers identifiers and words
        log.warning("knowledge_dense_unavailable", error=f"{type(exc).__name__}: {exc}"[:300])
        return None


_ROWS = """
SELECT c.id, c.document_id, c.source, c.title, c.section, c.text, c.heading, c.page, c.spans, c.span_vectors,
       c.keys, c.identifiers, c.standard, c.standard_key, c.edition
FROM knowledge_chunks c WHERE c.id = ANY(%s)
"""


async def _rows(stores: Stores, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    async with stores.db.connection() as conn:
        cur = await conn.execute(_ROWS, (list(ids),))
        return {int(r["id"]): r for r in await cur.fetchall()}


def lexeme_pattern(lexemes: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for the question's lexemes, matching where a word starts with one (the English stemmer cuts words
    to a prefix: "pressur" for pressure, pressures), longest first."""
    if not lexemes:
        return None
    # A number is no stem: "4" (inch) must not match "40 lb"; a word matches its inflections.
    alternatives = "|".join(re.escape(t) + (r"(?![0-9])" if t.isdigit() else "")
                            for t in sorted(set(lexemes), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternatives})")


def span_coverage(pattern: re.Pattern[str] | None, text: str, spans: Sequence[Sequence[Any]],
                  idf: dict[str, float], total: float) -> list[float]:
    """For each span, how much of the question's idf it holds, read together with the chunk's lead (a table's caption
    and header, which every row is read with). One scan of the text finds every lexeme."""
    if pattern is None:
        return [0.0] * len(spans)
    lowered = text.lower()
    lead_end = int(spans[0][0]) if spans else 0
    found = [(m.start(), m.group(0)) for m in pattern.finditer(lowered)]
    lead = {t for position, t in found if position < lead_end}
    out = []
    for span in spans:
        start, end = int(span[0]), int(span[1])
        held = lead | {t for position, t in found if start <= position < end}
        out.append(sum(idf[t] for t in held) / total)
    return out


@dataclass(frozen=True)
class Coverage:
    """What a span's share of the question's vocabulary is measured against (`span_coverage`)."""

    pattern: re.Pattern[str] | None
    idf: dict[str, float]
    total: float


@dataclass(frozen=True)
class Candidate:
    """A passage stage one found, with what stage two measured of it; `score` is set by `rank`."""

    row: dict[str, Any]
    features: dict[str, float]
    boost: float  # the exact section, clause or model named; the standard named
    exact: bool
    spans: list[tuple[Any, ...]]  # (start, end, section, page) of each sentence or row
    span_scores: list[float]
    query: Query
    score: float = 0.0

    @cached_property
    def answer(self) -> int:
        """The span the answer is said around, for the hits returned only: ranking never needs it (`_named`)."""
        named = [_named(self.query, _span_text(self.row["text"], sp), sp[2]) for sp in self.spans]
        return spans.best(self.said_scores, named)

    @cached_property
    def said_scores(self) -> list[float]:
        """The span scores with the preference of the question's kind ("can I ..." for a rule): which one is said."""
        texts = [_span_text(self.row["text"], sp) for sp in self.spans]
        return [s + p for s, p in zip(self.span_scores, spans.kind_preferences(self.query.text, texts))]


def _measure(query: Query, matrix: Matrix, row: dict[str, Any], *, bm25: float, dense: float | None,
           idf: dict[str, float], total_idf: float, pattern: re.Pattern[str] | None, products: set[str],
           best_key: str | None, asked: Coverage | None) -> Candidate:
    text = row["text"]
    vectors = unpack(row["span_vectors"], len(query.vector)) if row["span_vectors"] and query.vector is not None \
        else None
    if dense is None:
        dense = float(vectors[0] @ query.vector) if vectors is not None else 0.0
    spans = [tuple(s) for s in row["spans"]] or [(0, len(text), row["section"], row["page"])]
    span_dense = vectors[1:] @ query.vector if vectors is not None and len(vectors) == len(spans) + 1 else None
    span_lexical = span_coverage(pattern, text, spans, idf, total_idf)
    span_scores = [(span_dense[i] if span_dense is not None else dense) * SPAN_DENSE + span_lexical[i] * SPAN_LEXICAL
                   for i in range(len(spans))]
    best = int(np.argmax(span_scores))
    if asked is not None:  # the trade's terms found the passage; the sentence said holds the question's own words
        # first, the trade's terms at half weight: "hooked up backwards" is said from the "Phase reversal" row
        said = span_coverage(asked.pattern, text, spans, asked.idf, asked.total)
        span_scores = [(span_dense[i] if span_dense is not None else dense) * SPAN_DENSE
                       + (said[i] + span_lexical[i]) / 2 * SPAN_LEXICAL for i in range(len(spans))]
    context = matrix.terms_of_document(int(row["document_id"]))
    features = {
        "dense": dense,
        "lexical": bm25 / total_idf,
        "span_dense": float(span_dense[best]) if span_dense is not None else dense,
        "span_lexical": span_lexical[best],
        "product": float(bool(products & context)),
        "other_product": float(bool(products) and not products & context),
    }
    exact = best_key is not None and best_key in row["keys"]
    boost = (EXACT_BOOST if exact else 0.0) + (
        STANDARD_BOOST if row["standard_key"] and row["standard_key"] in query.standards else 0.0)
    return Candidate(row, features, boost, exact, spans, span_scores, query)


_WORD = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def _words(text: str) -> list[str]:
    """Lowercased tokens, a number whole whether or not it is written with thousands separators: a table's row key
    "2,000 lb" is what a technician says as "2000 pounds"."""
    return _WORD.findall(_THOUSANDS.sub("", text.lower()))


def _span_text(text: str, span: Sequence[Any]) -> str:
    return text[int(span[0]):int(span[1])]


def _named(query: Query, span_text: str, section: str | None) -> int:
    """How exactly a span is the one the question names: its own clause ("17-1106(e)(3)(ii)" over its parent
    "17-1106(e)(3)", by length); else a code it mentions ("T27"), or a table row whose key (first cell's first
    word: "4 in.", "40 Ah", "Weekly") the question says; else not at all."""
    if section and section.upper() in query.identifiers:
        return 1 + len(section)
    if query.identifiers & set(text_identifiers(span_text)):
        return 1
    if (cells := row_cells(span_text)) is not None:
        key = _words(cells[0])[:1]
        return int(bool(key) and key[0] in query.words)
    return 0


def confidence(score: float) -> float:
    if score > 30:
        return 1.0
    return round(1.0 / (1.0 + math.exp(-min(score, 10.0))), 4)


async def hybrid(stores: Stores, text: str, *, k: int, source: str | None, viewer: int | None) -> Retrieval:
    """The `k` best passages for `text` that `viewer` may see (None: staff, who see every document)."""
    found, complete = await candidates(stores, text, source=source, viewer=viewer)
    ranked = rank(found, WEIGHTS, BIAS)
    hits = [_hit(c) for c in _diverse(ranked, k) if confidence(c.score) >= MIN_CONFIDENCE]
    return Retrieval(hits, complete)


async def candidates(stores: Stores, text: str, *, source: str | None,
                     viewer: int | None) -> tuple[list[Candidate], bool]:
    """Stage one and the measuring half of stage two: every passage the dense, lexical or identifier side found,
    with its signals, unranked; and whether the dense side answered."""
    matrix = await stores.lexical.current()
    own = lexical_text(text)
    expanded = " ".join([own, *trade_terms(text)])  # the dense side reads the question as asked
    identifiers = set(query_identifiers(text))
    vector_task = asyncio.create_task(_vector(stores, text))
    dense_task = asyncio.create_task(_dense(stores, vector_task, source, CANDIDATES * 2))  # while Postgres analyses
    try:
        lexemes, asked, identified = await _analyse(stores, expanded, own, identifiers, source)
        query = Query(text, lexemes, identifiers, set(query_standards(text)), await vector_task,
                      frozenset(_words(expanded)))
    except BaseException:
        vector_task.cancel()
        dense_task.cancel()
        raise
    allowed = matrix.visible(source=source, viewer=viewer)
    bm25 = matrix.scores(lexemes)
    bm25_rows = _best_rows(np.where(allowed, bm25, 0.0), CANDIDATES)
    dense_hits = await dense_task
    dense_of = {h.chunk_id: h.similarity for h in dense_hits or [] if matrix.may_see(h.chunk_id, viewer)}
    ids = list(dict.fromkeys([*list(dense_of)[:CANDIDATES], *(int(matrix.ids[r]) for r in bm25_rows), *identified]))
    rows = await _rows(stores, ids)
    idf = {t: matrix.idf_of(t) for t in dict.fromkeys(lexemes)}
    total_idf = sum(idf.values()) or 1.0
    products = {t for t in idf if len(t) > 2 and 0 < matrix.documents_with(t) <= PRODUCT_DOCUMENTS
                and matrix.titles_with(t)}
    pattern = lexeme_pattern(list(idf))
    own_idf = {t: idf[t] if t in idf else matrix.idf_of(t) for t in dict.fromkeys(asked)}
    said = None if own_idf.keys() == idf.keys() else Coverage(lexeme_pattern(list(own_idf)), own_idf,
                                                                sum(own_idf.values()) or 1.0)
    owned = [(len(key), key) for row in rows.values() for key in row["keys"] if key in identifiers]
    best_key = max(owned)[1] if owned else None
    measured = [
        _measure(query, matrix, row, bm25=float(bm25[matrix.row_of(chunk_id)]) if matrix.row_of(chunk_id) is not None
                 else 0.0, dense=dense_of.get(chunk_id), idf=idf, total_idf=total_idf, pattern=pattern,
                 products=products, best_key=best_key, asked=said)
        for chunk_id, row in rows.items()
    ]
    return measured, dense_hits is not None


def _best_rows(scores: np.ndarray, n: int) -> list[int]:
    """The rows of the `n` highest positive scores, by partial selection: sorting 50,000 cost more than BM25."""
    top = np.argpartition(-scores, n)[:n] if len(scores) > n else np.arange(len(scores))
    return [int(r) for r in top if scores[r] > 0]


def rank(found: Sequence[Candidate], weights: dict[str, float], bias: float) -> list[Candidate]:
    """`found` scored by `weights` (a feature not named weighs nothing), best first."""
    scored = [replace(c, score=bias + c.boost + sum(w * c.features.get(name, 0.0) for name, w in weights.items()))
              for c in found]
    scored.sort(key=lambda c: (-c.score, int(c.row["id"])))
    return scored


def _diverse(scored: Sequence[Candidate], k: int) -> list[Candidate]:
    """The best `k`, of which one document holds at most `max(PER_DOCUMENT, k // 2)` while others have a candidate:
    a huge upload repeating the question's words must not push every other source out of a longer list. Order within
    the list stays by score; what a document holds beyond its share comes after the others."""
    share = max(PER_DOCUMENT, k // 2)
    taken: dict[int, int] = {}
    first, later = [], []
    for candidate in scored:
        document = int(candidate.row["document_id"])
        taken[document] = taken.get(document, 0) + 1
        (first if taken[document] <= share else later).append(candidate)
    return (first + later)[:k]


def _hit(scored: Candidate) -> SearchHit:
    row = scored.row
    _, _, section, page = scored.spans[scored.answer]
    answer = spans.answer(row["text"], scored.spans, scored.answer, scored.said_scores)
    return SearchHit(
        id=int(row["id"]), title=row["title"], source=row["source"], section=section or row["section"],
        text=row["text"],
        score=round(scored.score, 4), document_id=int(row["document_id"]), standard=row["standard"],
        edition=row["edition"], answer=answer,
        page=page if page is not None else row["page"], confidence=confidence(scored.score),
    )

