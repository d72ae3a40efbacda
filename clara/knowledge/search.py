"""Hybrid retrieval: dense similarity (Chroma) fused with lexical match (PostgreSQL full-text and identifiers).

Dense finds paraphrases ("how often do we churn the diesel pump") that share no words with the text; lexical finds
what embeddings blur: "5.2.4.2", "NFPA 72", "50TCQA06". Both lists are fused by reciprocal rank, and a chunk whose
own section number or model the query names exactly is put first, so an identifier always surfaces.

Lexical cost is bounded whatever the corpus size: only the rarer query terms are ORed (by the chunk counts in
`knowledge_terms`), so "fire" and "test" never make Postgres rank half the corpus, and every candidate branch is an
index scan with a LIMIT. The query embedding and the lexical query run concurrently.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Sequence

from psycopg import sql

from clara.knowledge import ingest
from clara.knowledge.chunking import query_identifiers, query_standards
from clara.knowledge.models import SearchHit
from clara.logging import get_logger
from clara.stores import Stores
from clara.stores.chroma import DenseHit

log = get_logger(__name__)

RRF_K = 60  # the usual reciprocal-rank constant: flattens the head so neither list alone dominates
EXACT_BOOST = 1.0  # more than any fused score (at most 2/61): an exact identifier hit always ranks first
CANDIDATES = 30  # per list; fusion only reorders what either list found
# Cosine similarity below which a dense neighbour is noise: off-topic questions ("pizza dough recipe") top out at
# 0.10-0.15 against the corpus, while the weakest right answer in the eval set scores 0.26.
MIN_SIMILARITY = 0.2
TERM_BUDGET = 300  # chunks the ORed query terms may match; past it the rarest terms are required together
MAX_TERMS = 8
AND_TERMS = 3
KEY_CAP = 20  # chunks whose own identifier the query names: a section or a model names very few
MENTION_CAP = 100


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: int
    exact: bool  # the chunk's own section number / model is named in the query


def text_query(terms: Sequence[tuple[str, int]]) -> sql.Composable | None:
    """A tsquery over the query's lexemes, rarest first, that matches at most about TERM_BUDGET chunks.

    `terms` are (lexeme, chunks containing it), rarest first. Rare terms are ORed while their counts fit the
    budget; when even the rarest is common ("point", "change" in a large corpus) the rarest few are ANDed instead.
    The lexemes are already stemmed (by 'english'), hence 'simple' here.
    """
    chosen: list[str] = []
    matched = 0
    for lexeme, chunks in terms[:MAX_TERMS]:
        if chosen and matched + chunks > TERM_BUDGET:
            break
        chosen.append(lexeme)
        matched += chunks
    if not chosen:
        return None
    operator = " || "
    if matched > TERM_BUDGET:
        chosen, operator = [lexeme for lexeme, _ in terms[:AND_TERMS]], " && "
    return sql.SQL(operator).join(sql.SQL("plainto_tsquery('simple', {})").format(sql.Literal(t)) for t in chosen)


_COLUMNS = sql.SQL("id, keys, identifiers, standard_key, search")


def _candidates(query: sql.Composable | None, identifiers: list[str], source: str | None) -> sql.Composable:
    """Each branch is an index scan capped by LIMIT, so no query ranks more than a few hundred chunks."""
    where_source = sql.SQL(" AND source = %(source)s") if source else sql.SQL("")
    branches: list[sql.Composable] = []
    if identifiers:
        branches.append(sql.SQL("(SELECT {} FROM knowledge_chunks WHERE keys && %(ids)s::text[]{} LIMIT {})")
                        .format(_COLUMNS, where_source, KEY_CAP))
        branches.append(sql.SQL("(SELECT {} FROM knowledge_chunks WHERE identifiers && %(ids)s::text[]{} LIMIT {})")
                        .format(_COLUMNS, where_source, MENTION_CAP))
    if query is not None:
        branches.append(sql.SQL("(SELECT {} FROM knowledge_chunks WHERE search @@ ({}){} LIMIT {})")
                        .format(_COLUMNS, query, where_source, TERM_BUDGET))
    return sql.SQL(" UNION ALL ").join(branches)


async def lexical(stores: Stores, query: str, *, source: str | None, n: int) -> list[LexicalHit]:
    """Chunks matching the query's identifiers or rarer words, ranked: own identifier named, standard named,
    identifiers mentioned, then full-text rank."""
    identifiers = query_identifiers(query)
    standards = set(query_standards(query))
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT lexeme, chunks FROM knowledge_terms"
            " WHERE lexeme = ANY(tsvector_to_array(to_tsvector('english', %s))) AND chunks > 0"
            " ORDER BY chunks, lexeme",
            (query,),
        )
        tsquery = text_query([(r["lexeme"], int(r["chunks"])) for r in await cur.fetchall()])
        if tsquery is None and not identifiers:
            return []
        rank = sql.SQL("ts_rank(c.search, {}, 1)").format(tsquery) if tsquery is not None else sql.SQL("0")
        cur = await conn.execute(
            sql.SQL("SELECT c.id, c.keys, c.identifiers, c.standard_key, {} AS rank FROM ({}) c")
            .format(rank, _candidates(tsquery, identifiers, source)),
            {"ids": identifiers, "source": source},
        )
        rows = await cur.fetchall()
    wanted = set(identifiers)
    scored: dict[int, tuple[bool, bool, int, float]] = {}
    for row in rows:
        scored[int(row["id"])] = (
            bool(wanted.intersection(row["keys"])),
            row["standard_key"] in standards,
            len(wanted.intersection(row["identifiers"])),
            float(row["rank"]),
        )
    ordered = sorted(scored.items(), key=lambda item: (tuple(-float(v) for v in item[1]), item[0]))
    return [LexicalHit(chunk_id, score[0]) for chunk_id, score in ordered[:n]]


async def dense(stores: Stores, query: str, *, source: str | None, n: int) -> list[DenseHit]:
    vector = await ingest.embed_query(stores, query)
    hits = await stores.chroma.query(vector, source=source, n=n)
    return [hit for hit in hits if hit.similarity >= MIN_SIMILARITY]


def fuse(dense_hits: Sequence[DenseHit], lexical_hits: Sequence[LexicalHit]) -> list[tuple[int, float]]:
    """Reciprocal rank fusion plus the exact-identifier boost; (chunk id, score), best first."""
    scores: dict[int, float] = {}
    for rank, hit in enumerate(dense_hits):
        scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    for rank, lex in enumerate(lexical_hits):
        bonus = EXACT_BOOST if lex.exact else 0.0
        scores[lex.chunk_id] = scores.get(lex.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1) + bonus
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


async def _rows(stores: Stores, ranked: list[tuple[int, float]]) -> list[SearchHit]:
    if not ranked:
        return []
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, document_id, source, title, section, text, standard, edition FROM knowledge_chunks"
            " WHERE id = ANY(%s)",
            ([chunk_id for chunk_id, _ in ranked],),
        )
        rows = {int(r["id"]): r for r in await cur.fetchall()}
    return [
        SearchHit(
            id=chunk_id, title=row["title"], source=row["source"], section=row["section"], text=row["text"],
            score=round(score, 6), document_id=int(row["document_id"]), standard=row["standard"],
            edition=row["edition"],
        )
        for chunk_id, score in ranked
        if (row := rows.get(chunk_id)) is not None  # a vector whose chunk was deleted meanwhile is skipped
    ]


@dataclass(frozen=True)
class Retrieval:
    hits: list[SearchHit]
    complete: bool  # False when dense retrieval failed and the hits are lexical matches only


async def hybrid(stores: Stores, query: str, *, k: int, source: str | None) -> Retrieval:
    n = max(CANDIDATES, k)
    complete = True
    lexical_task = asyncio.create_task(lexical(stores, query, source=source, n=n))
    try:
        dense_hits = await dense(stores, query, source=source, n=n)
    except asyncio.CancelledError:
        lexical_task.cancel()
        raise
    except Exception as exc:  # Chroma or the embedding API down: lexical alone still answers identifiers and words
        log.warning("knowledge_dense_unavailable", error=f"{type(exc).__name__}: {exc}"[:300])
        dense_hits, complete = [], False
    ranked = fuse(dense_hits, await lexical_task)
    return Retrieval((await _rows(stores, ranked[: k + 5]))[:k], complete)
