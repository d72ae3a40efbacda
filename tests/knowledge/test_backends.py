"""Knowledge over the other backends: a real Chroma server (CHROMA_URL), Gemini embeddings, and Chroma down."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pytest

from clara.web.caller import CurrentUser
from clara.knowledge import service
from clara.settings import Settings
from clara.stores import Stores
from tests.conftest import bearer, running
from tests.fakes.gemini_embeddings import FakeGeminiEmbeddings
from tests.servers import free_port
from tests.stores.chroma_server import ChromaServer


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    try:
        server = ChromaServer(tmp_path / "chroma-server").start()
    except RuntimeError as exc:
        pytest.skip(f"could not start `chroma run` here: {exc}")
    yield server
    server.stop()


async def test_a_chroma_server_holds_the_vectors_when_chroma_url_is_set(
    settings: Settings, small_corpus: Path, chroma_server: ChromaServer, technician: CurrentUser
) -> None:
    async with running(settings, chroma_url=chroma_server.url, corpus_dir=small_corpus) as app:
        stores: Stores = app.state.stores
        assert stores.chroma.remote
        # the fresh server had nothing: start-up filled it from Postgres (the small corpus' two documents)
        assert await stores.chroma.counts() == {"nfpa": 0, "specs": 1, "manuals": 1, "uploads": 0, "all": 2}
        [hit] = await service.search(stores, query="jockey pump seal weeping after shutdown", k=1)
        assert hit.section == "Acme JP-7: Zebra seal weeps after restart"

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            auth = bearer(app, technician)
            note = b"## 4.4.4 Quokka cabinet\nThe spare quokka wrench hangs in the riser cabinet.\n"
            created = await client.post("/clara-server/knowledge/documents", headers=auth,
                                        files={"file": ("quokka.md", note, "text/markdown")})
            assert created.status_code == 201
            assert await stores.chroma.counts() == {"nfpa": 0, "specs": 1, "manuals": 1, "uploads": 1, "all": 3}
            found = await client.get("/clara-server/knowledge/search", headers=auth,
                                     params={"query": "where is the spare wrench", "source": "uploads"})
            assert found.json()["results"][0]["section"] == "4.4.4 Quokka cabinet"
            stats = (await client.get("/clara-server/knowledge/stats", headers=auth)).json()
            assert stats["index_backend"] == "server" and stats["chroma_bytes"] is None and stats["vectors"] == 3
            health = (await client.get("/health")).json()["checks"]["chroma"]
            assert health["state"] == "ok" and "CHROMA_URL" in health["detail"]
            deleted = await client.delete(f"/clara-server/knowledge/documents/{created.json()['document_id']}",
                                          headers=auth)
            assert deleted.status_code == 204
            assert (await stores.chroma.counts())["all"] == 2


async def test_with_chroma_down_clara_starts_and_search_answers_from_full_text(
    settings: Settings, technician: CurrentUser
) -> None:
    async with running(settings, chroma_url=f"http://127.0.0.1:{free_port()}") as app:
        stores: Stores = app.state.stores
        hits = await service.search(stores, query="NFPA 25 5.2.4.2", k=3)
        assert hits[0].section == "NFPA 25 5.2.4.2"
        hits = await service.search(stores, query="weekly diesel fire pump test", k=3)
        assert any(hit.section == "NFPA 25 8.3.1.1" for hit in hits)
        stats = await service.stats(stores)
        assert stats.vectors is None and stats.chunks > 300

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
            health = (await client.get("/health")).json()
            assert health["status"] == "degraded" and health["checks"]["chroma"]["state"] == "down"
            upload = await client.post("/clara-server/knowledge/documents", headers=bearer(app, technician),
                                       files={"file": ("n.md", b"## 1.1 Note\nSome words.\n", "text/markdown")})
            assert upload.status_code == 503 and upload.headers["retry-after"]
        async with stores.db.connection() as conn:  # the refused upload left nothing in Postgres either
            cur = await conn.execute("SELECT count(*) AS n FROM knowledge_documents WHERE source = 'uploads'")
            assert (await cur.fetchone())["n"] == 0


@pytest.fixture
def gemini() -> Iterator[FakeGeminiEmbeddings]:
    server = FakeGeminiEmbeddings().start()
    yield server
    server.stop()


async def test_gemini_embeddings_index_and_search_the_corpus(
    settings: Settings, small_corpus: Path, gemini: FakeGeminiEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini.base_url)  # google-genai's own override of its endpoint
    async with running(settings, embedding_provider="gemini", google_api_key=gemini.api_key,
                       corpus_dir=small_corpus) as app:
        stores: Stores = app.state.stores
        stats = await service.stats(stores)
        assert stats.embedding_model == "text-embedding-004" and stats.embedding_dimension == 768
        assert stats.vectors == stats.chunks == 2  # Gemini's own collections, filled from Postgres at start-up
        [hit] = await service.search(stores, query="zebra seal weeps", k=1, source="manuals")
        assert hit.section == "Acme JP-7: Zebra seal weeps after restart"
    methods = {r["method"] for r in gemini.requests}
    assert methods == {"batchEmbedContents"}
    tasks = {r["taskType"] for req in gemini.requests for r in req["body"]["requests"]}
    assert tasks == {"RETRIEVAL_DOCUMENT", "RETRIEVAL_QUERY"}
