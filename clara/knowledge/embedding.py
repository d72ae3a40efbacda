"""Vectors for chunks and questions, from whichever embedder the stores carry (local MiniLM or Gemini).

Embedding is CPU-bound locally and a network call for Gemini: either way it runs in a worker thread, behind the
embeddings circuit breaker, so the event loop keeps serving meanwhile.
"""

from __future__ import annotations

import asyncio
from typing import Sequence

import numpy as np

from clara.knowledge.chunking import Chunk
from clara.platform.resilience import call
from clara.stores import Stores


async def embed_documents(stores: Stores, texts: Sequence[str]) -> np.ndarray:
    """Vectors for chunk texts, in a worker thread (CPU-bound locally, a network call for Gemini)."""
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_documents, list(texts)),
        breaker=stores.breakers.get("embeddings"),
    )


async def embed_passages(stores: Stores, chunks: Sequence[Chunk]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each chunk's vector (of its text under its headings) and its spans' vectors, in a worker thread."""
    texts = [c.embedding_text for c in chunks]
    spans = [[(len(t) - len(c.text) + s.start, len(t) - len(c.text) + s.end) for s in c.spans]
             for t, c in zip(texts, chunks)]
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_passages, texts, spans),
        breaker=stores.breakers.get("embeddings"),
    )


async def embed_query(stores: Stores, text: str) -> np.ndarray:
    return await call(
        lambda: asyncio.to_thread(stores.embedder.embed_query, text),
        breaker=stores.breakers.get("embeddings"),
        timeout=stores.settings.gemini_timeout_seconds,
    )
