"""Documents indexed after the answer, from their originals in PostgreSQL: big uploads (answered 202 and indexed in
the background) and uploads an older parser indexed (parsed again at start-up).

Whatever is pending is durable elsewhere (a `processing` row, an older `parser_version`), so work a shutdown or a
crash cuts short is found and done again at the next start; the queue (clara.platform.background) keeps nothing.
"""

from __future__ import annotations

from typing import Any

from clara.knowledge import ingest, parse_worker, records
from clara.knowledge.parsing import ParsedDocument, title_from_filename
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.web.errors import ApiError

log = get_logger(__name__)


def queue(stores: Stores, document_id: int, *, title: str | None, may_name_standard: bool) -> None:
    stores.background.submit(f"ingest-{document_id}", lambda: _ingest_reserved(
        stores, document_id, title=title, may_name_standard=may_name_standard))


async def _original(stores: Stores, document_id: int, *, status: str) -> dict[str, Any] | None:
    """A stored upload with its original bytes and its uploader's role, while it is in `status`."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.source, d.title, d.filename, d.media_type, d.uploaded_by, d.visibility, d.content_hash,"
            " d.parser_version, o.data, u.role AS uploader_role"
            " FROM knowledge_documents d JOIN knowledge_originals o USING (content_hash)"
            " LEFT JOIN users u ON u.id = d.uploaded_by WHERE d.id = %s AND d.status = %s", (document_id, status))
        return await cur.fetchone()


async def _parse_original(row: dict[str, Any], *, title: str | None,
                          may_name_standard: bool) -> tuple[ParsedDocument, records.Origin]:
    data = bytes(row["data"])
    parsed = await parse_worker.parse(data, media_type=row["media_type"], filename=row["filename"],
                                      source=row["source"], title=title, may_name_standard=may_name_standard,
                                      owner=row["uploaded_by"])
    return parsed, records.Origin(len(data), row["content_hash"], row["filename"], uploaded_by=row["uploaded_by"],
                                  visibility=row["visibility"])


async def _ingest_reserved(stores: Stores, document_id: int, *, title: str | None, may_name_standard: bool) -> None:
    """Parse, embed and store a document reserved by a background upload, from its original in PostgreSQL. A file
    that cannot be indexed ends `failed` with the reason; a store that is down leaves it `processing`, for the next
    start to try again."""
    row = await _original(stores, document_id, status="processing")
    if row is None:  # deleted meanwhile, or finished by another instance
        return
    try:
        parsed, origin = await _parse_original(row, title=title, may_name_standard=may_name_standard)
    except ApiError as exc:
        await ingest.fail(stores, document_id, exc.message)
        log.info("knowledge_document_failed", document_id=document_id, reason=exc.message)
        return
    [(_, created)] = await ingest.write_documents(stores, [ingest.NewDocument(parsed, origin, fills=document_id)])
    if created:
        await ingest.corpus_changed(stores)


async def reparse_outdated(stores: Stores) -> int:
    """Queue the uploads an older parser indexed to be parsed again from their originals; how many.

    A better parser (tables set with spaces, run-in sections) should not help only documents uploaded after it:
    a technician's manual uploaded last month is as much theirs. Each keeps its id, uploader, visibility and title
    (whether the uploader gave the title is not kept, so it stands, unless it is only the file's name), and its old
    passages answer until the new ones replace them in one transaction."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.id FROM knowledge_documents d JOIN knowledge_originals o USING (content_hash)"
            " WHERE d.origin IS NULL AND d.status = 'ready' AND d.parser_version < %s ORDER BY d.id",
            (records.PARSER_VERSION,))
        ids = [int(r["id"]) for r in await cur.fetchall()]
    if ids:
        stores.background.submit("reparse-uploads", lambda: _reparse(stores, ids))
    return len(ids)


def _chosen_title(row: dict[str, Any]) -> str | None:
    """The stored title, unless it is what the file's name gave for want of a better one: then the newer parser may
    find the document's own ("reg.txt" holds "§ 1910.38 Emergency action plans")."""
    return None if row["title"] == title_from_filename(row["filename"]) else row["title"]


async def _reparse(stores: Stores, ids: list[int]) -> None:
    parsed_again = 0
    for document_id in ids:
        row = await _original(stores, document_id, status="ready")
        if row is None or row["parser_version"] >= records.PARSER_VERSION:  # deleted, or done by another instance
            continue
        try:
            parsed, origin = await _parse_original(row, title=_chosen_title(row),
                                                   may_name_standard=row["uploader_role"] == "admin")
        except ApiError as exc:  # the newer parser refuses what an older one took: the old passages stay
            log.warning("knowledge_reparse_refused", document_id=document_id, reason=exc.message)
            continue
        [(_, written)] = await ingest.write_documents(stores, [ingest.NewDocument(parsed, origin,
                                                                                  reparses=document_id)])
        parsed_again += written
    if parsed_again:
        await ingest.corpus_changed(stores)
        log.info("knowledge_uploads_parsed_again", documents=parsed_again, parser_version=records.PARSER_VERSION)


async def resume_ingests(stores: Stores) -> int:
    """Queue again the background documents a shutdown or a crash left `processing`; how many."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.id, d.title, u.role FROM knowledge_documents d LEFT JOIN users u ON u.id = d.uploaded_by"
            " WHERE d.status = 'processing' ORDER BY d.id")
        rows = await cur.fetchall()
    for row in rows:  # the title the 202 answered stands: whether the client gave it is not kept
        queue(stores, int(row["id"]), title=row["title"], may_name_standard=row["role"] == "admin")
    return len(rows)
