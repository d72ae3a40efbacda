"""What the knowledge service returns: plain frozen dataclasses that routes and agent tools both shape as they need.

They are also the routes' answers: `clara.web.http.respond` serialises them and `/openapi.json` documents them
through the same pydantic TypeAdapter, so the descriptions below are the API's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from operator import attrgetter
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

from clara.crm.models import Timestamp
from clara.knowledge.identifiers import model_key
from clara.stores.chroma import SOURCES

Source = Literal[SOURCES]  # type: ignore[valid-type]  # the store's collections, declared once there
UploadSource = Literal["uploads", "nfpa", "manuals"]  # specs come from data/specifications, not from uploads
DocumentStatus = Literal["processing", "ready", "failed"]
Visibility = Literal["private", "company"]  # private: its uploader and staff
_Count = Annotated[int, Field(ge=0)]


@dataclass(frozen=True)
class SearchHit:
    id: Annotated[int, Field(description="Chunk id")]
    title: Annotated[str, Field(description="The document's title")]
    source: Source
    section: Annotated[str | None, Field(description=(
        "Citable section of the answer, e.g. 'NFPA 25 5.2.4.2', '1910.157(f)(10)', '3.2 Pressure settings', "
        "'Table 4 Fault codes', or a model"))]
    text: Annotated[str, Field(description="The whole passage")]
    score: Annotated[float, Field(description="Higher is better; comparable within one answer")]  # second stage
    document_id: int
    standard: str | None
    edition: str | None
    answer: Annotated[str | None, Field(description="The sentence or two (or table row) carrying the fact")] = None
    page: Annotated[int | None, Field(ge=1, description="PDF page of the answer")] = None
    confidence: Annotated[float, Field(ge=0, le=1, description=(
        "Probability that this passage carries the answer (fitted)"))] = 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchResults:
    results: Annotated[list[SearchHit], Field(description="Best first")]


@dataclass(frozen=True)
class Document:
    id: Annotated[int, Field(serialization_alias="document_id")]
    title: str
    source: Source
    standard: str | None
    edition: str | None
    media_type: str
    filename: str | None
    chunks: _Count
    byte_size: _Count
    uploaded_by: int | None
    shipped: Annotated[bool, Field(description="Part of the corpus shipped under data/, re-synced at start-up")]
    created_at: Timestamp
    status: Annotated[DocumentStatus, Field(description=(
        "ready: searchable; failed: the document could not be indexed"))]
    error: Annotated[str | None, Field(description="Why a failed document could not be indexed")]
    visibility: Annotated[Visibility, Field(description=(
        "private: its uploader, dispatchers and admins; company: everyone"))]


@dataclass(frozen=True)
class DocumentList:
    documents: list[Document]
    total: _Count


@dataclass(frozen=True)
class Upload:
    document: Document
    created: bool  # False when identical content was already stored (the idempotent replay)


@dataclass(frozen=True)
class UploadResult:
    """What an upload answers: the document as stored, and whether this request stored it."""

    document_id: int
    title: str
    chunks: _Count
    source: UploadSource
    created: Annotated[bool, Field(description="false when identical content was already stored")]
    status: Annotated[DocumentStatus, Field(description=(
        "processing: answered 202, being indexed in the background"))]


@dataclass(frozen=True)
class SyncReport:
    added: _Count = 0
    updated: _Count = 0
    removed: _Count = 0
    unchanged: _Count = 0
    reindexed: Annotated[int, Field(ge=0, description="Chunks whose vectors were (re)built: Chroma lacked them")] = 0
    chroma_available: bool = True

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SourceStats:
    documents: _Count
    chunks: _Count
    vectors: Annotated[int | None, Field(ge=0, description="null while Chroma is unreachable")]


@dataclass(frozen=True)
class KnowledgeStats:
    sources: dict[Source, SourceStats]
    documents: _Count
    chunks: _Count
    equipment_models: _Count
    embedding_model: str
    embedding_dimension: int
    index_backend: Annotated[Literal["embedded", "server"], Field(description=(
        "embedded: Chroma's PersistentClient under DATA_DIR; server: CHROMA_URL"))]
    vectors: Annotated[int | None, Field(description="null while Chroma is unreachable")]
    postgres_bytes: Annotated[int, Field(ge=0, description="Knowledge tables and their indexes")]
    chroma_bytes: Annotated[int | None, Field(description="Embedded index on disk; null for a server")]


@dataclass(frozen=True)
class SpecSeries:
    """The fields every equipment model's specification has, from its series' file; the rest differ from one kind
    of unit to another. Declared once: `Spec` adds the model's own (`details`), and `EquipmentSpec`, the wire
    shape, is built from these same fields."""

    model: str
    manufacturer: str | None
    series: str | None
    type: str | None
    category: str | None
    description: str | None


# `SpecSeries`'s fields as a TypedDict's: what `EquipmentSpec` declares, so the stored type and the contract cannot
# drift apart field by field
_SeriesItems = TypedDict("_SeriesItems", get_type_hints(SpecSeries))  # type: ignore[misc]


class EquipmentSpec(_SeriesItems, extra_items=Any):  # type: ignore[call-arg,valid-type,misc]  # PEP 728
    """An equipment model's specification as the API answers it (GET /clara-server/equipment/{model}, and the
    `spec` of a nameplate identification): its series' fields, and beside them the model's own as its spec file
    groups them (`electrical`, `refrigerant`, `service_notes`, ...), which differ from one kind of unit to another.

    The same specification as `Spec`, in the contract's flat shape: `Spec.as_json()` is the one way from that to
    this, so the two cannot drift apart field by field."""

    electrical: NotRequired[dict[str, Any]]


@dataclass(frozen=True)
class Spec(SpecSeries):
    """One equipment model as stored and cached: its series' fields, and its own (`details`) as its file has them.

    Not the wire type (`EquipmentSpec` is): kept apart, `details` cannot shadow a series field (a group named
    `model` or `type` in a spec file), and the code that answers questions reads the series' fields as attributes
    and only the model's own groups by name. `as_json()` flattens it into the contract's shape."""

    details: dict[str, Any]

    @property
    def key(self) -> str:
        return model_key(self.model)

    def as_json(self) -> EquipmentSpec:
        """The model's own fields at the top level (electrical, refrigerant, ...) next to its series' fields."""
        body = dict(self.details)  # the extra items, JSON from the spec file
        body.update(zip(_SERIES_NAMES, _series_values(self)))  # over any group of the same name
        return body  # type: ignore[return-value]


_SERIES_NAMES = tuple(field.name for field in fields(SpecSeries))
_series_values = attrgetter(*_SERIES_NAMES)
