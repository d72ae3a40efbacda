"""Uploaded originals live in PostgreSQL: every instance sees them, a deploy's empty disk keeps them, backups
carry them, and those an earlier release left on disk move in at start."""

from __future__ import annotations

import hashlib

import httpx
import psycopg
from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from clara.settings import Settings
from tests.conftest import bearer, running
from tests.knowledge.pdfs import make_pdf

DOCUMENTS = "/clara-server/knowledge/documents"


def originals(url: str) -> dict[str, bytes]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT content_hash, data FROM knowledge_originals").fetchall()
    return {digest: bytes(data) for digest, data in rows}


async def test_an_upload_keeps_its_bytes_in_postgres_not_on_this_instances_disk(
    app: Starlette, client: httpx.AsyncClient, technician: CurrentUser, settings: Settings, database_url: str,
) -> None:
    pdf = make_pdf(["4.2.1 Gauges", "Replace the riser gauge every five years or test it against a calibrated one."])
    auth = bearer(app, technician)
    created = await client.post(DOCUMENTS, headers=auth, files={"file": ("gauges.pdf", pdf, "application/pdf")})
    assert created.status_code == 201
    digest = hashlib.sha256(pdf).hexdigest()
    assert originals(database_url) == {digest: pdf}
    assert not (settings.data_dir / "uploads").exists()

    again = await client.post(DOCUMENTS, headers=auth, files={"file": ("copy.pdf", pdf, "application/pdf")})
    assert again.json()["document_id"] == created.json()["document_id"] and len(originals(database_url)) == 1

    deleted = await client.delete(f"{DOCUMENTS}/{created.json()['document_id']}", headers=auth)
    assert deleted.status_code == 204
    assert originals(database_url) == {}


async def test_originals_an_earlier_release_left_on_disk_move_into_postgres_at_start(
    settings: Settings, database_url: str,
) -> None:
    """DATA_DIR/uploads/<sha256>.<ext>, as releases before 0009_knowledge_originals (and their backups) left it."""
    shipped = (settings.corpus_dir / "knowledge" / "nfpa25.md").read_bytes()  # a document the database holds
    digest = hashlib.sha256(shipped).hexdigest()
    legacy = settings.data_dir / "uploads"
    legacy.mkdir()
    (legacy / f"{digest}.md").write_bytes(shipped)
    stray = legacy / f"{hashlib.sha256(b'gone').hexdigest()}.md"  # its document was deleted: not moved
    stray.write_bytes(b"gone")

    async with running(settings):
        pass
    assert originals(database_url) == {digest: shipped}
    assert [p.name for p in legacy.iterdir()] == [stray.name]
    stray.unlink()
    async with running(settings):
        pass
    assert not legacy.exists()

