"""The shipped corpus (data/knowledge, data/specifications) kept in step with the stores, and Chroma with Postgres.

Postgres is the record; Chroma is an index of it. `reconcile` rebuilds missing vectors and drops orphans, which
covers a fresh Chroma server, a switch of embedding model and a crash between the two writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clara.knowledge import records
from clara.knowledge.chunking import Chunk
from clara.knowledge.embedding import embed_documents
from clara.knowledge.ingest import NewDocument, corpus_changed, remove_document, write_documents
from clara.knowledge.models import SyncReport
from clara.knowledge.parsing import (
    MARKDOWN, TEXT, ParsedDocument, parse_document, parse_front_matter_source, parse_spec_document,
)
from clara.knowledge.records import Origin
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.stores.chroma import ALL, INDEXES, SOURCES, ChromaUnavailable

log = get_logger(__name__)

_REINDEX_BATCH = 256
_SYNC_ROUND_CHUNKS = 2_000  # corpus files written together: all of the shipped ones, a few MB of vectors


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
        # A document parsed by an older parser gets no hash to match: it is parsed again, like a changed file.
        known = {r["origin"]: (int(r["id"]), r["content_hash"] if r["parser_version"] == records.PARSER_VERSION
                               else "") for r in await cur.fetchall()}
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
            digest = records.content_hash(data)
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
            "SELECT id, document_id, title, section, text, heading FROM knowledge_chunks"
            " WHERE id = ANY(%s) ORDER BY id",
            (ids,),
        )
        rows = await cur.fetchall()
    vectors = await embed_documents(
        stores, [Chunk(r["title"], r["section"], r["text"], heading=r["heading"]).embedding_text for r in rows])
    for index in dict.fromkeys(index for row in rows for index in lacking[int(row["id"])]):
        positions = [p for p, row in enumerate(rows) if index in lacking[int(row["id"])]]
        await stores.chroma.add_to(index, [int(rows[p]["id"]) for p in positions], vectors[positions],
                                   [int(rows[p]["document_id"]) for p in positions])
