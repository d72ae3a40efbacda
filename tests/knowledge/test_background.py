"""Big uploads answer 202 at once and are indexed in the background; the status shows when they can be searched,
and a document a shutdown cut short is finished at the next start."""

from __future__ import annotations

import asyncio
import hashlib

import httpx
from starlette.applications import Starlette

from clara.knowledge import ingest, originals, records
from clara.ops.demo_data import DEMO_TECHNICIAN_EMAIL
from clara.settings import Settings
from tests.conftest import bearer, running, user_by_email

MANUAL = ("# Numbat NB-7 booster pump\n\n## 4 Start-up\n\nPrime the numbat pump casing before the first start and set "
          "the cut-in pressure to 92 psi.\n\n" + "".join(f"## {n} Notes\n\nRoutine note {n} about the numbat.\n\n"
                                                       for n in range(5, 40))).encode()


async def _status(client: httpx.AsyncClient, headers: dict[str, str], document_id: int, until: str) -> dict:
    for _ in range(600):
        response = await client.get(f"/clara-server/knowledge/documents/{document_id}", headers=headers)
        assert response.status_code == 200, response.text
        if response.json()["status"] != "processing":
            break
        await asyncio.sleep(0.05)
    body = response.json()
    assert body["status"] == until, body
    return body


async def _client(application: Starlette) -> tuple[httpx.AsyncClient, dict[str, str]]:
    headers = bearer(application, await user_by_email(application, DEMO_TECHNICIAN_EMAIL))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://clara.test"), headers


async def test_a_big_upload_answers_202_then_becomes_searchable(settings: Settings) -> None:
    async with running(settings, inline_ingest_bytes=200) as application:
        client, headers = await _client(application)
        async with client:
            accepted = await client.post("/clara-server/knowledge/documents", headers=headers,
                                         files={"file": ("numbat.md", MANUAL, "text/markdown")})
            assert accepted.status_code == 202, accepted.text
            body = accepted.json()
            assert body["status"] == "processing" and body["created"] is True and body["title"] == "numbat"
            again = await client.post("/clara-server/knowledge/documents", headers=headers,
                                      files={"file": ("numbat.md", MANUAL, "text/markdown")})
            assert again.status_code == 200 and again.json()["document_id"] == body["document_id"]

            ready = await _status(client, headers, body["document_id"], "ready")
            assert ready["chunks"] > 1 and ready["title"] == "Numbat NB-7 booster pump" and ready["error"] is None
            found = await client.get("/clara-server/knowledge/search", headers=headers,
                                     params={"query": "numbat cut-in pressure", "k": 1})
            [top] = found.json()["results"]
            assert top["document_id"] == body["document_id"] and "92 psi" in top["answer"]

            small = await client.post("/clara-server/knowledge/documents", headers=headers,
                                      files={"file": ("n.md", b"# N\n\nNumbat.\n", "text/markdown")})
            assert small.status_code == 201 and small.json()["status"] == "ready", "small files still answer 201"


async def test_a_big_upload_that_cannot_be_indexed_ends_failed_with_the_reason(settings: Settings) -> None:
    async with running(settings, inline_ingest_bytes=200) as application:
        client, headers = await _client(application)
        async with client:
            broken = b"%PDF-1.7\n" + b"not really a pdf " * 40
            accepted = await client.post("/clara-server/knowledge/documents", headers=headers,
                                         files={"file": ("broken.pdf", broken, "application/pdf")})
            assert accepted.status_code == 202
            failed = await _status(client, headers, accepted.json()["document_id"], "failed")
            assert failed["error"] and failed["chunks"] == 0


async def test_a_document_cut_short_by_a_shutdown_is_finished_at_the_next_start(settings: Settings) -> None:
    digest = hashlib.sha256(MANUAL).hexdigest()
    async with running(settings) as application:  # the 202 was answered; the process died before indexing
        stores = application.state.stores
        user = await user_by_email(application, DEMO_TECHNICIAN_EMAIL)
        await originals.keep(stores.db, digest=digest, media_type="text/markdown", data=MANUAL)
        document_id, created = await ingest.reserve(
            stores, title="Numbat manual", source="uploads", media_type="text/markdown",
            origin=records.Origin(len(MANUAL), digest, "numbat.md", uploaded_by=user.id, visibility="private"))
        assert created
    async with running(settings) as application:
        client, headers = await _client(application)
        async with client:
            ready = await _status(client, headers, document_id, "ready")
            assert ready["title"] == "Numbat manual" and ready["chunks"] > 1 and ready["visibility"] == "private"


async def test_uploads_an_older_parser_indexed_are_parsed_again_at_start_keeping_their_id(settings: Settings) -> None:
    """A parser that learned to read tables set with spaces should help last month's uploads too, not only new ones."""
    from tests.knowledge.test_parsing import _manual_with_borderless_tables

    async with running(settings) as application:
        client, headers = await _client(application)
        async with client:
            uploaded = await client.post("/clara-server/knowledge/documents", headers=headers,
                                         files={"file": ("ps8.pdf", _manual_with_borderless_tables(), "application/pdf")})
            assert uploaded.status_code == 201, uploaded.text
            document_id = uploaded.json()["document_id"]
        async with application.state.stores.db.connection() as conn:  # as an older parser left it
            await conn.execute("UPDATE knowledge_documents SET parser_version = %s, title = 'ps8' WHERE id = %s",
                               (records.PARSER_VERSION - 1, document_id))  # named by its file for want of better
            await conn.execute("UPDATE knowledge_chunks SET text = 'LED Meaning Action Trouble LED flashing', "
                               "spans = '[]' WHERE document_id = %s", (document_id,))
            cur = await conn.execute("SELECT created_at FROM knowledge_documents WHERE id = %s", (document_id,))
            created_at = (await cur.fetchone())["created_at"]
    async with running(settings) as application:
        await application.state.stores.background.drain()
        client, headers = await _client(application)
        async with client:
            found = await client.get("/clara-server/knowledge/search", headers=headers,
                                     params={"query": "brixton trouble LED flashing", "k": 1})
            [top] = found.json()["results"]
            assert top["document_id"] == document_id
            assert "Trouble LED flashing | Ground fault on field wiring" in top["answer"]
        async with application.state.stores.db.connection() as conn:
            cur = await conn.execute("SELECT parser_version, created_at, uploaded_by, title FROM knowledge_documents"
                                     " WHERE id = %s", (document_id,))
            row = await cur.fetchone()
        uploader = await user_by_email(application, DEMO_TECHNICIAN_EMAIL)
    assert row["parser_version"] == records.PARSER_VERSION and row["created_at"] == created_at
    assert row["uploaded_by"] == uploader.id
    assert row["title"] == "Brixton PS-8 NAC Booster Power Supply"  # the newer parser found the document's own
