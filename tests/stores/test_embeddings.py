from __future__ import annotations

import dataclasses
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
from chromadb.utils.embedding_functions import config_to_embedding_function, known_embedding_functions

from clara.settings import Settings
from clara.stores import embeddings, minilm_graph
from clara.stores.embeddings import (
    LOCAL_DIMENSION, ClaraEmbeddingFunction, EmbeddingModelError, GeminiEmbedder, local_embedder, open_embedder,
)
from tests.fakes.gemini_embeddings import FakeGeminiEmbeddings


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails loudly, as it would on a technician's offline laptop."""
    def refuse(*_: Any, **__: Any) -> None:
        raise OSError("network disabled for this test")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_local_model_loads_and_embeds_with_the_network_disabled(no_network: None) -> None:
    model = local_embedder.__wrapped__()  # a fresh load, not the process-wide cached one
    vectors = model.embed_documents(["weekly fire pump churn test", "diesel fire pump run weekly", "pizza dough"])
    assert vectors.shape == (3, LOCAL_DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3  # paraphrases close, unrelated text far


def test_a_vector_depends_on_its_text_only() -> None:
    """Same words, same vector, whatever else is embedded with it: the index and the query agree exactly."""
    model = local_embedder()
    short = "gauge on a dry pipe valve"
    long = "a much longer passage about inspection, testing and maintenance of sprinkler systems " * 8
    together = model.embed_documents([long, short, "x"])
    assert np.array_equal(together[1], model.embed_query(short))
    assert np.array_equal(together[0], model.embed_documents([long])[0])


def test_the_model_is_loaded_once_per_process() -> None:
    assert local_embedder() is local_embedder()
    assert open_embedder(Settings(env="test")) is local_embedder()


def test_a_file_that_is_not_the_pinned_model_is_refused(tmp_path: Path) -> None:
    forged = tmp_path / "model.onnx"
    forged.write_bytes(b"not the model")
    with pytest.raises(EmbeddingModelError, match="sha256"):
        embeddings._verified(forged, embeddings.MODEL_SHA256)
    with pytest.raises(EmbeddingModelError, match="missing"):
        embeddings._verified(tmp_path / "absent.onnx", embeddings.MODEL_SHA256)


def test_chroma_rebuilds_our_embedding_function_from_a_collection_config() -> None:
    assert known_embedding_functions["clara"] is ClaraEmbeddingFunction
    function = ClaraEmbeddingFunction(local_embedder())
    config = function.get_config()
    assert config == {"provider": "local", "model": embeddings.LOCAL_MODEL}
    rebuilt = config_to_embedding_function({"name": "clara", "config": config})
    assert isinstance(rebuilt, ClaraEmbeddingFunction) and rebuilt.embedder is local_embedder()
    [vector] = rebuilt(["fire pump"])
    assert len(vector) == LOCAL_DIMENSION


@pytest.fixture
def gemini() -> Iterator[FakeGeminiEmbeddings]:
    server = FakeGeminiEmbeddings().start()
    yield server
    server.stop()


def test_gemini_embeddings_speak_batch_embed_contents(gemini: FakeGeminiEmbeddings) -> None:
    embedder = GeminiEmbedder(api_key=gemini.api_key, model="text-embedding-004", base_url=gemini.base_url)
    vectors = embedder.embed_documents(["fire pump weekly test", "dry pipe valve trip test"])
    query = embedder.embed_query("fire pump test")
    assert vectors.shape == (2, 768) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ query > vectors[1] @ query
    documents, asked = gemini.requests
    assert documents["method"] == "batchEmbedContents" and documents["model"] == "text-embedding-004"
    assert documents["headers"]["x-goog-api-key"] == gemini.api_key
    assert [r["taskType"] for r in documents["body"]["requests"]] == ["RETRIEVAL_DOCUMENT"] * 2
    assert documents["body"]["requests"][0]["content"]["parts"][0]["text"] == "fire pump weekly test"
    assert asked["body"]["requests"][0]["taskType"] == "RETRIEVAL_QUERY"


def test_gemini_batches_stay_under_the_api_limit(gemini: FakeGeminiEmbeddings) -> None:
    embedder = GeminiEmbedder(api_key=gemini.api_key, base_url=gemini.base_url)
    assert embedder.embed_documents([f"text {i}" for i in range(230)]).shape == (230, 768)
    assert [len(r["body"]["requests"]) for r in gemini.requests] == [100, 100, 30]


def test_gemini_config_names_the_key_variable_never_the_key(gemini: FakeGeminiEmbeddings) -> None:
    function = ClaraEmbeddingFunction(GeminiEmbedder(api_key=gemini.api_key, base_url=gemini.base_url))
    assert gemini.api_key not in str(function.get_config())


def test_gemini_needs_an_api_key() -> None:
    with pytest.raises(EmbeddingModelError, match="GOOGLE_API_KEY"):
        open_embedder(Settings(env="test", embedding_provider="gemini"))


def _float_session(path: Path) -> Any:
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _pinned_hidden_states(ids: list[int]) -> np.ndarray:
    """The pinned export, fed as it expects: a mask and token types beside the ids."""
    batch = np.array([ids], dtype=np.int64)
    feeds = {"input_ids": batch, "attention_mask": np.ones_like(batch), "token_type_ids": np.zeros_like(batch)}
    return _float_session(embeddings.model_path()).run(None, feeds)[0]


def test_the_derived_model_computes_in_int8_and_agrees_with_the_pinned_float_model() -> None:
    import onnx

    graph = onnx.load(str(embeddings.quantized_model_path())).graph
    ops = {node.op_type for node in graph.node}
    assert {"DynamicQuantizeLinear", "MatMulInteger", "MultiHeadAttention"} <= ops
    texts = ["What is the MOCP of a Carrier 50TCQA06?", "quarterly alarm valve inspection",
             "weekly churn test of a diesel fire pump, run for 30 minutes " * 6]
    derived = local_embedder().embed_documents(texts)
    for text, vector in zip(texts, derived):
        pinned = _pinned_hidden_states(local_embedder().tokenizer.encode(text).ids).mean(axis=1)[0]
        assert vector @ pinned / np.linalg.norm(pinned) > 0.98


def test_the_rebuilt_graph_computes_what_the_pinned_export_computes(tmp_path: Path) -> None:
    """Before quantising, the rewrite with fused attention is the same network: same hidden states."""
    minilm_graph.fold(embeddings.model_path(), tmp_path / "folded.onnx")
    minilm_graph.rebuild(tmp_path / "folded.onnx", tmp_path / "rebuilt.onnx")
    rebuilt = _float_session(tmp_path / "rebuilt.onnx")
    for text in ("gauge", "five-year internal pipe inspection of a dry system " * 12):
        ids = local_embedder().tokenizer.encode(text).ids
        ours = rebuilt.run(None, {"input_ids": np.array([ids], dtype=np.int64)})[0]
        assert np.allclose(ours, _pinned_hidden_states(ids), atol=1e-4)


def test_a_damaged_cached_model_is_derived_again(tmp_path: Path) -> None:
    cached = embeddings.quantized_model_path()
    copy = tmp_path / cached.name
    copy.write_bytes(cached.read_bytes()[:-1000] + b"\0" * 1000)  # a torn or tampered cache file
    assert embeddings.quantized_model_path(tmp_path) == copy
    assert embeddings._verified(copy, embeddings.QUANTIZED_SHA256) == copy


def test_deriving_the_model_deletes_what_an_earlier_release_derived(tmp_path: Path) -> None:
    earlier = tmp_path / "all-MiniLM-L6-v2-int8-dynamic-8d4745033210.onnx"
    earlier.write_bytes(b"an earlier release's model")
    derived = embeddings.quantized_model_path(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [derived.name]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
def test_an_uploads_passages_are_embedded_at_a_lower_priority_than_queries() -> None:
    """Documents are embedded on every core; at the requests' priority the event loop waited for a core whenever a
    request came in during a big upload. Queries are requests: they keep the normal priority."""
    model = local_embedder()
    seen: list[int] = []

    class Watched:
        def run(self, *args: Any, **kwargs: Any) -> Any:
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            return model.session.run(*args, **kwargs)

    watched = dataclasses.replace(model, session=Watched())
    normal = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    vectors, spans = watched.embed_passages(["Set the cut-in to 115 psi. Cut-out is 135 psi."], [[(0, 26)]])
    assert np.array_equal(vectors[0], model.embed_passages(["Set the cut-in to 115 psi. Cut-out is 135 psi."],
                                                            [[(0, 26)]])[0][0])  # same vectors, only later
    assert seen and all(nice > normal for nice in seen)
    seen.clear()
    watched.embed_query("cut-in pressure")
    assert seen == [normal]
