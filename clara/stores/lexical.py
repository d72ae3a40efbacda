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
    """An immutable snapshot: searches read one while a refresh builds the next.

    Besides what a search reads, it keeps what the next snapshot is built from (each row's raw term frequencies and
    length, each document's title lexemes), so an upload extends it (`extended`) instead of walking every chunk's
    terms again: at 50,000 chunks that walk was ~2-3 s of CPU per upload, however small the upload.
    """

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
    frequencies: sparse.csr_matrix  # rows x columns: the weighted term frequencies, before saturation
    lengths: np.ndarray  # per row: the sum of its frequencies (BM25's document length)
    titles: dict[int, frozenset[str]]  # document id -> the title lexemes of its last chunk, as titles_by_term counts
    sources: np.ndarray  # source per row

    @classmethod
    def build(cls, chunks: Sequence[ChunkTerms]) -> "Matrix":
        return _EMPTY.extended(chunks)

    def extended(self, added: Sequence[ChunkTerms]) -> "Matrix":
        """This snapshot with `added` after its rows: the very matrix `build` makes of all of them (same columns,
        same weights), but only the added chunks' terms are walked in Python; every row's saturation (the average
        length changes) is recomputed in numpy over the kept frequencies."""
        vocabulary = dict(self.vocabulary)
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.zeros(len(added), dtype=np.float64)
        for row, chunk in enumerate(added):
            for lexeme, tf in chunk.terms.items():
                rows.append(row)
                cols.append(vocabulary.setdefault(lexeme, len(vocabulary)))
                tfs.append(tf)
                lengths[row] += tf
        fresh = sparse.csr_matrix((np.array(tfs, dtype=np.float64), (np.array(rows, dtype=np.int64),
                                                                      np.array(cols, dtype=np.int64))),
                                  shape=(len(added), len(vocabulary)))
        frequencies = sparse.vstack([_widened(self.frequencies, len(vocabulary)), fresh], format="csr")
        all_lengths = np.concatenate([self.lengths, lengths])
        n = len(all_lengths)
        average = float(all_lengths.mean()) if n else 1.0
        tf = frequencies.data
        row_index = np.repeat(np.arange(n, dtype=np.int64), np.diff(frequencies.indptr))
        norm = K1 * (1 - B + B * all_lengths[row_index] / max(average, 1e-9))
        saturated = sparse.csr_matrix(((tf * (K1 + 1) / (tf + norm)).astype(np.float32), frequencies.indices,
                                       frequencies.indptr), shape=frequencies.shape)
        weights = saturated.tocsc()
        df = np.diff(weights.indptr).astype(np.float64)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        documents, documents_by_term = dict(self.documents), dict(self.documents_by_term)
        whole: dict[int, set[str]] = {}
        for c in added:  # a document's lexemes: its first chunk's title lexemes and every chunk's terms
            if c.document_id not in whole:
                whole[c.document_id] = set(documents.get(c.document_id, c.context))
            whole[c.document_id].update(c.terms)
        for document_id, terms in whole.items():
            for lexeme in terms - documents.get(document_id, frozenset()):
                documents_by_term[lexeme] = documents_by_term.get(lexeme, 0) + 1
            documents[document_id] = frozenset(terms)
        titles, titles_by_term = dict(self.titles), dict(self.titles_by_term)
        for document_id, context in {c.document_id: c.context for c in added}.items():
            for lexeme in titles.get(document_id, frozenset()):
                titles_by_term[lexeme] -= 1
                if not titles_by_term[lexeme]:
                    del titles_by_term[lexeme]
            for lexeme in context:
                titles_by_term[lexeme] = titles_by_term.get(lexeme, 0) + 1
            titles[document_id] = context
        sources = np.concatenate([self.sources, np.array([c.source for c in added], dtype=object)])
        ids = np.concatenate([self.ids, np.array([c.chunk_id for c in added], dtype=np.int64)])
        owners = np.concatenate([self.owners, np.array([-1 if c.owner is None else c.owner for c in added],
                                                       dtype=np.int64)])
        row_of = dict(self.rows)
        row_of.update((c.chunk_id, len(self.chunks) + row) for row, c in enumerate(added))
        return Matrix((*self.chunks, *added), ids, owners, vocabulary, idf, weights, row_of, documents,
                      documents_by_term, titles_by_term, {source: sources == source for source in set(sources)},
                      frequencies, all_lengths, titles, sources)

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

    def audience(self, viewer: int | None) -> int | None:
        """Whose view `viewer`'s search is: staff see every document (None); a technician who owns no private
        document sees exactly what every user sees (0, shared only), so technicians' same questions share one cached
        search instead of one each (300 technicians' first asks were 300 full searches, the sessions bench's p95)."""
        return viewer if viewer is None or bool(np.any(self.owners == viewer)) else 0

    def may_see(self, chunk_id: int, viewer: int | None) -> bool:
        row = self.rows.get(chunk_id)
        if row is None:
            return True  # not indexed yet (an upload racing this search): the passage's own row decides (search.py)
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


def _widened(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    """The same rows over a vocabulary grown to `columns` (new columns are empty in every existing row)."""
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], columns))


_EMPTY = Matrix((), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), {}, np.zeros(0, dtype=np.float32),
                sparse.csc_matrix((0, 0), dtype=np.float32), {}, {}, {}, {}, {},
                sparse.csr_matrix((0, 0), dtype=np.float64), np.zeros(0, dtype=np.float64), {},
                np.zeros(0, dtype=object))


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
        """Load what PostgreSQL added since the last refresh, drop what it removed, and update the matrix.

        The ids come as one array (4 ms of the event loop at 50,000 chunks, where a row each took 25-40 ms); an
        upload extends the snapshot, and only a removal rebuilds it, in the worker thread either way."""
        async with self._lock:
            if not self.stale:
                return
            self.stale = False  # set first: a change landing during the load marks it stale again
            matrix = self.matrix
            try:
                async with self.db.connection() as conn:
                    cur = await conn.execute("SELECT coalesce(array_agg(id), '{}') AS ids FROM knowledge_chunks")
                    found = await cur.fetchone()
                    present = set(found["ids"]) if found else set()
                    added = sorted(present - matrix.rows.keys())
                    rows: list[dict] = []
                    for start in range(0, len(added), _FETCH):
                        cur = await conn.execute(_ROWS, (added[start : start + _FETCH],))
                        rows += await cur.fetchall()
            except BaseException:
                self.stale = True
                raise
            removed = len(matrix.rows) + len(added) - len(present)
            if not added and not removed:
                return
            if not removed:  # only additions (every upload): extend the snapshot, walking only theirs
                self.matrix = await asyncio.to_thread(lambda: matrix.extended(list(map(_terms, rows))))
            else:  # a deletion or a replacement (rare): build afresh, so no column outlives its last chunk
                self.matrix = await asyncio.to_thread(lambda: Matrix.build(
                    [*(c for c in matrix.chunks if c.chunk_id in present), *map(_terms, rows)]))
            log.debug("lexical_index_refreshed", chunks=len(self.matrix.chunks), added=len(rows), removed=removed)


def _terms(row: dict) -> ChunkTerms:
    owner = row["uploaded_by"] if row["visibility"] == "private" else None
    terms = {lexeme: float(body) + HEADING_WEIGHT * float(heading)
             for lexeme, heading, body in zip(row["lexemes"], row["heading"], row["body"])}
    return ChunkTerms(int(row["id"]), int(row["document_id"]), row["source"], owner, terms,
                      frozenset(row["context"] or ()))
