"""Writing documents into both stores, and keeping the shipped corpus and Chroma in step with Postgres.

A write is all-or-nothing across two stores that share no transaction: embed first (slow, outside any lock), then
in one Postgres transaction insert the rows and add the vectors to Chroma, side by side, and commit. Any failure
rolls Postgres back and deletes whatever reached Chroma, so a failed upload leaves nothing behind. Writers take one
advisory lock: uploads are rare, and serialising them keeps the term counts exact and duplicate uploads single.

Postgres is the record; Chroma is an index of it. `reconcile` rebuilds missing vectors and drops orphans, which
covers a fresh Chroma server, a switch of embedding model and a crash between the two writes.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from psycopg import AsyncConnection, AsyncCursor
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from clara.knowledge.chunking import Chunk
from clara.knowledge.identifiers import standard_key
from clara.knowledge.models import SyncReport
from clara.knowledge.vectors import pack
from clara.knowledge.parsing import (
    MARKDOWN, TEXT, ParsedDocument, parse_document, parse_front_matter_source, parse_spec_document,
)
from clara.platform.logging import get_logger
from clara.platform.resilience import call
from clara.stores import Stores
from clara.stores.chroma import ALL, INDEXES, SOURCES, ChromaUnavailable
from clara.stores.postgres import transaction

log = get_logger(__name__)

PARSER_VERSION = 3  # documents stored by an older parser are parsed again (2: structure, context, spans; 3: specs' spans)
_WRITE_LOCK = 7_420_302  # advisory lock key: "writing knowledge" (0002_knowledge)
_REINDEX_BATCH = 256
_SYNC_ROUND_CHUNKS = 2_000  # corpus files written together: all of the shipped ones, a few MB of vectors


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def embed_documents(stores: Stores, texts: Sequence[str]) -> np.ndarray:
    """Vectors for chunk texts, in a worker thread (CPU-bound locally, a network call for Gemini)."""
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_documents, list(texts)),
        breaker=stores.breakers.get("embeddings"),
    )


async def embed_passages(stores: Stores, chunks: Sequence[Chunk]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each chunk's vector (of its text under its headings) and its spans' vectors, in a worker thread."""
    texts = [c.embedding_text for c in chunks]
    spans = [[(len(t) - len(c.text) + s.start, len(t) - len(c.text) + s.end) for s in c.spans]
             for t, c in zip(texts, chunks)]
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_passages, texts, spans),
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
    visibility: str = "company"  # or "private": the uploader (and staff) only


_INSERT_CHUNKS = """
INSERT INTO knowledge_chunks (id, document_id, ordinal, source, title, section, standard, standard_key, edition,
                              text, keys, identifiers, heading, page, spans, span_vectors)
OVERRIDING SYSTEM VALUE
SELECT c.id, %(document_id)s, c.ordinal, %(source)s, c.title, c.section, %(standard)s, %(standard_key)s,
       %(edition)s, c.text, c.keys, c.identifiers, c.heading, c.page, c.spans, decode(c.vectors, 'base64')
FROM jsonb_to_recordset(%(chunks)s) AS c(id bigint, ordinal int, title text, section text, text text, keys text[],
                                         identifiers text[], heading text, page int, spans jsonb, vectors text)
"""

_INSERT_SPECS = """
INSERT INTO equipment_specs (model_key, model, document_id, manufacturer, series, type, category, description,
                             details)
SELECT s.model_key, s.model, %(document_id)s, s.manufacturer, s.series, s.type, s.category, s.description, s.details
FROM jsonb_to_recordset(%(specs)s) AS s(model_key text, model text, manufacturer text, series text, type text,
                                        category text, description text, details jsonb)
ON CONFLICT (model_key) DO NOTHING
RETURNING model_key
"""

def _chunk_rows(chunks: Sequence[Chunk], ids: Sequence[int], vectors: Sequence[bytes]) -> Jsonb:
    return Jsonb([
        {"id": chunk_id, "ordinal": n, "title": c.title, "section": c.section, "text": c.text, "keys": list(c.keys),
         "identifiers": list(c.identifiers), "heading": c.heading, "page": c.page,
         "spans": [[s.start, s.end, s.section, s.page] for s in c.spans],
         "vectors": base64.b64encode(packed).decode("ascii")}
        for n, (c, chunk_id, packed) in enumerate(zip(chunks, ids, vectors, strict=True))
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
    await conn.execute("DELETE FROM knowledge_documents WHERE id = %s", (document_id,))
    return row["source"], ids


async def _new_ids(conn: AsyncConnection[DictRow], table: str, n: int) -> list[int]:
    """`n` ids from `table`'s identity sequence, drawn before the rows exist so Chroma can be written meanwhile."""
    cur = await conn.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s)", (table, n)
    )
    return [int(r["id"]) for r in await cur.fetchall()]


async def _insert(
    conn: AsyncConnection[DictRow], doc: ParsedDocument, origin: Origin, document_id: int, chunk_ids: Sequence[int],
    vectors: Sequence[bytes], *, fills: bool = False,
) -> AsyncCursor[DictRow] | None:
    """Queue a document's rows; returns the cursor of its specs' insert (the models it added), if it has specs."""
    if fills:
        await conn.execute(
            "UPDATE knowledge_documents SET source = %s, title = %s, standard = %s, edition = %s, media_type = %s,"
            " chunk_count = %s, parser_version = %s, pages = %s, status = 'ready', error = NULL WHERE id = %s",
            (doc.source, doc.title, doc.standard, doc.edition, doc.media_type, len(doc.chunks), PARSER_VERSION,
             doc.pages, document_id),
        )
    else:
        await conn.execute(
            "INSERT INTO knowledge_documents (id, source, title, standard, edition, media_type, filename, origin,"
            " content_hash, byte_size, chunk_count, uploaded_by, parser_version, pages, visibility)"
            " OVERRIDING SYSTEM VALUE VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (document_id, doc.source, doc.title, doc.standard, doc.edition, doc.media_type, origin.filename,
             origin.path, origin.content_hash, origin.byte_size, len(doc.chunks), origin.uploaded_by, PARSER_VERSION,
             doc.pages, origin.visibility),
        )
    await conn.execute(
        _INSERT_CHUNKS,
        {"document_id": document_id, "source": doc.source, "standard": doc.standard,
         "standard_key": standard_key(doc.standard), "edition": doc.edition,
         "chunks": _chunk_rows(doc.chunks, chunk_ids, vectors)},
    )
    if not doc.specs:
        return None
    return await conn.execute(_INSERT_SPECS, {"document_id": document_id, "specs": Jsonb([
        {"model_key": spec.key, "model": spec.model, "manufacturer": spec.manufacturer, "series": spec.series,
         "type": spec.type, "category": spec.category, "description": spec.description, "details": spec.details}
        for spec in doc.specs
    ])})


def _warn_duplicate_models(doc: ParsedDocument, document_id: int, inserted: set[str]) -> None:
    """A model another file already defines keeps that file's data (the first stored wins)."""
    for spec in doc.specs:
        if spec.key not in inserted:
            log.warning("equipment_model_duplicate", model=spec.model, document_id=document_id)


@dataclass(frozen=True)
class NewDocument:
    """A parsed document on its way into the stores; `replaces` is the id of an older version (a changed file)."""

    doc: ParsedDocument
    origin: Origin
    replaces: int | None = None
    fills: int | None = None  # the `processing` row reserved for it by a background upload (`reserve`)


async def write_document(
    stores: Stores, doc: ParsedDocument, origin: Origin, *, replaces: int | None = None
) -> tuple[int, bool]:
    """Store `doc` in Postgres and Chroma together; return (document id, created).

    Identical content already stored returns that document (created=False), which makes uploads idempotent.
    `replaces` is the id of an older version (a changed shipped file), removed in the same transaction.
    """
    [written] = await write_documents(stores, [NewDocument(doc, origin, replaces)])
    return written


async def write_documents(stores: Stores, documents: Sequence[NewDocument]) -> list[tuple[int, bool]]:
    """Store several documents as one: one embedding pass, one transaction, one Chroma write per collection.

    Syncing the corpus a document at a time left a core idle at the end of each document's embedding and paid
    Chroma's fixed cost per write twice per document. Returns (document id, created) for each, in order.
    """
    return await store_round(stores, await embed_round(stores, documents))


@dataclass(frozen=True)
class EmbeddedRound:
    """Documents with the vectors of their chunks, ready to store; `known` maps a position in `documents` to the
    id of a stored document with the same content (nothing to write), and `vectors` holds the others' chunks."""

    documents: Sequence[NewDocument]
    known: dict[int, int]
    vectors: np.ndarray  # each chunk's vector, for Chroma
    packed: list[bytes]  # each chunk's vector and its spans' vectors, for the second ranking stage


async def embed_round(stores: Stores, documents: Sequence[NewDocument]) -> EmbeddedRound:
    """The slow half of a write, outside any lock or transaction: skip content already stored, embed the rest."""
    async with stores.db.connection() as conn:
        known = {position: stored for position, new in enumerate(documents) if new.replaces is None
                 and new.fills is None
                 and (stored := await existing_by_hash(conn, new.origin.content_hash)) is not None}
    chunks = [c for position, new in enumerate(documents) if position not in known for c in new.doc.chunks]
    vectors, spans = await embed_passages(stores, chunks)
    return EmbeddedRound(documents, known, vectors,
                         [pack(np.vstack([whole[None, :], pooled])) for whole, pooled in zip(vectors, spans)])


@dataclass(frozen=True)
class _Write:
    """A document to insert, with the ids drawn for it and the rows of its chunks in the round's vectors."""

    new: NewDocument
    document_id: int
    chunk_ids: list[int]
    rows: range


async def _plan(
    conn: AsyncConnection[DictRow], embedded: EmbeddedRound, results: dict[int, tuple[int, bool]]
) -> list[_Write]:
    """The documents of a round still to write, with ids drawn for them; fills in `results` for every document.

    Runs under the write lock: a document checked before embedding may have been stored since.
    """
    todo: list[tuple[int, NewDocument, range]] = []
    next_row = 0
    for position, new in enumerate(embedded.documents):
        if position in results:
            continue
        rows = range(next_row, next_row + len(new.doc.chunks))
        next_row = rows.stop
        if new.fills is not None:
            if await _still_processing(conn, new.fills):
                todo.append((position, new, rows))
            else:  # another instance finished it first, or it was deleted meanwhile
                results[position] = (new.fills, False)
        elif (known := await existing_by_hash(conn, new.origin.content_hash)) is not None:
            results[position] = (known, False)  # a concurrent upload, or another file with the same bytes
        else:
            todo.append((position, new, rows))
    drawn = iter(await _new_ids(conn, "knowledge_documents", sum(new.fills is None for _, new, _ in todo)))
    chunk_ids = iter(await _new_ids(conn, "knowledge_chunks", sum(len(rows) for _, _, rows in todo)))
    writes = []
    for position, new, rows in todo:
        document_id = new.fills if new.fills is not None else next(drawn)
        results[position] = (document_id, True)
        writes.append(_Write(new, document_id, [next(chunk_ids) for _ in rows], rows))
    return writes


async def _still_processing(conn: AsyncConnection[DictRow], document_id: int) -> bool:
    cur = await conn.execute("SELECT status = 'processing' AS pending FROM knowledge_documents WHERE id = %s",
                             (document_id,))
    row = await cur.fetchone()
    return bool(row and row["pending"])


async def store_round(stores: Stores, embedded: EmbeddedRound) -> list[tuple[int, bool]]:
    """Write an embedded round into Postgres and Chroma, all or nothing; (document id, created) for each, in order.

    Ids are drawn first, so the two stores are written side by side. Embedded Chroma holds the GIL while it
    writes (chroma#3873), which stalls the event loop, so the inserts are sent without waiting for their results
    (pipeline mode): Chroma's write starts when the loop first waits on Postgres (a full socket buffer, or the
    end of the pipeline), and the server works through what it holds meanwhile. Syncing the shipped corpus spent
    290 ms here, now 170 ms.
    """
    results = {position: (stored, False) for position, stored in embedded.known.items()}
    writes: list[_Write] = []
    stale: list[tuple[str, list[int]]] = []
    try:
        async with transaction(stores.db) as conn:
            await _lock(conn)
            writes = await _plan(conn, embedded, results)
            adding = asyncio.create_task(stores.chroma.add(  # starts at the first wait on Postgres below
                [i for w in writes for i in w.chunk_ids], embedded.vectors[[r for w in writes for r in w.rows]],
                sources=_sources(writes), document_ids=[w.document_id for w in writes for _ in w.chunk_ids],
            ))
            specs: list[tuple[_Write, AsyncCursor[DictRow]]] = []
            try:
                async with conn.pipeline():
                    for write in writes:
                        if write.new.replaces is not None and (removed := await _remove_rows(conn, write.new.replaces)):
                            stale.append(removed)
                        if (cur := await _insert(conn, write.new.doc, write.new.origin, write.document_id,
                                                 write.chunk_ids, [embedded.packed[r] for r in write.rows],
                                                 fills=write.new.fills is not None)) is not None:
                            specs.append((write, cur))
                await adding
            except BaseException:
                await asyncio.gather(adding, return_exceptions=True)  # finished before it is undone
                raise
            for write, cur in specs:
                _warn_duplicate_models(write.new.doc, write.document_id, {r["model_key"] for r in await cur.fetchall()})
    except BaseException:
        if writes:
            await _compensate(stores, [i for w in writes for i in w.chunk_ids], _sources(writes))
        raise
    for source, gone in stale:
        await _forget_vectors(stores, source, gone)
    for write in writes:
        log.info("knowledge_document_stored", document_id=write.document_id, source=write.new.doc.source,
                 chunks=len(write.chunk_ids))
    return [results[position] for position in range(len(embedded.documents))]


def _sources(writes: Sequence[_Write]) -> list[str]:
    return [w.new.doc.source for w in writes for _ in w.chunk_ids]


async def _compensate(stores: Stores, ids: list[int], sources: list[str]) -> None:
    """Undo a Chroma write whose Postgres transaction did not commit."""
    for source in dict.fromkeys(sources):
        mine = [chunk_id for chunk_id, s in zip(ids, sources) if s == source]
        try:
            await stores.chroma.delete(source, mine)
        except ChromaUnavailable as exc:  # the orphans stay until `reconcile` drops them at the next start-up
            log.warning("knowledge_compensation_failed", source=source, chunks=len(mine), error=str(exc))


async def _forget_vectors(stores: Stores, source: str, ids: list[int]) -> None:
    try:
        await stores.chroma.delete(source, ids)
    except ChromaUnavailable as exc:
        log.warning("knowledge_stale_vectors_kept", source=source, chunks=len(ids), error=str(exc))


async def reserve(stores: Stores, *, title: str, source: str, media_type: str, origin: Origin) -> tuple[int, bool]:
    """A `processing` row for a document ingested in the background, so its id can be answered at once; (id, created).
    Identical content already stored (or being stored) returns that document instead."""
    async with transaction(stores.db) as conn:
        await _lock(conn)
        if (known := await existing_by_hash(conn, origin.content_hash)) is not None:
            return known, False
        cur = await conn.execute(
            "INSERT INTO knowledge_documents (source, title, media_type, filename, content_hash, byte_size,"
            " chunk_count, uploaded_by, parser_version, visibility, status)"
            " VALUES (%s, %s, %s, %s, %s, %s, 0, %s, 0, %s, 'processing') RETURNING id",
            (source, title, media_type, origin.filename, origin.content_hash, origin.byte_size, origin.uploaded_by,
             origin.visibility),
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"]), True


async def fail(stores: Stores, document_id: int, error: str) -> None:
    """Mark a background document that cannot be indexed (unreadable, too large), with the reason to show."""
    async with stores.db.connection() as conn:
        await conn.execute("UPDATE knowledge_documents SET status = 'failed', error = %s"
                           " WHERE id = %s AND status = 'processing'", (error[:500], document_id))


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
    """Searches and specs may answer differently now: bring this process's lexical index up to date, and forget
    cached answers in every process (clara.platform.cache; other processes refresh their index on that message)."""
    stores.lexical.stale = True
    await stores.lexical.refresh()
    await stores.cache.invalidate("knowledge")
    await stores.cache.invalidate("specs")


async def sync_corpus(stores: Stores) -> SyncReport:
    """Bring the shipped corpus (data/knowledge, data/specifications) into the stores; unchanged files cost a hash.

    Changed files are written in rounds of about `_SYNC_ROUND_CHUNKS` chunks (`write_documents`), then whatever
    Chroma is missing is rebuilt and collections of a former embedding model are dropped. With Chroma unreachable
    the sync stops at the round it reached (each round is all-or-nothing) and carries on at the next start-up or
    reload; search answers from Postgres meanwhile.
    """
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, origin, content_hash, parser_version FROM knowledge_documents"
                                 " WHERE origin IS NOT NULL")
        known = {r["origin"]: (int(r["id"]), r["content_hash"] if r["parser_version"] == PARSER_VERSION else "")
                 for r in await cur.fetchall()}  # parsed by an older parser: parsed again, like a changed file
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
    files = corpus_files(stores.settings.corpus_dir)
    batch: list[NewDocument] = []

    async def write_batch() -> None:
        await write_documents(stores, batch)
        for new in batch:
            counts["added" if new.replaces is None else "updated"] += 1
        batch.clear()

    try:
        for file in files:
            data = file.path.read_bytes()
            digest = content_hash(data)
            previous = known.get(file.origin)
            if previous is not None and previous[1] == digest:
                counts["unchanged"] += 1
                continue
            origin = Origin(len(data), digest, file.path.name, path=file.origin)
            batch.append(NewDocument(parse_corpus_file(file, data), origin, previous[0] if previous else None))
            if sum(len(new.doc.chunks) for new in batch) >= _SYNC_ROUND_CHUNKS:
                await write_batch()
        await write_batch()
        present = {f.origin for f in files}
        for gone, (document_id, _) in known.items():
            if gone not in present:
                await remove_document(stores, document_id)
                counts["removed"] += 1
        reindexed = await reconcile(stores)
        for name in await stores.chroma.drop_other_models():  # only once this model's collections are whole
            log.info("knowledge_collection_dropped", collection=name, reason="another embedding model's vectors")
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
            "SELECT id, document_id, title, section, text, heading FROM knowledge_chunks WHERE id = ANY(%s) ORDER BY id",
            (ids,),
        )
        rows = await cur.fetchall()
    vectors = await embed_documents(
        stores, [Chunk(r["title"], r["section"], r["text"], heading=r["heading"]).embedding_text for r in rows])
    for index in dict.fromkeys(index for row in rows for index in lacking[int(row["id"])]):
        positions = [p for p, row in enumerate(rows) if index in lacking[int(row["id"])]]
        await stores.chroma.add_to(index, [int(rows[p]["id"]) for p in positions], vectors[positions],
                                   [int(rows[p]["document_id"]) for p in positions])
