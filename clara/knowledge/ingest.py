"""Writing documents into both stores, and keeping the shipped corpus and Chroma in step with Postgres.

A write is all-or-nothing across two stores that share no transaction: embed first (slow, outside any lock), then
in one Postgres transaction insert the rows, add the vectors to Chroma, and commit. Any failure rolls Postgres back
and deletes whatever reached Chroma, so a failed upload leaves nothing behind. Writers take one advisory lock:
uploads are rare, and serialising them keeps the term counts exact and duplicate uploads single.

Postgres is the record; Chroma is an index of it. `reconcile` rebuilds missing vectors and drops orphans, which
covers a fresh Chroma server, a switch of embedding model and a crash between the two writes.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from psycopg import AsyncConnection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from clara.knowledge.chunking import Chunk, standard_key
from clara.knowledge.models import SyncReport
from clara.knowledge.parsing import (
    MARKDOWN, TEXT, ParsedDocument, parse_document, parse_front_matter_source, parse_spec_document,
)
from clara.logging import get_logger
from clara.resilience import call
from clara.stores import Stores
from clara.stores.chroma import ALL, INDEXES, SOURCES, ChromaUnavailable
from clara.stores.postgres import transaction

log = get_logger(__name__)

_WRITE_LOCK = 7_420_302  # advisory lock key: "writing knowledge" (0002_knowledge)
_REINDEX_BATCH = 256


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def embed_documents(stores: Stores, texts: Sequence[str]) -> np.ndarray:
    """Vectors for chunk texts, in a worker thread (CPU-bound locally, a network call for Gemini)."""
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_documents, list(texts)),
        breaker=stores.breakers.get("embeddings"),
    )


async def embed_query(stores: Stores, text: str) -> np.ndarray:
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_query, text),
        breaker=stores.breakers.get("embeddings"),
        timeout=stores.settings.gemini_timeout_seconds,
    )


@dataclass(frozen=True)
class Origin:
    """Where a document came from: a shipped corpus file (`path`) or an upload (`uploaded_by`)."""

    byte_size: int
    content_hash: str
    filename: str | None
    path: str | None = None
    uploaded_by: int | None = None


_INSERT_CHUNKS = """
INSERT INTO knowledge_chunks (document_id, ordinal, source, title, section, standard, standard_key, edition, text,
                              keys, identifiers)
SELECT %(document_id)s, c.ordinal, %(source)s, c.title, c.section, %(standard)s, %(standard_key)s, %(edition)s,
       c.text, c.keys, c.identifiers
FROM jsonb_to_recordset(%(chunks)s) AS c(ordinal int, title text, section text, text text, keys text[],
                                         identifiers text[])
ORDER BY c.ordinal
RETURNING id, ordinal
"""

_COUNT_TERMS = """
INSERT INTO knowledge_terms (lexeme, chunks)
SELECT lexeme, count(*) FROM knowledge_chunks c, unnest(tsvector_to_array(c.search)) AS lexeme
WHERE c.document_id = %s GROUP BY lexeme ORDER BY lexeme
ON CONFLICT (lexeme) DO UPDATE SET chunks = knowledge_terms.chunks + excluded.chunks
"""

_UNCOUNT_TERMS = """
UPDATE knowledge_terms t SET chunks = t.chunks - d.n
FROM (SELECT lexeme, count(*) AS n FROM knowledge_chunks c, unnest(tsvector_to_array(c.search)) AS lexeme
      WHERE c.document_id = %s GROUP BY lexeme) d
WHERE t.lexeme = d.lexeme
RETURNING t.lexeme, t.chunks
"""


def _chunk_rows(chunks: Sequence[Chunk]) -> Jsonb:
    return Jsonb([
        {"ordinal": n, "title": c.title, "section": c.section, "text": c.text, "keys": list(c.keys),
         "identifiers": list(c.identifiers)}
        for n, c in enumerate(chunks)
    ])


async def _lock(conn: AsyncConnection[DictRow]) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))


async def existing_by_hash(conn: AsyncConnection[DictRow], digest: str) -> int | None:
    cur = await conn.execute("SELECT id FROM knowledge_documents WHERE content_hash = %s", (digest,))
    row = await cur.fetchone()
    return None if row is None else int(row["id"])


async def _remove_rows(conn: AsyncConnection[DictRow], document_id: int) -> tuple[str, list[int]] | None:
    """Delete a document's rows (chunks and specs cascade); return its source and chunk ids for Chroma."""
    cur = await conn.execute("SELECT source FROM knowledge_documents WHERE id = %s FOR UPDATE", (document_id,))
    row = await cur.fetchone()
    if row is None:
        return None
    cur = await conn.execute("SELECT id FROM knowledge_chunks WHERE document_id = %s", (document_id,))
    ids = [int(r["id"]) for r in await cur.fetchall()]
    cur = await conn.execute(_UNCOUNT_TERMS, (document_id,))
    emptied = [r["lexeme"] for r in await cur.fetchall() if r["chunks"] <= 0]
    if emptied:
        await conn.execute("DELETE FROM knowledge_terms WHERE lexeme = ANY(%s) AND chunks <= 0", (emptied,))
    await conn.execute("DELETE FROM knowledge_documents WHERE id = %s", (document_id,))
    return row["source"], ids


async def _insert(
    conn: AsyncConnection[DictRow], doc: ParsedDocument, origin: Origin
) -> tuple[int, list[int]]:
    cur = await conn.execute(
        "INSERT INTO knowledge_documents (source, title, standard, edition, media_type, filename, origin,"
        " content_hash, byte_size, chunk_count, uploaded_by)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (doc.source, doc.title, doc.standard, doc.edition, doc.media_type, origin.filename, origin.path,
         origin.content_hash, origin.byte_size, len(doc.chunks), origin.uploaded_by),
    )
    row = await cur.fetchone()
    assert row is not None
    document_id = int(row["id"])
    cur = await conn.execute(
        _INSERT_CHUNKS,
        {"document_id": document_id, "source": doc.source, "standard": doc.standard,
         "standard_key": standard_key(doc.standard), "edition": doc.edition, "chunks": _chunk_rows(doc.chunks)},
    )
    ids = [int(r["id"]) for r in sorted(await cur.fetchall(), key=lambda r: r["ordinal"])]
    await conn.execute(_COUNT_TERMS, (document_id,))
    for spec in doc.specs:
        cur = await conn.execute(
            "INSERT INTO equipment_specs (model_key, model, document_id, manufacturer, series, type, category,"
            " description, details) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (model_key) DO NOTHING RETURNING model_key",
            (spec.key, spec.model, document_id, spec.manufacturer, spec.series, spec.type, spec.category,
             spec.description, Jsonb(spec.details)),
        )
        if await cur.fetchone() is None:
            log.warning("equipment_model_duplicate", model=spec.model, document_id=document_id)
    return document_id, ids


async def write_document(
    stores: Stores, doc: ParsedDocument, origin: Origin, *, replaces: int | None = None
) -> tuple[int, bool]:
    """Store `doc` in Postgres and Chroma together; return (document id, created).

    Identical content already stored returns that document (created=False), which makes uploads idempotent.
    `replaces` is the id of an older version (a changed shipped file), removed in the same transaction.
    """
    async with stores.db.connection() as conn:
        known = await existing_by_hash(conn, origin.content_hash)
    if known is not None and replaces is None:
        return known, False
    vectors = await embed_documents(stores, [c.embedding_text for c in doc.chunks])
    added: list[int] = []
    stale: tuple[str, list[int]] | None = None
    try:
        async with transaction(stores.db) as conn:
            await _lock(conn)
            known = await existing_by_hash(conn, origin.content_hash)
            if known is not None:  # stored meanwhile by a concurrent upload, or another file has the same bytes
                return known, False
            if replaces is not None:
                stale = await _remove_rows(conn, replaces)
            document_id, added = await _insert(conn, doc, origin)
            await stores.chroma.add(doc.source, added, vectors, document_id)
    except BaseException:
        if added:
            await _compensate(stores, doc.source, added)
        raise
    if stale is not None:
        await _forget_vectors(stores, *stale)
    log.info("knowledge_document_stored", document_id=document_id, source=doc.source, chunks=len(added))
    return document_id, True


async def _compensate(stores: Stores, source: str, ids: list[int]) -> None:
    """Undo a Chroma write whose Postgres transaction did not commit."""
    try:
        await stores.chroma.delete(source, ids)
    except ChromaUnavailable as exc:  # the orphans stay until `reconcile` drops them at the next start-up
        log.warning("knowledge_compensation_failed", source=source, chunks=len(ids), error=str(exc))


async def _forget_vectors(stores: Stores, source: str, ids: list[int]) -> None:
    try:
        await stores.chroma.delete(source, ids)
    except ChromaUnavailable as exc:
        log.warning("knowledge_stale_vectors_kept", source=source, chunks=len(ids), error=str(exc))


async def remove_document(stores: Stores, document_id: int) -> bool:
    """Delete a document from both stores: Chroma inside the Postgres transaction, so a Chroma failure keeps both."""
    async with transaction(stores.db) as conn:
        await _lock(conn)
        removed = await _remove_rows(conn, document_id)
        if removed is None:
            return False
        await stores.chroma.delete(*removed)
    return True


# ---- the shipped corpus ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CorpusFile:
    path: Path
    origin: str  # path relative to the corpus dir: the document's stable name across restarts


def corpus_files(corpus_dir: Path) -> list[CorpusFile]:
    files = [*sorted((corpus_dir / "knowledge").glob("*.md")), *sorted((corpus_dir / "knowledge").glob("*.txt")),
             *sorted((corpus_dir / "specifications").glob("*.json"))]
    return [CorpusFile(p, p.relative_to(corpus_dir).as_posix()) for p in files if p.is_file()]


def parse_corpus_file(file: CorpusFile, data: bytes) -> ParsedDocument:
    if file.path.suffix == ".json":
        return parse_spec_document(data, filename=file.path.name)
    source = parse_front_matter_source(data) or "manuals"
    if source not in SOURCES:
        source = "manuals"
    media = MARKDOWN if file.path.suffix == ".md" else TEXT
    return parse_document(data, media_type=media, filename=file.path.name, source=source)


async def corpus_changed(stores: Stores) -> None:
    """Searches and specs may answer differently now: forget them in every process (clara.cache)."""
    await stores.cache.invalidate("knowledge")
    await stores.cache.invalidate("specs")


async def sync_corpus(stores: Stores) -> SyncReport:
    """Bring the shipped corpus (data/knowledge, data/specifications) into the stores; unchanged files cost a hash.

    Then rebuild whatever Chroma is missing. With Chroma unreachable the sync stops at the file it reached (each
    file is all-or-nothing) and carries on at the next start-up or reload; search answers from Postgres meanwhile.
    """
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, origin, content_hash FROM knowledge_documents WHERE origin IS NOT NULL")
        known = {r["origin"]: (int(r["id"]), r["content_hash"]) for r in await cur.fetchall()}
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
    files = corpus_files(stores.settings.corpus_dir)
    try:
        for file in files:
            data = file.path.read_bytes()
            digest = content_hash(data)
            previous = known.get(file.origin)
            if previous is not None and previous[1] == digest:
                counts["unchanged"] += 1
                continue
            parsed = parse_corpus_file(file, data)
            origin = Origin(len(data), digest, file.path.name, path=file.origin)
            await write_document(stores, parsed, origin, replaces=previous[0] if previous else None)
            counts["updated" if previous else "added"] += 1
        present = {f.origin for f in files}
        for gone, (document_id, _) in known.items():
            if gone not in present:
                await remove_document(stores, document_id)
                counts["removed"] += 1
        reindexed = await reconcile(stores)
    except ChromaUnavailable as exc:
        log.warning("knowledge_sync_incomplete", error=str(exc))
        if counts["added"] or counts["updated"] or counts["removed"]:
            await corpus_changed(stores)
        return SyncReport(counts["added"], counts["updated"], counts["removed"], counts["unchanged"],
                          chroma_available=False)
    report = SyncReport(counts["added"], counts["updated"], counts["removed"], counts["unchanged"], reindexed)
    if report.added or report.updated or report.removed or report.reindexed:
        await corpus_changed(stores)
        log.info("knowledge_synced", **report.as_json())
    return report


async def reconcile(stores: Stores) -> int:
    """Make each Chroma collection hold exactly the chunks Postgres has; return the number of chunks re-embedded.

    Equal counts are taken as in step (listing 50,000 ids on every start-up would cost more than it finds). A chunk
    missing from several collections (a fresh server lacks it in its source's and the combined one) is embedded once.
    """
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT source, count(*) AS n FROM knowledge_chunks GROUP BY source")
        in_postgres = {r["source"]: int(r["n"]) for r in await cur.fetchall()}
    in_postgres[ALL] = sum(in_postgres.values())
    in_chroma = await stores.chroma.counts()
    stale = [index for index in INDEXES if in_postgres.get(index, 0) != in_chroma.get(index, 0)]
    if not stale:
        return 0
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, source FROM knowledge_chunks")
        sources = {int(r["id"]): r["source"] for r in await cur.fetchall()}
    lacking: dict[int, list[str]] = {}  # chunk id -> the collections that need its vector
    for index in stale:
        wanted = {i for i, source in sources.items() if index in (ALL, source)}
        present = await stores.chroma.ids(index)
        await stores.chroma.delete_from(index, sorted(present - wanted))
        for chunk_id in wanted - present:
            lacking.setdefault(chunk_id, []).append(index)
        log.info("knowledge_reconciling", collection=index, missing=len(wanted - present),
                 dropped=len(present - wanted))
    missing = sorted(lacking)
    for start in range(0, len(missing), _REINDEX_BATCH):
        await _reindex(stores, missing[start : start + _REINDEX_BATCH], lacking)
    return len(missing)


async def _reindex(stores: Stores, ids: list[int], lacking: dict[int, list[str]]) -> None:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, document_id, title, section, text FROM knowledge_chunks WHERE id = ANY(%s) ORDER BY id", (ids,)
        )
        rows = await cur.fetchall()
    vectors = await embed_documents(stores, [Chunk(r["title"], r["section"], r["text"]).embedding_text for r in rows])
    groups: dict[tuple[str, int], list[int]] = {}  # (collection, document) -> row positions
    for position, row in enumerate(rows):
        for index in lacking[int(row["id"])]:
            groups.setdefault((index, int(row["document_id"])), []).append(position)
    for (index, document_id), positions in groups.items():
        await stores.chroma.add_to(index, [int(rows[p]["id"]) for p in positions], vectors[positions], document_id)
