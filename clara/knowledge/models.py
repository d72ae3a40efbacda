"""What the knowledge service returns: plain frozen dataclasses that routes and agent tools both shape as they need."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SearchHit:
    id: int
    title: str
    source: str
    section: str | None  # citable: "NFPA 25 5.2.4.2", "1910.157(f)(10)", "3.2 Pressure settings", a spec's model
    text: str
    score: float  # the second stage's score: higher is better, comparable within one answer only
    document_id: int
    standard: str | None
    edition: str | None
    answer: str | None = None  # the sentence or two (or the table row) that carry the asked fact
    page: int | None = None  # PDF page of the answer
    confidence: float = 0.0  # fitted probability that this passage carries the answer

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    source: str
    standard: str | None
    edition: str | None
    media_type: str
    filename: str | None
    chunks: int
    byte_size: int
    uploaded_by: int | None
    shipped: bool  # part of the corpus under data/, re-synced at start-up
    created_at: datetime
    status: str  # processing | ready | failed
    error: str | None  # why a failed document could not be indexed
    visibility: str  # private (its uploader and staff) | company

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["document_id"] = body.pop("id")
        body["created_at"] = self.created_at.isoformat()
        return body


@dataclass(frozen=True)
class Upload:
    document: Document
    created: bool  # False when identical content was already stored (the idempotent replay)


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    reindexed: int = 0  # chunks whose vectors were (re)built because Chroma lacked them
    chroma_available: bool = True

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SourceStats:
    documents: int
    chunks: int
    vectors: int | None  # None while Chroma is unreachable


@dataclass(frozen=True)
class KnowledgeStats:
    sources: dict[str, SourceStats]
    documents: int
    chunks: int
    equipment_models: int
    embedding_model: str
    embedding_dimension: int
    index_backend: str  # "embedded" (PersistentClient under DATA_DIR) or "server" (CHROMA_URL)
    vectors: int | None
    postgres_bytes: int  # knowledge tables and their indexes
    chroma_bytes: int | None  # the embedded index on disk; None for a server

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
