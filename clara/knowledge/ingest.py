"""Writing documents into both stores, all or nothing.

A write is all-or-nothing across two stores that share no transaction: embed first (slow, outside any lock), then
in one Postgres transaction insert the rows and add the vectors to Chroma, side by side, and commit. Any failure
rolls Postgres back and deletes whatever reached Chroma, so a failed upload leaves nothing behind. Writers take one
advisory lock: uploads are rare, and serialising them keeps the term counts exact and duplicate uploads single.

Postgres is the record; Chroma is an index of it (clara.knowledge.corpus reconciles the two at start-up).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from psycopg import AsyncConnection, AsyncCursor
from psycopg.rows import DictRow

from clara.knowledge import records
from clara.knowledge.embedding import embed_passages
from clara.knowledge.parsing import ParsedDocument
from clara.knowledge.records import Origin
from clara.knowledge.vectors import pack
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.stores.chroma import ChromaUnavailable
from clara.stores.postgres import transaction

log = get_logger(__name__)


@dataclass(frozen=True)
class NewDocument:
    """A parsed document on its way into the stores; `replaces` is the id of an older version (a changed file)."""

    doc: ParsedDocument
    origin: Origin
    replaces: int | None = None
    fills: int | None = None  # the `processing` row reserved for it by a background upload (`reserve`)
    reparses: int | None = None  # the same document parsed again by a newer parser: its rows replaced, its id kept


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
                 and new.fills is None and new.reparses is None
                 and (stored := await records.existing_by_hash(conn, new.origin.content_hash)) is not None}
    chunks = [c for position, new in enumerate(documents) if position not in known for c in new.doc.chunks]
    vectors, spans = await embed_passages(stores, chunks)
    # 15 us of CPU a chunk: on the event loop, the 200-page bench manual's 1,275 chunks blocked it 19 ms in one step
    # (a 2,000-page manual's, 190 ms).
    packed = await asyncio.to_thread(
        lambda: [pack(np.vstack([whole[None, :], pooled])) for whole, pooled in zip(vectors, spans)])
    return EmbeddedRound(documents, known, vectors, packed)


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
            if await records.still_processing(conn, new.fills):
                todo.append((position, new, rows))
            else:  # another instance finished it first, or it was deleted meanwhile
                results[position] = (new.fills, False)
        elif new.reparses is not None:
            if await records.parsed_by_older(conn, new.reparses):
                todo.append((position, new, rows))
            else:  # parsed again by another instance already, or deleted meanwhile
                results[position] = (new.reparses, False)
        elif (known := await records.existing_by_hash(conn, new.origin.content_hash)) is not None:
            results[position] = (known, False)  # a concurrent upload, or another file with the same bytes
        else:
            todo.append((position, new, rows))
    drawn = iter(await records.new_ids(conn, "knowledge_documents",
                                       sum(_kept_id(new) is None for _, new, _ in todo)))
    chunk_ids = iter(await records.new_ids(conn, "knowledge_chunks", sum(len(rows) for _, _, rows in todo)))
    writes = []
    for position, new, rows in todo:
        kept = _kept_id(new)
        document_id = kept if kept is not None else next(drawn)
        results[position] = (document_id, True)
        writes.append(_Write(new, document_id, [next(chunk_ids) for _ in rows], rows))
    return writes


def _kept_id(new: NewDocument) -> int | None:
    """The id a document is written under when it already has one: a reserved row, or a document parsed again."""
    return new.fills if new.fills is not None else new.reparses


async def store_round(stores: Stores, embedded: EmbeddedRound) -> list[tuple[int, bool]]:
    """Write an embedded round into Postgres and Chroma, all or nothing; (document id, created) for each, in order.

    Ids are drawn first, so the two stores are written side by side. Embedded Chroma holds the GIL while it
    writes (chroma#3873), which stalls the event loop, so the inserts are sent without waiting for their results
    (pipeline mode), and the chunk rows are encoded in a worker thread first: Chroma's write starts while they are
    encoded, and the server works through what it holds meanwhile. Syncing the shipped corpus spent
    290 ms here, now 170 ms.
    """
    results = {position: (stored, False) for position, stored in embedded.known.items()}
    writes: list[_Write] = []
    stale: list[tuple[str, list[int]]] = []
    try:
        async with transaction(stores.db) as conn:
            await records.lock(conn)
            writes = await _plan(conn, embedded, results)
            adding = asyncio.create_task(stores.chroma.add(  # starts at the first wait on Postgres below
                [i for w in writes for i in w.chunk_ids], embedded.vectors[[r for w in writes for r in w.rows]],
                sources=_sources(writes), document_ids=[w.document_id for w in writes for _ in w.chunk_ids],
            ))
            specs: list[tuple[_Write, AsyncCursor[DictRow]]] = []
            try:
                rows = await asyncio.to_thread(lambda: [records.chunk_rows(
                    w.new.doc.chunks, w.chunk_ids, [embedded.packed[r] for r in w.rows]) for w in writes])
                async with conn.pipeline():
                    for write, chunks in zip(writes, rows):
                        if write.new.replaces is not None and (
                                removed := await records.remove_rows(conn, write.new.replaces)):
                            stale.append(removed)
                        if write.new.reparses is not None and (
                                removed := await records.remove_passages(conn, write.new.reparses)):
                            stale.append(removed)
                        if (cur := await records.insert_document(
                                conn, write.new.doc, write.new.origin, write.document_id, chunks,
                                fills=_kept_id(write.new) is not None,
                        )) is not None:
                            specs.append((write, cur))
                await adding
            except BaseException:
                await asyncio.gather(adding, return_exceptions=True)  # finished before it is undone
                raise
            for write, cur in specs:
                records.warn_duplicate_models(write.new.doc, write.document_id,
                                              {r["model_key"] for r in await cur.fetchall()})
    except BaseException:
        if writes:
            await _compensate(stores, [i for w in writes for i in w.chunk_ids], _sources(writes))
        raise
    for source, gone in stale:
        await _forget_vectors(stores, source, gone)
    for write in writes:
        # An upload's line says it is in; the shipped corpus's files are summed up by `knowledge_synced` instead
        # (25 lines on a first start, one per file, told a newcomer nothing).
        shipped = write.new.origin.path is not None
        (log.debug if shipped else log.info)("knowledge_document_stored", document_id=write.document_id,
                                             source=write.new.doc.source, chunks=len(write.chunk_ids))
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
        await records.lock(conn)
        if (known := await records.existing_by_hash(conn, origin.content_hash)) is not None:
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
        await records.lock(conn)
        removed = await records.remove_rows(conn, document_id)
        if removed is None:
            return False
        await stores.chroma.delete(*removed)
    return True


async def corpus_changed(stores: Stores) -> None:
    """Searches and specs may answer differently now: bring this process's lexical index up to date, and forget
    cached answers in every process (clara.platform.cache; other processes refresh their index on that message)."""
    stores.lexical.stale = True
    await stores.lexical.refresh()
    await stores.cache.invalidate("knowledge")
    await stores.cache.invalidate("specs")
