"""A knowledge document's rows in Postgres: how a document is identified, inserted, looked up and removed.

The statements here run inside the write path's transaction (clara.knowledge.ingest), which holds the writers'
advisory lock (`lock`), so term counts stay exact and the same bytes are stored once.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Sequence

from psycopg import AsyncConnection, AsyncCursor
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from clara.knowledge.chunking import Chunk
from clara.knowledge.identifiers import standard_key
from clara.knowledge.parsing import ParsedDocument
from clara.platform.logging import get_logger

log = get_logger(__name__)

# Documents stored by an older parser are parsed again: shipped files at start-up, uploads from their originals in the
# background. 2: structure, context, spans; 3: specs' spans; 4: space-set PDF tables, run-in sections, PDF titles.
# 5: a clause with its items in one passage, tables keyed by numbers or with wrapped cells, a lone section as title.
# 6: bold run-in code sections, footers, text tables and pages, tables of contents, HTML in Markdown.
# 7: PDF footnote marks out of words and numbers, chapters that hold their sections, a header over two rows,
# lettered outlines, no index or subtitle passages, tables over a page break, no false columns.
# 8: space-set tables under a centred bold header, no heading from a line set in columns (a header row, contents).
# 10, 11: a PDF column reader, reverted (it lost first places on a blind set; see git log).
# 12: a numbered line whose sentence goes on in lower case on the next line is a paragraph, not a heading; a section
# heading that opens a page is no running header.
# 13: a table header over three rows or more (a group over names over units) is one header.
# 14: a PDF's unmapped bullet glyph ("(cid:127)") opens a list item, not a heading; dotted-leader legends in text are
# keyed rows; a space-set table's wrapped cells join the nearer row (a heading set larger between rows ends it), and
# keyed rows with no header (figures or a sentence in the first row) keep every row.
# 15: comma-separated lines under a header in text are a table; a "[bracketed]" line of text is a section; a
# drawing's callout letters are no text; a table keyed A, B, C (1, 2, 3) from its first row has no header; a
# space-set table's header wrapped over three lines and its keys wrapped twice stay one table; "Table 1 to paragraph
# (c)" is a caption; a sentence ends after the quotation mark closing it.
# 16: every cell's words stay in its row: a PDF key wrapped after its figure ("...at 165 °F" over "(thermal relief)")
# or onto three lines, and a row wrapped in two columns; a plain-text table ruled with ASCII (+---+, |) is a table.
# 17: in a text all in capitals, a line wrapped at the margin is a paragraph's, not a heading; a Markdown FAQ's bold
# question is a heading however long, and when it wraps over lines; a revision mark in a PDF's left margin is no text.
# 18: a Markdown paragraph opening with a bold run-in title ("**Release will not reset.** ..."), one of two or more
# under a heading, is an entry of its own under that title (`blocks._entries`).
# 19: a saved e-mail's header lines leave the text and its subject titles it (`mail`); in plain text, a numbered line
# ending in an article, preposition or conjunction is a wrapped paragraph's first line, not a heading.
# 20: in a PDF, lines opening with a bold field label ("Code:", "Location:") are a line each, not one sentence; a
# section titled by a word and its number ("Violation 8") is keyed by them, as "Table 2" is.
# 21: a numbered title alone on its line with its stop ("760.41 NPLFA Circuit Power Source Requirements.") opens its
# section; a PDF's bold "R 29.2104 Responsible managing employee." is a heading, its rule cited "R 29.2104(2)"; in
# plain text, a line that is only a date (a time, initials) opens a log entry.
PARSER_VERSION = 21
_WRITE_LOCK = 7_420_302  # advisory lock key: "writing knowledge" (0002_knowledge)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()



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
FROM jsonb_to_recordset(%(chunks)s::jsonb) AS c(id bigint, ordinal int, title text, section text, text text, keys text[],
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

def chunk_rows(chunks: Sequence[Chunk], ids: Sequence[int], vectors: Sequence[bytes]) -> str:
    """A document's chunk rows as the JSON array `insert_document` reads, one chunk encoded at a time.

    About 2 MB for a 200-page manual: encoded in one call it held the GIL for 15-20 ms, on the event loop; the
    write path builds it in a worker thread, where a call per chunk lets the loop in between."""
    return "[" + ",".join(json.dumps(
        {"id": chunk_id, "ordinal": n, "title": c.title, "section": c.section, "text": c.text, "keys": list(c.keys),
         "identifiers": list(c.identifiers), "heading": c.heading, "page": c.page,
         "spans": [[s.start, s.end, s.section, s.page] for s in c.spans],
         "vectors": base64.b64encode(packed).decode("ascii")})
        for n, (c, chunk_id, packed) in enumerate(zip(chunks, ids, vectors, strict=True))) + "]"


async def lock(conn: AsyncConnection[DictRow]) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))


async def existing_by_hash(conn: AsyncConnection[DictRow], digest: str) -> int | None:
    cur = await conn.execute("SELECT id FROM knowledge_documents WHERE content_hash = %s", (digest,))
    row = await cur.fetchone()
    return None if row is None else int(row["id"])


async def remove_rows(conn: AsyncConnection[DictRow], document_id: int) -> tuple[str, list[int]] | None:
    """Delete a document's rows (chunks and specs cascade); return its source and chunk ids for Chroma."""
    cur = await conn.execute("SELECT source FROM knowledge_documents WHERE id = %s FOR UPDATE", (document_id,))
    row = await cur.fetchone()
    if row is None:
        return None
    cur = await conn.execute("SELECT id FROM knowledge_chunks WHERE document_id = %s", (document_id,))
    ids = [int(r["id"]) for r in await cur.fetchall()]
    await conn.execute("DELETE FROM knowledge_documents WHERE id = %s", (document_id,))
    return row["source"], ids


async def remove_passages(conn: AsyncConnection[DictRow], document_id: int) -> tuple[str, list[int]] | None:
    """Delete a document's chunks and specs but keep its row (id, uploader, date): it is about to be parsed again.
    Returns their source and ids for Chroma, as `remove_rows` does; None when it had none."""
    cur = await conn.execute("DELETE FROM knowledge_chunks WHERE document_id = %s RETURNING id, source", (document_id,))
    rows = await cur.fetchall()
    await conn.execute("DELETE FROM equipment_specs WHERE document_id = %s", (document_id,))
    return (rows[0]["source"], [int(r["id"]) for r in rows]) if rows else None


async def new_ids(conn: AsyncConnection[DictRow], table: str, n: int) -> list[int]:
    """`n` ids from `table`'s identity sequence, drawn before the rows exist so Chroma can be written meanwhile."""
    cur = await conn.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s)", (table, n)
    )
    return [int(r["id"]) for r in await cur.fetchall()]


async def insert_document(
    conn: AsyncConnection[DictRow], doc: ParsedDocument, origin: Origin, document_id: int, rows: str, *,
    fills: bool = False,
) -> AsyncCursor[DictRow] | None:
    """Queue a document's rows (`rows`: its chunks, from `chunk_rows`); returns the cursor of its specs' insert (the
    models it added), if it has specs."""
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
         "chunks": rows},
    )
    if not doc.specs:
        return None
    return await conn.execute(_INSERT_SPECS, {"document_id": document_id, "specs": Jsonb([
        {"model_key": spec.key, "model": spec.model, "manufacturer": spec.manufacturer, "series": spec.series,
         "type": spec.type, "category": spec.category, "description": spec.description, "details": spec.details}
        for spec in doc.specs
    ])})


def warn_duplicate_models(doc: ParsedDocument, document_id: int, inserted: set[str]) -> None:
    """A model another file already defines keeps that file's data (the first stored wins)."""
    for spec in doc.specs:
        if spec.key not in inserted:
            log.warning("equipment_model_duplicate", model=spec.model, document_id=document_id)


async def parsed_by_older(conn: AsyncConnection[DictRow], document_id: int) -> bool:
    cur = await conn.execute("SELECT parser_version < %s AS older FROM knowledge_documents WHERE id = %s"
                             " AND status = 'ready'", (PARSER_VERSION, document_id))
    row = await cur.fetchone()
    return bool(row and row["older"])


async def still_processing(conn: AsyncConnection[DictRow], document_id: int) -> bool:
    cur = await conn.execute("SELECT status = 'processing' AS pending FROM knowledge_documents WHERE id = %s",
                             (document_id,))
    row = await cur.fetchone()
    return bool(row and row["pending"])
