from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clara.platform.resilience import CircuitBreaker
from clara.settings import Settings
from clara.stores.chroma import ChromaStore, ChromaUnavailable, collection_name, open_chroma
from clara.stores.embeddings import local_embedder
from tests.servers import free_port


def _store(tmp_path: Path) -> ChromaStore:
    return open_chroma(Settings(env="test", data_dir=tmp_path), local_embedder(), CircuitBreaker("chroma"))


async def test_vectors_live_in_one_collection_per_source_and_survive_a_reopen(tmp_path: Path) -> None:
    model = local_embedder()
    store = _store(tmp_path)
    texts = ["weekly diesel fire pump churn test", "annual fire pump flow test", "rooftop unit MCA and MOCP"]
    await store.add([1, 2, 3], model.embed_documents(texts), sources=["nfpa", "nfpa", "specs"],
                    document_ids=[10, 10, 11])
    assert await store.counts() == {"nfpa": 2, "specs": 1, "manuals": 0, "uploads": 0, "all": 3}

    query = model.embed_query("how often do I churn the diesel pump")
    everywhere = await store.query(query, source=None, n=3)  # the combined collection
    assert [hit.chunk_id for hit in everywhere] == [1, 2, 3]
    assert everywhere[0].similarity > everywhere[-1].similarity
    only_specs = await store.query(query, source="specs", n=3)
    assert [hit.chunk_id for hit in only_specs] == [3]
    store.close()

    reopened = _store(tmp_path)  # a restart: the persisted collections come back with our embedding function
    assert await reopened.ids("nfpa") == {1, 2}
    await reopened.delete("nfpa", [1])
    await reopened.delete("specs", [3, 99])  # an id Chroma never had is ignored
    assert await reopened.counts() == {"nfpa": 1, "specs": 0, "manuals": 0, "uploads": 0, "all": 1}
    assert reopened.size_bytes() and not reopened.remote
    reopened.close()


def test_collections_are_named_per_model_so_dimensions_never_mix() -> None:
    assert collection_name("nfpa", "all-MiniLM-L6-v2-onnx-int8") == "clara-nfpa-all-minilm-l6-v2-onnx-int8"
    assert collection_name("nfpa", "text-embedding-004") != collection_name("nfpa", "all-MiniLM-L6-v2-onnx-int8")


async def test_an_unreachable_server_raises_chroma_unavailable_and_opens_the_breaker() -> None:
    breaker = CircuitBreaker("chroma", failure_threshold=2, reset_timeout=60)
    settings = Settings(env="test", chroma_url=f"http://127.0.0.1:{free_port()}")
    store = open_chroma(settings, local_embedder(), breaker)
    assert store.remote and store.size_bytes() is None
    for _ in range(3):
        with pytest.raises(ChromaUnavailable):
            await store.query(np.zeros(384, dtype=np.float32), source="nfpa", n=3)
    assert breaker.state == "open"


async def test_a_large_write_reaches_embedded_chroma_in_slices_the_event_loop_runs_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedded Chroma holds the GIL for a whole write call: one call for a big upload froze every request of the
    process until it ended (941 ms for 256 vectors on a busy box). Written 32 at a time, the loop runs between
    slices. Counted, not timed: each real write Chroma receives is recorded."""
    from chromadb.api.models.Collection import Collection

    store = _store(tmp_path)
    written: list[int] = []
    original = Collection.add

    def counted(self: Collection, *args: object, **kwargs: object) -> None:
        written.append(len(kwargs["ids"]))  # type: ignore[arg-type]
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Collection, "add", counted)
    rng = np.random.default_rng(0)
    await store.add(list(range(1, 1025)), rng.standard_normal((1024, 384)).astype(np.float32),
                    sources=["uploads"] * 1024, document_ids=[2] * 1024)
    assert max(written) <= 32 and sum(written) == 2 * 1024  # its source's collection and the combined one
    assert (await store.counts())["all"] == 1024
    store.close()
