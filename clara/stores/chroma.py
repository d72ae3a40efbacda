"""ChromaDB: the vector half of knowledge search. Embedded `PersistentClient` under DATA_DIR, or a server at CHROMA_URL.

One collection per source (nfpa, specs, manuals, uploads), plus one holding every vector, per embedding model:
a search with a source filter reads that source's collection instead of adding a metadata `where` (58 ms against
2.2 ms at 50,000 vectors), and a search without one reads the combined collection once instead of four (measured:
10 ms for four queries at 50k on a busy 2-core box). Naming collections after the model keeps vectors of different
models (MiniLM 384-d, Gemini 768-d) from ever meeting.

Chroma's client is synchronous; every call here runs in a worker thread under the "chroma" circuit breaker, so a
slow or dead server costs a request its dense half, not the event loop. Postgres holds every chunk; Chroma only
its vector, under the chunk's id, so a lost or fresh Chroma can always be rebuilt from Postgres.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TypeVar
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from clara.platform.logging import get_logger
from clara.platform.resilience import CircuitBreaker, call
from clara.settings import Settings
from clara.stores.embeddings import ClaraEmbeddingFunction, Embedder

log = get_logger(__name__)

SOURCES = ("nfpa", "specs", "manuals", "uploads")
ALL = "all"  # the combined collection: every source's vectors again
INDEXES = (*SOURCES, ALL)
T = TypeVar("T")


class ChromaUnavailable(RuntimeError):
    """Chroma did not answer (server down, circuit open, timeout): callers fall back or answer 503."""


@dataclass(frozen=True)
class DenseHit:
    chunk_id: int
    similarity: float  # cosine similarity, 1.0 = same direction


PREFIX = "clara-"  # every collection Clara makes, and only those, starts with this
# Vectors per Chroma write (see ChromaStore._add). Each write holds the GIL for as long as it takes, and that grows
# with the slice and the index: into 5,000 vectors on a busy box, 941 ms per slice of 256 against 144 ms per 32 (the
# same CPU per vector, 1.1-1.3 ms), so the slice bounds how long an upload stalls every request of the process.
# The price is throughput on a busy disk: more, smaller writes grew a 50,000-chunk index at 65 chunks/s against 86
# (bench/knowledge_latency.py, two runs side by side under load 19).
_WRITE_SLICE = 32
_REMOTE_WRITE_SLICE = 256  # a server's writes hold no GIL of ours: fewer, larger requests


def collection_name(source: str, model: str) -> str:
    return f"{PREFIX}{source}-{re.sub(r'[^a-z0-9]+', '-', model.lower()).strip('-')}"[:512]


class ChromaStore:
    def __init__(
        self,
        connect: Callable[[], ClientAPI],
        embedder: Embedder,
        *,
        breaker: CircuitBreaker,
        persist_dir: Path | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._connect = connect
        self._function = ClaraEmbeddingFunction(embedder)
        self._model = embedder.model
        self._breaker = breaker
        self._timeout = timeout
        self._lock = threading.Lock()
        self._client: ClientAPI | None = None
        self._collections: dict[str, Collection] = {}
        self.persist_dir = persist_dir

    @property
    def remote(self) -> bool:
        return self.persist_dir is None

    def _collection(self, index: str) -> Collection:
        """Connect on first use, so Clara starts (and serves everything else) while a Chroma server is down."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            collection = self._collections.get(index)
            if collection is None:
                collection = self._client.get_or_create_collection(
                    collection_name(index, self._model),
                    embedding_function=self._function,  # type: ignore[arg-type]
                    configuration={"hnsw": {"space": "cosine"}},
                )
                self._collections[index] = collection
            return collection

    def _forget(self) -> None:
        """After a failure against a server, reconnect next time (a restarted server may have lost collections)."""
        if self.remote:
            with self._lock:
                self._drop_client()

    def _drop_client(self) -> None:
        if self._client is not None:
            close = getattr(self._client, "close", None)  # ClientAPI does not declare close(); its Client has it
            if close is not None:
                close()
        self._client = None
        self._collections.clear()

    async def _run(self, work: Callable[[], T], *, timeout: float | None = None) -> T:
        try:
            return await call(
                lambda: asyncio.to_thread(work), breaker=self._breaker, timeout=timeout or self._timeout
            )
        except Exception as exc:
            self._forget()
            raise ChromaUnavailable(f"chroma: {type(exc).__name__}: {exc}"[:300]) from exc

    def _add(self, index: str, ids: Sequence[int], vectors: np.ndarray, document_ids: Sequence[int]) -> None:
        """In slices: embedded Chroma holds the GIL while it writes (chroma#3873, #7692), which stalls every request
        of the process; the event loop runs between slices."""
        collection = self._collection(index)
        wanted = _REMOTE_WRITE_SLICE if self.remote else _WRITE_SLICE
        step = min(self._client.get_max_batch_size() if self._client else wanted, wanted)
        for start in range(0, len(ids), step):
            end = start + step
            collection.add(
                ids=[str(i) for i in ids[start:end]],
                embeddings=vectors[start:end],
                metadatas=[{"document_id": d} for d in document_ids[start:end]],
            )

    async def add(
        self, ids: Sequence[int], vectors: np.ndarray, *, sources: Sequence[str], document_ids: Sequence[int]
    ) -> None:
        """Chunk vectors (row i is chunk `ids[i]`) into their sources' collections and the combined one.

        One write per collection, however many documents the rows come from: a write costs ~10 ms of CPU even for
        a dozen vectors, which made a per-document write a sixth of syncing the shipped corpus.
        """
        def work() -> None:
            for source in dict.fromkeys(sources):
                rows = [row for row, s in enumerate(sources) if s == source]
                self._add(source, [ids[r] for r in rows], vectors[rows], [document_ids[r] for r in rows])
            self._add(ALL, ids, vectors, document_ids)

        if len(ids):
            await self._run(work, timeout=max(self._timeout, 120.0))  # a large document is many batches

    async def add_to(self, index: str, ids: Sequence[int], vectors: np.ndarray, document_ids: Sequence[int]) -> None:
        """Vectors into one collection only: rebuilding an index that lacks them."""
        if len(ids):
            await self._run(lambda: self._add(index, ids, vectors, document_ids), timeout=max(self._timeout, 120.0))

    async def delete(self, source: str, ids: Sequence[int]) -> None:
        """Vectors out of their source's collection and the combined one (ids not present are ignored)."""
        def work() -> None:
            for index in (source, ALL):
                self._collection(index).delete(ids=[str(i) for i in ids])

        if ids:
            await self._run(work)

    async def delete_from(self, index: str, ids: Sequence[int]) -> None:
        if ids:
            await self._run(lambda: self._collection(index).delete(ids=[str(i) for i in ids]))

    async def query(self, vector: np.ndarray, *, source: str | None, n: int) -> list[DenseHit]:
        """The `n` nearest chunks in one source, or in all of them (the combined collection)."""
        def work() -> list[DenseHit]:
            found = self._collection(source or ALL).query(
                query_embeddings=[vector], n_results=n, include=["distances"]  # type: ignore[list-item]
            )
            distances = (found.get("distances") or [[]])[0]
            return [DenseHit(int(i), 1.0 - float(d)) for i, d in zip(found["ids"][0], distances)]

        return await self._run(work)

    async def counts(self) -> dict[str, int]:
        """Vectors per collection: each source, and `all`."""
        return await self._run(lambda: {index: self._collection(index).count() for index in INDEXES})

    async def ids(self, index: str) -> set[int]:
        def work() -> set[int]:
            collection = self._collection(index)
            found: set[int] = set()
            page = 5000
            for offset in range(0, collection.count(), page):
                found.update(int(i) for i in collection.get(include=[], limit=page, offset=offset)["ids"])
            return found

        return await self._run(work)

    async def drop_other_models(self) -> list[str]:
        """Delete Clara's collections that hold another embedding model's vectors; return their names.

        A change of model re-embeds into new collections (`reconcile`); the old ones are never read again, and
        without this they would stay on disk, or on the server, for good (200 MB at 50,000 chunks).
        """
        def work() -> list[str]:
            self._collection(ALL)  # connects
            assert self._client is not None
            ours = {collection_name(index, self._model) for index in INDEXES}
            stale = sorted(c.name for c in self._client.list_collections()
                           if c.name.startswith(PREFIX) and c.name not in ours)
            for name in stale:
                self._client.delete_collection(name)
            return stale

        return await self._run(work)

    async def heartbeat(self) -> None:
        def work() -> None:
            self._collection(ALL)
            assert self._client is not None
            self._client.heartbeat()

        await self._run(work)

    def size_bytes(self) -> int | None:
        """Bytes on disk of the embedded index; None for a server, whose disk we cannot see."""
        if self.persist_dir is None or not self.persist_dir.exists():
            return None
        return sum(p.stat().st_size for p in self.persist_dir.rglob("*") if p.is_file())

    def close(self) -> None:
        with self._lock:
            self._drop_client()


def _client_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False)  # telemetry would phone home; there is no internet


def http_connector(url: str) -> Callable[[], ClientAPI]:
    parts = urlsplit(url)
    ssl = parts.scheme == "https"
    host = parts.hostname or "localhost"
    port = parts.port or (443 if ssl else 8000)
    return lambda: chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_client_settings())


def persistent_connector(path: Path) -> Callable[[], ClientAPI]:
    def connect() -> ClientAPI:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=_client_settings())

    return connect


def chroma_dir(data_dir: Path) -> Path:
    return data_dir / "chroma"


def open_chroma(settings: Settings, embedder: Embedder, breaker: CircuitBreaker) -> ChromaStore:
    if settings.chroma_url:
        return ChromaStore(http_connector(settings.chroma_url), embedder, breaker=breaker)
    path = chroma_dir(settings.data_dir).resolve()
    # The embedded index is local and never slow to answer, but the first open of a large one reads its files.
    return ChromaStore(persistent_connector(path), embedder, breaker=breaker, persist_dir=path, timeout=60.0)
