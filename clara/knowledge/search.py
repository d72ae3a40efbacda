"""Hybrid retrieval: dense similarity (Chroma) fused with lexical match (PostgreSQL full-text and identifiers).

Dense finds paraphrases ("how often do we churn the diesel pump") that share no words with the text; lexical finds
what embeddings blur: "5.2.4.2", "NFPA 72", "50TCQA06". Both lists are fused by reciprocal rank, and a chunk whose
own section number or model the query names exactly is put first, so an identifier always surfaces.

Lexical cost is bounded whatever the corpus size: only the rarer query terms are ORed (by the chunk counts in
`knowledge_terms`), so "fire" and "test" never make Postgres rank half the corpus. The query embedding and the
lexical query run concurrently.
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
from clara.stores.chroma import SOURCES, DenseHit

log = get_logger(__name__)

RRF_K = 60  # the usual reciprocal-rank constant: flattens the head so neither list alone dominates
EXACT_BOOST = 1.0  # more than any fused score (at most 2/61): an exact identifier hit always ranks first
CANDIDATES = 30  # per list; fusion only reorders what either list found
TERM_BUDGET = 4_000  # ORed terms may match at most about this many chunks (the rarest term always counts)
MAX_TERMS = 10


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: int
    exact: bool  # the chunk's own section number / model is named in the query


async def _rare_terms(stores: Stores, query: str) -> list[str]:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT lexeme, chunks FROM knowledge_terms"
            " WHERE lexeme = ANY(tsvector_to_array(to_tsvector('english', %s))) AND chunks > 0"
            " ORDER BY chunks, lexeme",
            (query,),
        )
        rows = await cur.fetchall()
    chosen: list[str] = []
    matched = 0
    for row in rows[:MAX_TERMS]:
        if chosen and matched + row["chunks"] > TERM_BUDGET:
            break
        chosen.append(row["lexeme"])
        matched += row["chunks"]
    return chosen


async def lexical(stores: Stores, query: str, *, source: str | None, n: int) -> list[LexicalHit]:
    terms = await _rare_terms(stores, query)
    identifiers = query_identifiers(query)
    if not terms and not identifiers:
        return []
    # ORed single-lexeme queries; 'simple' because the lexemes are already stemmed by the 'english' config.
    tsquery: sql.Composable = (
        sql.SQL(" || ").join(sql.SQL("plainto_tsquery('simple', {})").format(sql.Literal(t)) for t in terms)
        if terms else sql.SQL("NULL::tsquery")
    )
    statement = sql.SQL("""
        SELECT c.id, c.keys && %(ids)s::text[] AS exact
        FROM knowledge_chunks c, (SELECT {tsquery} AS q) q
        WHERE (c.search @@ q.q OR c.identifiers && %(ids)s::text[])
          AND (%(source)s::text IS NULL OR c.source = %(source)s::text)
        ORDER BY c.keys && %(ids)s::text[] DESC,
                 coalesce(c.standard_key = ANY(%(standards)s::text[]), false) DESC,
                 cardinality(ARRAY(SELECT unnest(c.identifiers) INTERSECT SELECT unnest(%(ids)s::text[]))) DESC,
                 coalesce(ts_rank(c.search, q.q, 1), 0) DESC,
                 c.id
        LIMIT %(n)s
    """).format(tsquery=tsquery)
    params = {"ids": identifiers, "standards": query_standards(query), "source": source, "n": n}
    async with stores.db.connection() as conn:
        cur = await conn.execute(statement, params)
        return [LexicalHit(int(r["id"]), bool(r["exact"])) for r in await cur.fetchall()]


async def dense(stores: Stores, query: str, *, source: str | None, n: int) -> list[DenseHit]:
    vector = await ingest.embed_query(stores, query)
    return await stores.chroma.query(vector, sources=[source] if source else SOURCES, n=n)


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
