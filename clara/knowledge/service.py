"""Knowledge: hybrid search over NFPA notes, manuals, specs and uploads; equipment specs; document uploads.

These are the functions routes and agent tools call. `search` and `equipment_spec` depend only on their arguments
and the stored corpus, so the cache sits in front of them keyed by those arguments (namespaces "knowledge" and
"specs"); every change to the corpus (upload, delete, sync) invalidates both, in every process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, get_args

from clara.analytics import service as analytics
from clara.web.caller import CurrentUser, authorize
from clara.web.errors import ApiError, not_found, validation_error
from clara.knowledge import corpus, ingest, later, named, originals, parse_worker, records, spec_fields
from clara.knowledge.identifiers import model_key
from clara.knowledge.models import (
    Document, KnowledgeStats, SearchHit, SourceStats, SyncReport, Upload, UploadSource, Visibility,
)
from clara.knowledge.parsing import claimed_standard, media_type_of, title_from_filename
from clara.knowledge.search import hybrid
from clara.knowledge.models import Spec
from clara.knowledge.spoken_models import close_matches, match_model, may_name_relative, relative_models, spelled_out
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.stores.chroma import SOURCES, ChromaUnavailable

log = get_logger(__name__)

MAX_K = 20
MAX_QUERY = 500
MAX_CHOICES = 3  # more units than this equally close is not a question worth asking: close matches instead
UPLOAD_SOURCES: tuple[str, ...] = get_args(UploadSource)
VISIBILITIES: tuple[str, ...] = get_args(Visibility)


@dataclass
class UnknownModel(ApiError):
    """404 for an equipment model we have no spec for, with the models the caller probably meant."""

    close_matches: list[str] = field(default_factory=list)


@dataclass
class AmbiguousModel(UnknownModel):
    """404 for a model number that names two or three units equally well ("NFS2"): `close_matches` are those
    units, and the message asks which one."""


@dataclass
class ModelSeries(UnknownModel):
    """404 for the start of more model numbers, a series as said ("48TC"): `close_matches` all of it, smallest first."""


def _source(source: str | None, allowed: tuple[str, ...] = SOURCES) -> str | None:
    if source is not None and source not in allowed:
        raise validation_error("source", f"source must be one of: {', '.join(allowed)}")
    return source


async def search(
    stores: Stores, *, query: str, k: int = 5, source: str | None = None, actor: CurrentUser | None = None,
) -> list[SearchHit]:
    """The `k` chunks that best answer `query`, each citeable (title, section, page) with its answer span and
    confidence. A technician also sees their own private uploads; staff see every document; without an actor
    (internal callers) only shared documents count."""
    query = (query or "").strip()
    if not query:
        raise validation_error("query", "query is required")
    if len(query) > MAX_QUERY:
        raise validation_error("query", f"query must be at most {MAX_QUERY} characters")
    if "\x00" in query:  # PostgreSQL text cannot hold NUL
        raise validation_error("query", "query must not contain NUL characters")
    if not 1 <= k <= MAX_K:
        raise validation_error("k", f"k must be between 1 and {MAX_K}")
    source = _source(source)
    query = " ".join(query.split())  # technicians' repeated questions differ in spacing and case, not meaning
    viewer = (await stores.lexical.current()).audience(_viewer(actor))  # searched as that view, never wider
    found = await stores.cache.get_or_load(
        "knowledge", f"{source or 'all'}:{k}:{'staff' if viewer is None else viewer}:{query.casefold()}",
        lambda: hybrid(stores, query, k=k, source=source, viewer=viewer),
        cacheable=lambda retrieval: retrieval.complete,  # a lexical-only answer while Chroma is down is not kept
    )
    hits = [SearchHit(**hit) for hit in found["hits"]]
    await analytics.record(stores, type="knowledge_search" if hits else "knowledge_miss", properties={
        "hits": len(hits), "top_score": hits[0].score if hits else None, "source": source})
    return hits


async def uploads_named(stores: Stores, *, text: str, actor: CurrentUser | None = None) -> list[str]:
    """The titles of the uploaded documents `actor` may read that `text` names by their product, brand or model:
    such a question is about that document, however much it reads like one about a site, a unit or a setting."""
    text = " ".join((text or "").split())[:MAX_QUERY].replace("\x00", "")
    if not text:
        return []
    return await named.uploads_named(stores, text=text, viewer=_viewer(actor))


def _viewer(actor: CurrentUser | None) -> int | None:
    """Whose private documents a search may return: staff see all (None), a technician their own, nobody else's."""
    if actor is not None and actor.is_staff:
        return None
    return actor.id if actor is not None else 0


def _spec(row: dict[str, Any]) -> Spec:
    return Spec(
        model=row["model"], manufacturer=row["manufacturer"], series=row["series"], type=row["type"],
        category=row["category"], description=row["description"], details=dict(row["details"]),
    )


async def equipment_spec(stores: Stores, *, model: str) -> Spec:
    """The spec of `model` as a technician says or types it: case, spaces, dashes, leading zeros, a brand in front
    and spelled digits do not matter ("Carrier 50 TCQ A6", "five zero T C Q A zero six" are 50TCQA06). Two or three
    units equally close raise `AmbiguousModel`, the start of more `ModelSeries`; anything else `UnknownModel`."""
    key = model_key(spelled_out(model or ""))
    if not key or len(key) > 64:
        raise validation_error("model", "model must be an equipment model number such as 50TCQA06")
    found = await stores.cache.get_or_load("specs", key, lambda: _lookup_spec(stores, key))
    if found["spec"] is not None:
        return Spec(**found["spec"])
    if len(series := found.get("series", [])) > MAX_CHOICES:
        raise ModelSeries(404, "model_series", f"{model.strip()} is a series: {series[0]} to {series[-1]}; which "
                          "one?", "model", close_matches=series)
    if 2 <= len(choices := found["choices"]) <= MAX_CHOICES:
        named = " or ".join(f"the {c}" for c in choices)
        raise AmbiguousModel(404, "ambiguous_model", f"{model.strip()} could be {named}; which one?", "model",
                             close_matches=choices)
    suggestions = found["close_matches"]
    hint = f"; close matches: {', '.join(suggestions)}" if suggestions else ""
    raise UnknownModel(404, "not_found", f"no specification for model {model.strip()}{hint}", "model",
                       close_matches=suggestions)


async def _lookup_spec(stores: Stores, key: str) -> dict[str, Any]:
    """The spec, or what an unknown model could be: both are kept, so a repeated spelling costs no query."""
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT * FROM equipment_specs WHERE model_key = %s", (key,))
        row = await cur.fetchone()
        if row is not None:
            return {"spec": _spec(row), "choices": [], "close_matches": []}
        cur = await conn.execute("SELECT model_key, model FROM equipment_specs")
        known = {r["model_key"]: r["model"] for r in await cur.fetchall()}
        match = match_model(key, known)
        if match.exact and len(match.keys) == 1:
            cur = await conn.execute("SELECT * FROM equipment_specs WHERE model_key = %s", (match.keys[0],))
            row = await cur.fetchone()
            assert row is not None
            return {"spec": _spec(row), "choices": [], "close_matches": []}
    series = sorted(k for k in known if len(key) >= 3 and k.startswith(key))  # ordered as numbered: by size
    return {"spec": None, "choices": [known[k] for k in match.keys], "series": [known[k] for k in series],
            "close_matches": close_matches(key, known)}


async def relative_spec(stores: Stores, *, model: str, said: str) -> Spec | None:
    """The unit `said` names by its place in the family of `model`, the unit discussed ("its sister model", "the
    bigger one", "the 12-ton version", "the oh eight in that same series"), or among the units just offered ("the
    thirty thirty"). None when `said` names no relative; two or three equally meant raise `AmbiguousModel`."""
    if not may_name_relative(said):  # most questions about a unit ("max fuse?"): no family lookup on their turn
        return None
    try:
        current: Spec | None = await equipment_spec(stores, model=model)
        choices: list[str] = []
    except (AmbiguousModel, ModelSeries) as ambiguous:  # "the twelve" among the units just offered, or the series'
        current, choices = None, ambiguous.close_matches
    except (UnknownModel, ApiError):
        return None
    async with stores.db.connection() as conn:
        if current is not None:
            cur = await conn.execute("SELECT * FROM equipment_specs WHERE series IS NOT DISTINCT FROM %s AND "
                                     "manufacturer IS NOT DISTINCT FROM %s", (current.series, current.manufacturer))
        else:
            cur = await conn.execute("SELECT * FROM equipment_specs WHERE model = ANY(%s)", (choices,))
        members = {model_key(s.model): s for s in map(_spec, await cur.fetchall())}
    family = {key: (spec_fields.size(spec), spec_fields.tons(spec)) for key, spec in members.items()}
    keys = relative_models(said, current.key if current else None, family)
    if len(keys) == 1:
        return members[keys[0]]
    if 2 <= len(keys) <= MAX_CHOICES:
        named = [members[k].model for k in keys]
        raise AmbiguousModel(404, "ambiguous_model", f"that could be {' or '.join(f'the {n}' for n in named)}; "
                             "which one?", "model", close_matches=named)
    return None


async def stats(stores: Stores) -> KnowledgeStats:
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.source, count(DISTINCT d.id) AS documents, count(c.id) AS chunks"
            " FROM knowledge_documents d LEFT JOIN knowledge_chunks c ON c.document_id = d.id GROUP BY d.source"
        )
        per_source = {r["source"]: (int(r["documents"]), int(r["chunks"])) for r in await cur.fetchall()}
        cur = await conn.execute(
            "SELECT (SELECT count(*) FROM equipment_specs) AS models,"
            " (SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(ARRAY['knowledge_documents',"
            " 'knowledge_chunks', 'equipment_specs']) AS t) AS bytes"
        )
        totals = await cur.fetchone()
        assert totals is not None
    try:
        vectors: dict[str, int] | None = await stores.chroma.counts()
    except ChromaUnavailable:
        vectors = None
    sources = {
        s: SourceStats(*per_source.get(s, (0, 0)), vectors=None if vectors is None else vectors.get(s, 0))
        for s in SOURCES
    }  # the combined collection repeats these vectors, so it is not counted again
    return KnowledgeStats(
        sources=sources,
        documents=sum(s.documents for s in sources.values()),
        chunks=sum(s.chunks for s in sources.values()),
        equipment_models=int(totals["models"]),
        embedding_model=stores.embedder.model,
        embedding_dimension=stores.embedder.dimension,
        index_backend="server" if stores.chroma.remote else "embedded",
        vectors=None if vectors is None else sum(vectors.get(s, 0) for s in SOURCES),
        postgres_bytes=int(totals["bytes"] or 0),
        chroma_bytes=stores.chroma.size_bytes(),
    )


_DOCUMENT_COLUMNS = (
    "id, title, source, standard, edition, media_type, filename, chunk_count, byte_size, uploaded_by,"
    " origin IS NOT NULL AS shipped, created_at, content_hash, status, error, visibility"
)


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=int(row["id"]), title=row["title"], source=row["source"], standard=row["standard"],
        edition=row["edition"], media_type=row["media_type"], filename=row["filename"],
        chunks=int(row["chunk_count"]), byte_size=int(row["byte_size"]), uploaded_by=row["uploaded_by"],
        shipped=bool(row["shipped"]), created_at=row["created_at"], status=row["status"],
        error=row["error"], visibility=row["visibility"],
    )


async def _load(stores: Stores, document_id: int) -> dict[str, Any] | None:
    async with stores.db.connection() as conn:
        cur = await conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM knowledge_documents WHERE id = %s", (document_id,))
        return await cur.fetchone()


async def upload_document(
    stores: Stores, *, actor: CurrentUser, data: bytes, filename: str | None, content_type: str | None,
    title: str | None = None, source: str | None = None, visibility: str | None = None,
) -> Upload:
    """Chunk, embed and store an uploaded PDF, Markdown or text file; the same bytes again return the same document.

    Anyone signed in may add to "uploads"; the reference sources (nfpa, manuals) and a standard's label are for
    admins alone, because search answers from them as authoritative for every technician. A technician's upload is
    private to them (and staff) unless shared with the company; staff uploads are shared.
    """
    source = _source(source or "uploads", UPLOAD_SOURCES)
    if title is not None and "\x00" in title:
        raise validation_error("title", "title must not contain NUL characters")
    assert source is not None
    is_admin = actor.role == "admin"
    if source != "uploads" and not is_admin:
        raise ApiError(403, "forbidden", "only admins may add to the nfpa and manuals sources", "source")
    if visibility is not None and visibility not in VISIBILITIES:
        raise validation_error("visibility", f"visibility must be one of: {', '.join(VISIBILITIES)}")
    visibility = visibility or ("company" if actor.is_staff else "private")
    limit = stores.settings.max_upload_bytes
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", f"file must be at most {limit} bytes", "file")
    filename = _clean_filename(filename)
    media_type = media_type_of(filename, content_type)
    if not is_admin and claimed_standard(data, media_type) is not None:
        raise ApiError(403, "forbidden", "only admins may label a document as a standard (front matter "
                       "'standard:'); remove that line to upload it as notes", "file")
    digest = records.content_hash(data)
    async with stores.db.connection() as conn:
        known = await records.existing_by_hash(conn, digest)
    origin = records.Origin(len(data), digest, filename, uploaded_by=actor.id, visibility=visibility)
    may_name_standard = is_admin  # only an admin's upload may label itself a standard
    if known is not None:
        # The same bytes again; also the retry of an upload whose first attempt failed between its two writes.
        await originals.keep(stores.db, digest=digest, media_type=media_type, data=data)
        created = False
    else:
        await _within_quota(stores, actor=actor, size=len(data))
        store = _ingest_now if len(data) <= stores.settings.inline_ingest_bytes else _ingest_later
        known, created = await store(stores, data=data, origin=origin, media_type=media_type, source=source,
                                     title=title, may_name_standard=may_name_standard)
    row = await _load(stores, known)
    if row is None:  # deleted between the write and this read
        raise not_found("document", "document_id")
    return Upload(_document(row), created)


async def _ingest_now(stores: Stores, *, data: bytes, origin: records.Origin, media_type: str, source: str,
                      title: str | None, may_name_standard: bool) -> tuple[int, bool]:
    """Parse, embed and store while the uploader waits (a document small enough to take a moment)."""
    # In the parse worker: a 20 MB PDF parses for seconds, and on the event loop every other request would wait.
    parsed = await parse_worker.parse(data, media_type=media_type, filename=origin.filename, source=source,
                                      title=title, may_name_standard=may_name_standard, owner=origin.uploaded_by)
    try:
        known, created = await ingest.write_document(stores, parsed, origin)
    except ChromaUnavailable as exc:
        raise ApiError(503, "unavailable", "the search index is unavailable; try again shortly",
                       headers={"Retry-After": "5"}) from exc
    if created:
        await ingest.corpus_changed(stores)
    await originals.keep(stores.db, digest=origin.content_hash, media_type=media_type, data=data)
    return known, created


async def _ingest_later(stores: Stores, *, data: bytes, origin: records.Origin, media_type: str, source: str,
                        title: str | None, may_name_standard: bool) -> tuple[int, bool]:
    """Keep the original and reserve the document's row (so the 202 is durable), then index it in the background."""
    if stores.background.full:  # refused before anything is stored: the client retries the whole upload later
        raise ApiError(503, "busy", "too much is being processed right now; try again in a minute", "file",
                       headers={"Retry-After": "60"})
    await originals.keep(stores.db, digest=origin.content_hash, media_type=media_type, data=data)
    known, created = await ingest.reserve(stores, title=(title or title_from_filename(origin.filename))[:300],
                                          source=source, media_type=media_type, origin=origin)
    if created:
        later.queue(stores, known, title=title, may_name_standard=may_name_standard)
    return known, created


async def _within_quota(stores: Stores, *, actor: CurrentUser, size: int) -> None:
    """One user's uploads together stay under `upload_quota_bytes`, so nobody fills the disk everyone shares."""
    quota = stores.settings.upload_quota_bytes
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT coalesce(sum(byte_size), 0) AS used FROM knowledge_documents WHERE uploaded_by = %s", (actor.id,))
        row = await cur.fetchone()
    used = int(row["used"]) if row else 0
    if used + size > quota:
        raise ApiError(413, "quota_exceeded", f"your uploads would take {used + size:,} bytes; each user may store "
                       f"{quota:,} (delete a document you no longer need)", "file")


def _clean_filename(filename: str | None) -> str | None:
    """The base name a client sent, without directories or control characters (it is shown back, never opened)."""
    if not filename:
        return None
    return "".join(c for c in PurePath(filename.replace("\\", "/")).name if c.isprintable())[:255] or None


_LISTED = """(%(source)s::text IS NULL OR source = %(source)s::text)
    AND (%(viewer)s::int IS NULL OR visibility = 'company' OR uploaded_by = %(viewer)s::int)"""


async def list_documents(
    stores: Stores, *, actor: CurrentUser, source: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Document], int]:
    """The documents `actor` may see: shared ones, their own private uploads and, for staff, everyone's."""
    source = _source(source)
    params = {"source": source, "viewer": _viewer(actor), "limit": limit, "offset": offset}
    async with stores.db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS}, count(*) OVER () AS total FROM knowledge_documents WHERE {_LISTED}"
            " ORDER BY id LIMIT %(limit)s OFFSET %(offset)s", params)
        rows = await cur.fetchall()
        if rows:
            return [_document(r) for r in rows], int(rows[0]["total"])
        cur = await conn.execute(f"SELECT count(*) AS n FROM knowledge_documents WHERE {_LISTED}", params)
        total = await cur.fetchone()
    return [], int(total["n"]) if total else 0


async def get_document(stores: Stores, *, actor: CurrentUser, document_id: int) -> Document:
    """One document with its ingest `status`; a private upload is its uploader's and staff's to see."""
    row = await _load(stores, document_id)
    if row is None:
        raise not_found("document", "document_id")
    if row["visibility"] == "private":
        authorize(actor, row["uploaded_by"], field="document_id")
    return _document(row)


async def delete_document(stores: Stores, *, actor: CurrentUser, document_id: int) -> None:
    """Remove a document from both stores. Its uploader or staff only; shipped documents (no uploader): staff."""
    row = await _load(stores, document_id)
    if row is None:
        raise not_found("document", "document_id")
    authorize(actor, row["uploaded_by"], field="document_id")
    try:
        removed = await ingest.remove_document(stores, document_id)
    except ChromaUnavailable as exc:
        raise ApiError(503, "unavailable", "the search index is unavailable; try again shortly",
                       headers={"Retry-After": "5"}) from exc
    if not removed:
        raise not_found("document", "document_id")
    await originals.forget(stores.db, digest=row["content_hash"])
    await ingest.corpus_changed(stores)
    log.info("knowledge_document_deleted", document_id=document_id, by=actor.id)


async def reload_corpus(stores: Stores, *, actor: CurrentUser) -> SyncReport:
    """Pick up added, changed or removed files under the corpus dir without a restart (staff only)."""
    if not actor.is_staff:
        raise ApiError(403, "forbidden", "only dispatchers and admins may reload the knowledge corpus")
    return await corpus.sync_corpus(stores)
