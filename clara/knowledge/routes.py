"""Knowledge routes: search, stats, document uploads, and equipment specs by model number."""

from __future__ import annotations

from typing import Annotated

import orjson
from pydantic import Field, StringConstraints
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clara.web.errors import error_body
from clara.web.http import (
    Form, FormUpload, Id, Input, Int, OptionalText, Refusal, Text, accepts, current_user, respond,
)
from clara.knowledge import service
from clara.knowledge.models import (
    Document, DocumentList, EquipmentSpec, KnowledgeStats, SearchResults, Source, SyncReport, UploadResult,
    UploadSource, Visibility,
)

MAX_DOCUMENTS_PAGE = 200
MAX_OFFSET = 1_000_000
MAX_TITLE = 300  # what ingest keeps of a title


# What a spoken or typed model number can be: the service reads case, spaces, dashes and spelled digits itself.
EquipmentModel = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern="[A-Za-z0-9]"),
                           Field(description="e.g. 50TCQA06, 50-TCQA-06 or '50tcqa 06'")]


class SearchQuery(Input):
    query: Text(service.MAX_QUERY) = Field(description=(
        "A question or an identifier: 'how often test fire pump weekly', 'NFPA 25 5.2.4.2', '50TCQA06'"))
    k: Int(ge=1, le=service.MAX_K) = 5
    source: Source | None = None


class DocumentsQuery(Input):
    source: Source | None = None
    limit: Int(ge=1, le=MAX_DOCUMENTS_PAGE) = 50
    offset: Int(ge=0, le=MAX_OFFSET) = 0


class UploadFields(Input):
    """The text parts of an upload's form (the file part is read on its own, bounded by MAX_UPLOAD_BYTES)."""

    title: OptionalText(MAX_TITLE) = None
    source: UploadSource | None = Field(
        None, description="Default uploads; nfpa and manuals: admins only")
    visibility: Visibility | None = Field(None, description=(
        "private (default for technicians): the uploader, dispatchers and admins see it; company (default for "
        "staff): everyone"))


@accepts(query=SearchQuery, answers=SearchResults)
async def search(request: Request, query: SearchQuery) -> Response:
    """
    summary: Search NFPA notes, manuals, equipment specs and uploads (hybrid dense + lexical)
    tags: [knowledge]
    """
    hits = await service.search(
        request.app.state.stores, actor=current_user(request), query=query.query, k=query.k, source=query.source
    )
    return respond(SearchResults(results=hits))


@accepts(answers=KnowledgeStats)
async def stats(request: Request) -> Response:
    """
    summary: Documents and chunks per source, the embedding model and the index size
    tags: [knowledge]
    """
    current_user(request)
    return respond(await service.stats(request.app.state.stores))


@accepts(form=Form("file", UploadFields, limit="max_upload_bytes", description="PDF, Markdown (.md) or text (.txt)"),
         answers={201: UploadResult, 202: UploadResult, 200: UploadResult}, errors={
    403: "Not an admin: source nfpa or manuals (field source), or front matter naming a standard (field file)",
    413: "Larger than MAX_UPLOAD_BYTES, or over the uploader's quota",
    415: "Not a PDF, Markdown or text file", 422: "A document that cannot be read (unreadable_document)"})
async def upload_document(request: Request, form: FormUpload[UploadFields]) -> Response:
    """
    summary: Upload a PDF, Markdown or text document into the knowledge base
    description: Identical content is stored once; uploading it again answers 200 with the same document.
    tags: [knowledge]
    responses:
      201: Stored and searchable
      202: "Bigger than INLINE_INGEST_BYTES: stored, and being indexed in the background; poll
        GET /clara-server/knowledge/documents/{document_id} until status is ready or failed"
      200: Identical content was already stored
    """
    result = await service.upload_document(
        request.app.state.stores, actor=current_user(request), data=form.data, filename=form.filename,
        content_type=form.content_type, title=form.fields.title, source=form.fields.source,
        visibility=form.fields.visibility,
    )
    document = result.document
    body = UploadResult(document_id=document.id, title=document.title, chunks=document.chunks,
                        source=document.source, created=result.created, status=document.status)
    if result.created:
        return respond(body, 202 if document.status == "processing" else 201)
    return respond(body, 200)


@accepts(query=DocumentsQuery, answers=DocumentList)
async def list_documents(request: Request, query: DocumentsQuery) -> Response:
    """
    summary: List knowledge documents
    tags: [knowledge]
    """
    documents, total = await service.list_documents(
        request.app.state.stores, actor=current_user(request), source=query.source, limit=query.limit,
        offset=query.offset,
    )
    return respond(DocumentList(documents=documents, total=total))


@accepts(path={"document_id": Id}, answers=Document, errors={403: "Another user's private upload"})
async def get_document(request: Request, document_id: int) -> Response:
    """
    summary: One knowledge document, with its ingest status
    description: A private upload is visible to its uploader, dispatchers and admins only.
    tags: [knowledge]
    responses:
      200: The document
    """
    actor = current_user(request)
    document = await service.get_document(request.app.state.stores, actor=actor,
                                          document_id=document_id)
    return respond(document)


@accepts(path={"document_id": Id}, errors={403: "Another user's upload, or a shipped document"})
async def delete_document(request: Request, document_id: int) -> Response:
    """
    summary: Delete a document and its chunks from both stores (its uploader, or a dispatcher or admin)
    tags: [knowledge]
    responses:
      204: Deleted
    """
    actor = current_user(request)
    await service.delete_document(request.app.state.stores, actor=actor, document_id=document_id)
    return Response(status_code=204)


@accepts(answers=SyncReport, errors={403: "Technicians may not reload the corpus"})
async def reload_corpus(request: Request) -> Response:
    """
    summary: Re-read the shipped corpus (data/knowledge, data/specifications) without a restart
    description: Only new, changed or removed files are processed. Dispatchers and admins only.
    tags: [knowledge]
    """
    actor = current_user(request)
    report = await service.reload_corpus(request.app.state.stores, actor=actor)
    return respond(report)


@accepts(path={"model": EquipmentModel}, answers=EquipmentSpec, errors={
    404: Refusal("Unknown model; close matches listed", close_matches=list[str])})
async def equipment(request: Request, model: str) -> Response:
    """
    summary: The specification of an equipment model (case, spaces and punctuation ignored)
    tags: [knowledge]
    responses:
      200: The spec
    """
    current_user(request)
    try:
        spec = await service.equipment_spec(request.app.state.stores, model=model)
    except service.UnknownModel as unknown:
        body = error_body(unknown.code, unknown.message, unknown.field)
        body["error"]["close_matches"] = unknown.close_matches  # type: ignore[assignment]
        return JSONResponse(body, unknown.status)
    # An `EquipmentSpec` whose values are the spec file's JSON already: encoded as is, not through its TypeAdapter
    # (6x the time of orjson on the hottest cached route); /openapi.json still documents the declared type, and the
    # contract tests check the answer against it.
    return Response(orjson.dumps(spec.as_json()), media_type="application/json")


routes = [
    Route("/clara-server/knowledge/search", search, methods=["GET"]),
    Route("/clara-server/knowledge/stats", stats, methods=["GET"]),
    Route("/clara-server/knowledge/documents", upload_document, methods=["POST"]),
    Route("/clara-server/knowledge/documents", list_documents, methods=["GET"]),
    Route("/clara-server/knowledge/documents/{document_id}", get_document, methods=["GET"]),
    Route("/clara-server/knowledge/documents/{document_id}", delete_document, methods=["DELETE"]),
    Route("/clara-server/knowledge/reload", reload_corpus, methods=["POST"]),
    Route("/clara-server/equipment/{model}", equipment, methods=["GET"]),
]
