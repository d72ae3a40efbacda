"""The lexical half of knowledge search: BM25 over the chunks' lexemes, held in memory, rebuilt from PostgreSQL.

PostgreSQL analyses the text (`to_tsvector('english')`, the generated `search` column) and stays the record; its own
ranking (`ts_rank`) has no inverse document frequency, so "pump" counted as much as "HV-30" and common words buried
the rare ones a technician's question hinges on. BM25 weighs each term by its rarity and saturates repeats; held as a
sparse matrix of per-chunk term weights, a query is a few column sums over a few million numbers (about 1 ms at
50,000 chunks), whatever its words.

Heading words (document title, headings, section: the tsvector's weight A) count `HEADING_WEIGHT` times, as in
BM25F: a question naming "the KX-400" or "hydrostatic testing" points at chunks under that title or heading, ahead of
a passage that only mentions the words in passing, even three times.

Each process holds its own copy. Writes in this process refresh it before they return; writes elsewhere reach it
through the knowledge cache's invalidation (`Cache.on_invalidate`), and a search waits for a refresh under way, so
it never answers from an index older than the cache entry it fills.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from scipy import sparse

from clara.platform.logging import get_logger
from clara.stores import postgres

log = get_logger(__name__)

K1 = 1.2
B = 0.75
HEADING_WEIGHT = 4.0  # dev MRR@10 0.810 at 1, 0.824 at 2, 0.834 at 3, 0.848 at 4, 0.849 at 6 (bench/knowledge_eval.py)
# Rows read per statement: psycopg parses a statement's rows (their lexeme arrays) in one step of the event loop, so
# this bounds how long a refresh blocks it; their terms are built in the worker thread. After the 200-page bench
# manual (1,275 chunks) the refresh's longest step went from 25 to 7 ms of CPU (bench/upload_stall.py's document).
_FETCH = 1000

_ROWS = """
SELECT c.id, c.document_id, c.source, d.uploaded_by, d.visibility,
       tsvector_to_array(to_tsvector('english', split_part(c.heading, ' > ', 1))) AS context,
       array_agg(t.lexeme ORDER BY t.lexeme) AS lexemes,
       array_agg(cardinality(array_positions(t.weights, 'A')) ORDER BY t.lexeme) AS heading,
       array_agg(cardinality(t.positions) - cardinality(array_positions(t.weights, 'A')) ORDER BY t.lexeme) AS body
FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id, unnest(c.search) AS t
WHERE c.id = ANY(%s)
GROUP BY c.id, c.document_id, c.source, d.uploaded_by, d.visibility, c.heading
"""


@dataclass(frozen=True)
class ChunkTerms:
    """What the index keeps of one chunk: its place in the filters and its term frequencies."""

    chunk_id: int
    document_id: int
    source: str
    owner: int | None  # the uploader of a private document; None when every user may see it
    terms: dict[str, float]  # lexeme -> weighted frequency (heading occurrences count HEADING_WEIGHT times)
    context: frozenset[str]  # the lexemes of its document's title (and running header)


@dataclass(frozen=True)
class Matrix:
    """An immutable snapshot: searches read one while a refresh builds the next."""

    chunks: tuple[ChunkTerms, ...]
    ids: np.ndarray  # chunk id per row
    owners: np.ndarray  # owner per row, -1 for shared
    vocabulary: dict[str, int]
    idf: np.ndarray  # per column
    weights: sparse.csc_matrix  # rows x columns: BM25's saturated term frequency, idf applied at query time
    rows: dict[int, int]  # chunk id -> row
    documents: dict[int, frozenset[str]]  # document id -> every lexeme of its title and chunks
    documents_by_term: dict[str, int]  # lexeme -> how many documents hold it
    titles_by_term: dict[str, int]  # lexeme -> how many documents' titles (and running headers) hold it
    of_source: dict[str, np.ndarray]  # source -> its rows, as a mask: comparing 50,000 strings took ms per search

    @classmethod
    def build(cls, chunks: Sequence[ChunkTerms]) -> "Matrix":
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.zeros(len(chunks), dtype=np.float64)
        for row, chunk in enumerate(chunks):
            for lexeme, tf in chunk.terms.items():
                rows.append(row)
                cols.append(vocabulary.setdefault(lexeme, len(vocabulary)))
                tfs.append(tf)
                lengths[row] += tf
        n = len(chunks)
        average = float(lengths.mean()) if n else 1.0
        tf = np.array(tfs, dtype=np.float64)
        row_index = np.array(rows, dtype=np.int64)
        norm = K1 * (1 - B + B * lengths[row_index] / max(average, 1e-9))
        saturated = (tf * (K1 + 1) / (tf + norm)).astype(np.float32)
        weights = sparse.csc_matrix((saturated, (row_index, np.array(cols, dtype=np.int64))),
                                    shape=(n, len(vocabulary)))
        df = np.diff(weights.indptr).astype(np.float64)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        whole: dict[int, set[str]] = {}
        for c in chunks:
            whole.setdefault(c.document_id, set(c.context)).update(c.terms)
        documents = {d: frozenset(t) for d, t in whole.items()}
        documents_by_term: dict[str, int] = {}
        for terms in documents.values():
            for lexeme in terms:
                documents_by_term[lexeme] = documents_by_term.get(lexeme, 0) + 1
        titles: dict[int, frozenset[str]] = {c.document_id: c.context for c in chunks}
        titles_by_term: dict[str, int] = {}
        for terms in titles.values():
            for lexeme in terms:
                titles_by_term[lexeme] = titles_by_term.get(lexeme, 0) + 1
        sources = np.array([c.source for c in chunks], dtype=object)
        return cls(tuple(chunks), np.array([c.chunk_id for c in chunks], dtype=np.int64),
                   np.array([-1 if c.owner is None else c.owner for c in chunks], dtype=np.int64),
                   vocabulary, idf, weights, {c.chunk_id: row for row, c in enumerate(chunks)}, documents,
                   documents_by_term, titles_by_term, {source: sources == source for source in set(sources)})

    def row_of(self, chunk_id: int) -> int | None:
        return self.rows.get(chunk_id)

    def terms_of_document(self, document_id: int) -> frozenset[str]:
        return self.documents.get(document_id, frozenset())

    def documents_with(self, lexeme: str) -> int:
        """In how many documents a word occurs: 1 or 2 for a brand, a model family or an agency's name, many for
        "pump" or "manual"."""
        return self.documents_by_term.get(lexeme, 0)

    def titles_with(self, lexeme: str) -> int:
        """In how many documents' titles a word occurs: a brand or model family names a document there; a word
        that is merely rare ("walk") names none."""
        return self.titles_by_term.get(lexeme, 0)

    def visible(self, *, source: str | None, viewer: int | None) -> np.ndarray:
        """Rows a search may return: of `source` (when given), shared or owned by `viewer` (None: staff, who see
        every document)."""
        if viewer is None:
            mask = np.ones(len(self.chunks), dtype=bool)
        else:
            mask = (self.owners == -1) | (self.owners == viewer)
        if source is not None:
            mask &= self.of_source.get(source, False)
        return mask

    def may_see(self, chunk_id: int, viewer: int | None) -> bool:
        row = self.rows.get(chunk_id)
        if row is None:
            return True  # not indexed yet (a write racing this search): its document's own rules still held it
        owner = int(self.owners[row])
        return viewer is None or owner == -1 or owner == viewer

    def idf_of(self, lexeme: str) -> float:
        column = self.vocabulary.get(lexeme)
        if column is not None:
            return float(self.idf[column])
        n = len(self.chunks)
        return math.log(1 + (n + 0.5) / 0.5)  # a word no chunk has is as rare as can be

    def scores(self, lexemes: Sequence[str]) -> np.ndarray:
        """BM25 of every row for these query lexemes (each counted once)."""
        total = np.zeros(len(self.chunks), dtype=np.float32)
        for lexeme in dict.fromkeys(lexemes):
            column = self.vocabulary.get(lexeme)
            if column is None:
                continue
            start, end = self.weights.indptr[column], self.weights.indptr[column + 1]
            total[self.weights.indices[start:end]] += self.idf[column] * self.weights.data[start:end]
        return total


@dataclass
class LexicalIndex:
    db: postgres.Pool
    matrix: Matrix = field(default_factory=lambda: Matrix.build(()))
    stale: bool = True
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _refreshing: asyncio.Task[None] | None = None

    def mark_stale(self) -> None:
        """Another process changed the corpus: refresh soon, and let searches wait for it."""
        self.stale = True
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self._refresh_soon(), name="clara-lexical-refresh")

    async def _refresh_soon(self) -> None:
        try:
            await self.refresh()
        except Exception as exc:  # PostgreSQL away: still stale, so the next search tries again
            log.warning("lexical_index_refresh_failed", error=f"{type(exc).__name__}: {exc}"[:300])

    async def current(self) -> Matrix:
        """The index, brought up to date first when a change is known to be pending."""
        if self.stale:
            await self.refresh()
        return self.matrix

    async def refresh(self) -> None:
        """Load what PostgreSQL added since the last refresh, drop what it removed, and rebuild the matrix."""
        async with self._lock:
            if not self.stale:
                return
            self.stale = False  # set first: a change landing during the load marks it stale again
            try:
                async with self.db.connection() as conn:
                    cur = await conn.execute("SELECT id FROM knowledge_chunks")
                    present = {int(r["id"]) for r in await cur.fetchall()}
                    held = {c.chunk_id: c for c in self.matrix.chunks}
                    added = sorted(present - held.keys())
                    rows: list[dict] = []
                    for start in range(0, len(added), _FETCH):
                        cur = await conn.execute(_ROWS, (added[start : start + _FETCH],))
                        rows += await cur.fetchall()
            except BaseException:
                self.stale = True
                raise
            if not added and present == held.keys():
                return
            kept = [c for c in self.matrix.chunks if c.chunk_id in present]
            self.matrix = await asyncio.to_thread(lambda: Matrix.build([*kept, *map(_terms, rows)]))
            log.debug("lexical_index_refreshed", chunks=len(self.matrix.chunks), added=len(rows),
                     removed=len(held) - len(kept))


def _terms(row: dict) -> ChunkTerms:
    owner = row["uploaded_by"] if row["visibility"] == "private" else None
    terms = {lexeme: float(body) + HEADING_WEIGHT * float(heading)
             for lexeme, heading, body in zip(row["lexemes"], row["heading"], row["body"])}
    return ChunkTerms(int(row["id"]), int(row["document_id"]), row["source"], owner, terms,
                      frozenset(row["context"] or ()))
