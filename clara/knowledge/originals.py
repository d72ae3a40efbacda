"""Uploaded originals: the bytes of each uploaded knowledge file, kept in PostgreSQL.

Why not files under DATA_DIR: a platform's instances have no shared disk, and their own is new at every deploy,
so an original written there was seen by one instance and gone after the next deploy. In PostgreSQL every
instance sees it and `python -m clara backup` (a pg_dump) carries it. Documents are keyed by content, so the
originals are too: identical uploads keep one copy, removed once no document has that content any more.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from clara.knowledge.parsing import EXTENSIONS
from clara.platform.logging import get_logger
from clara.stores import postgres

log = get_logger(__name__)

LEGACY_DIR = "uploads"  # where releases before 0009_knowledge_originals kept them, and old backups restore them


async def keep(db: postgres.Pool, *, digest: str, media_type: str, data: bytes) -> None:
    """Store the bytes whose sha256 is `digest` (a no-op when they are stored already)."""
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO knowledge_originals (content_hash, media_type, byte_size, data) VALUES (%s, %s, %s, %b)"
            " ON CONFLICT (content_hash) DO NOTHING",
            (digest, media_type, len(data), data),
        )


async def forget(db: postgres.Pool, *, digest: str) -> None:
    """Remove the bytes whose sha256 is `digest`, unless a document still has that content."""
    async with db.connection() as conn:
        await conn.execute(
            "DELETE FROM knowledge_originals o WHERE o.content_hash = %s"
            " AND NOT EXISTS (SELECT 1 FROM knowledge_documents d WHERE d.content_hash = o.content_hash)",
            (digest,),
        )


async def import_legacy_files(db: postgres.Pool, data_dir: Path) -> int:
    """Move originals an earlier release (or a restored old backup) left under DATA_DIR/uploads into PostgreSQL.

    A file is moved when its name is the sha256 of its bytes and a document has that content; the folder goes once
    empty. Returns how many were moved.
    """
    folder = data_dir / LEGACY_DIR
    if not folder.is_dir():
        return 0
    moved = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        media_type = EXTENSIONS.get(path.suffix.lower())
        if path.stem != digest or media_type is None or not await _has_document(db, digest):
            continue
        await keep(db, digest=digest, media_type=media_type, data=data)
        path.unlink()
        moved += 1
    left = list(folder.iterdir())
    if not left:
        shutil.rmtree(folder)
    log.info("knowledge_originals_imported", moved=moved, left_on_disk=len(left))
    return moved


async def _has_document(db: postgres.Pool, digest: str) -> bool:
    async with db.connection() as conn:
        cur = await conn.execute("SELECT 1 FROM knowledge_documents WHERE content_hash = %s", (digest,))
        return await cur.fetchone() is not None
