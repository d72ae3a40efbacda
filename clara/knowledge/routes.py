"""Knowledge routes: search, stats, document uploads, and equipment specs by model number."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clara.web.errors import error_body, validation_error
from clara.web.http import Input, Int, OptionalText, Text, accepts, current_user, path_int, validate
from clara.knowledge import service
from clara.web.openapi import form_schema, register_schemas
from clara.stores.chroma import SOURCES

MAX_DOCUMENTS_PAGE = 200
MAX_OFFSET = 1_000_000
MAX_TITLE = 300  # what ingest keeps of a title
Source = Literal[SOURCES]  # type: ignore[valid-type]  # the tuple's values, declared once in the store


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
    source: Literal[service.UPLOAD_SOURCES] | None = Field(  # type: ignore[valid-type]
        None, description="Default uploads; nfpa and manuals: dispatchers and admins only")
    visibility: Literal[service.VISIBILITIES] | None = Field(None, description=(  # type: ignore[valid-type]
        "private (default for technicians): the uploader, dispatchers and admins see it; company (default for "
        "staff): everyone"))

_NULLABLE_STRING = {"type": ["string", "null"]}
_COUNT = {"type": "integer", "minimum": 0}
_SOURCE_STATS = {
    "type": "object",
    "required": ["documents", "chunks", "vectors"],
    "properties": {"documents": _COUNT, "chunks": _COUNT, "vectors": {"type": ["integer", "null"], "minimum": 0}},
}

register_schemas(
    {
        "SearchResult": {
            "type": "object",
            "required": ["id", "title", "source", "section", "text", "score", "document_id", "standard", "edition",
                         "answer", "page", "confidence"],
            "properties": {
                "id": {"type": "integer", "description": "Chunk id"},
                "title": {"type": "string", "description": "The document's title"},
                "source": {"enum": list(SOURCES)},
                "section": {**_NULLABLE_STRING, "description": "Citable section of the answer, e.g. 'NFPA 25 5.2.4.2',"
                            " '1910.157(f)(10)', '3.2 Pressure settings', 'Table 4 Fault codes', or a model"},
                "text": {"type": "string", "description": "The whole passage"},
                "score": {"type": "number", "description": "Higher is better; comparable within one answer"},
                "document_id": {"type": "integer"},
                "standard": _NULLABLE_STRING,
                "edition": _NULLABLE_STRING,
                "answer": {**_NULLABLE_STRING, "description": "The sentence or two (or table row) carrying the fact"},
                "page": {"type": ["integer", "null"], "minimum": 1, "description": "PDF page of the answer"},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                               "description": "Probability that this passage carries the answer (fitted)"},
            },
        },
        "SearchResults": {
            "type": "object",
            "required": ["results"],
            "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}}},
        },
        "KnowledgeStats": {
            "type": "object",
            "required": ["sources", "documents", "chunks", "equipment_models", "embedding_model",
                         "embedding_dimension", "index_backend", "vectors", "postgres_bytes", "chroma_bytes"],
            "properties": {
                "sources": {"type": "object", "required": list(SOURCES),
                            "properties": {s: _SOURCE_STATS for s in SOURCES}},
                "documents": _COUNT,
                "chunks": _COUNT,
                "equipment_models": _COUNT,
                "embedding_model": {"type": "string"},
                "embedding_dimension": {"type": "integer"},
                "index_backend": {"enum": ["embedded", "server"]},
                "vectors": {"type": ["integer", "null"], "description": "null while Chroma is unreachable"},
                "postgres_bytes": _COUNT,
                "chroma_bytes": {"type": ["integer", "null"], "description": "Embedded index on disk; null for a server"},
            },
        },
        "KnowledgeDocument": {
            "type": "object",
            "required": ["document_id", "title", "source", "standard", "edition", "media_type", "filename", "chunks",
                         "byte_size", "uploaded_by", "shipped", "created_at", "status", "error", "visibility"],
            "properties": {
                "document_id": {"type": "integer"},
                "title": {"type": "string"},
                "source": {"enum": list(SOURCES)},
                "standard": _NULLABLE_STRING,
                "edition": _NULLABLE_STRING,
                "media_type": {"type": "string"},
                "filename": _NULLABLE_STRING,
                "chunks": _COUNT,
                "byte_size": _COUNT,
                "uploaded_by": {"type": ["integer", "null"]},
                "shipped": {"type": "boolean", "description": "Part of the corpus shipped under data/"},
                "created_at": {"type": "string", "format": "date-time"},
                "status": {"enum": ["processing", "ready", "failed"],
                           "description": "ready: searchable; failed: the document could not be indexed"},
                "error": {**_NULLABLE_STRING, "description": "Why a failed document could not be indexed"},
                "visibility": {"enum": list(service.VISIBILITIES),
                               "description": "private: its uploader, dispatchers and admins; company: everyone"},
            },
        },
        "KnowledgeDocumentList": {
            "type": "object",
            "required": ["documents", "total"],
            "properties": {
                "documents": {"type": "array", "items": {"$ref": "#/components/schemas/KnowledgeDocument"}},
                "total": _COUNT,
            },
        },
        "UploadResult": {
            "type": "object",
            "required": ["document_id", "title", "chunks", "source", "created", "status"],
            "properties": {
                "document_id": {"type": "integer"},
                "title": {"type": "string"},
                "chunks": _COUNT,
                "source": {"enum": list(service.UPLOAD_SOURCES)},
                "created": {"type": "boolean", "description": "false when identical content was already stored"},
                "status": {"enum": ["processing", "ready", "failed"],
                           "description": "processing: answered 202, being indexed in the background"},
            },
        },
        "DocumentUpload": form_schema(UploadFields, required=["file"], file={
            "type": "string", "format": "binary", "description": "PDF, Markdown (.md) or text (.txt)"}),
        "SyncReport": {
            "type": "object",
            "required": ["added", "updated", "removed", "unchanged", "reindexed", "chroma_available"],
            "properties": {
                "added": _COUNT, "updated": _COUNT, "removed": _COUNT, "unchanged": _COUNT, "reindexed": _COUNT,
                "chroma_available": {"type": "boolean"},
            },
        },
        "EquipmentSpec": {
            "type": "object",
            "required": ["model", "manufacturer", "series", "type", "category", "description"],
            "additionalProperties": True,
            "description": "The model's own fields (electrical, refrigerant, ...) beside its series' fields",
            "properties": {
                "model": {"type": "string"},
                "manufacturer": _NULLABLE_STRING,
                "series": _NULLABLE_STRING,
                "type": _NULLABLE_STRING,
                "category": _NULLABLE_STRING,
                "description": _NULLABLE_STRING,
                "electrical": {"type": "object"},
            },
        },
        "UnknownModel": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "close_matches"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "field": _NULLABLE_STRING,
                        "close_matches": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
        },
    }
)


@accepts(query=SearchQuery)
async def search(request: Request, query: SearchQuery) -> JSONResponse:
    """
    summary: Search NFPA notes, manuals, equipment specs and uploads (hybrid dense + lexical)
    tags: [knowledge]
    responses:
      200: {description: Best chunks first, content: {application/json: {schema: {$ref: '#/components/schemas/SearchResults'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
    """
    hits = await service.search(
        request.app.state.stores, actor=current_user(request), query=query.query, k=query.k, source=query.source
    )
    return JSONResponse({"results": [hit.as_json() for hit in hits]})


async def stats(request: Request) -> JSONResponse:
    """
    summary: Documents and chunks per source, the embedding model and the index size
    tags: [knowledge]
    responses:
      200: {description: Knowledge base statistics, content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeStats'}}}}
    """
    current_user(request)
    return JSONResponse((await service.stats(request.app.state.stores)).as_json())


async def upload_document(request: Request) -> JSONResponse:
    """
    summary: Upload a PDF, Markdown or text document into the knowledge base
    description: Identical content is stored once; uploading it again answers 200 with the same document.
    tags: [knowledge]
    requestBody: {required: true, content: {multipart/form-data: {schema: {$ref: '#/components/schemas/DocumentUpload'}}}}
    responses:
      201: {description: Stored and searchable, content: {application/json: {schema: {$ref: '#/components/schemas/UploadResult'}}}}
      202: {description: "Bigger than INLINE_INGEST_BYTES: stored, and being indexed in the background; poll GET /clara-server/knowledge/documents/{document_id} until status is ready or failed", content: {application/json: {schema: {$ref: '#/components/schemas/UploadResult'}}}}
      200: {description: Identical content was already stored, content: {application/json: {schema: {$ref: '#/components/schemas/UploadResult'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      413: {$ref: '#/components/responses/PayloadTooLarge'}
      415: {$ref: '#/components/responses/UnsupportedMediaType'}
      422: {$ref: '#/components/responses/Unprocessable'}
      503: {$ref: '#/components/responses/Unavailable'}
    """
    actor = current_user(request)
    try:
        form = await request.form(max_files=1, max_fields=5)
    except HTTPException as exc:
        raise validation_error("file", f"the body must be multipart/form-data with a 'file' part ({exc.detail})")
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise validation_error("file", "file is required (a multipart/form-data part named 'file')")
        fields = validate(UploadFields, {name: value for name, value in form.items() if isinstance(value, str)})
        data = await upload.read(request.app.state.settings.max_upload_bytes + 1)
    finally:
        await form.close()  # spooled temporary files
    result = await service.upload_document(
        request.app.state.stores, actor=actor, data=data, filename=upload.filename,
        content_type=upload.content_type, title=fields.title, source=fields.source, visibility=fields.visibility,
    )
    document = result.document
    body = {"document_id": document.id, "title": document.title, "chunks": document.chunks,
            "source": document.source, "created": result.created, "status": document.status}
    if result.created:
        return JSONResponse(body, 202 if document.status == "processing" else 201)
    return JSONResponse(body, 200)


@accepts(query=DocumentsQuery)
async def list_documents(request: Request, query: DocumentsQuery) -> JSONResponse:
    """
    summary: List knowledge documents
    tags: [knowledge]
    responses:
      200: {description: A page of documents, content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeDocumentList'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
    """
    documents, total = await service.list_documents(
        request.app.state.stores, actor=current_user(request), source=query.source, limit=query.limit,
        offset=query.offset,
    )
    return JSONResponse({"documents": [d.as_json() for d in documents], "total": total})


async def get_document(request: Request) -> JSONResponse:
    """
    summary: One knowledge document, with its ingest status
    description: A private upload is visible to its uploader, dispatchers and admins only.
    tags: [knowledge]
    parameters:
      - {name: document_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      200: {description: The document, content: {application/json: {schema: {$ref: '#/components/schemas/KnowledgeDocument'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    document = await service.get_document(request.app.state.stores, actor=actor,
                                          document_id=path_int(request, "document_id"))
    return JSONResponse(document.as_json())


async def delete_document(request: Request) -> Response:
    """
    summary: Delete a document and its chunks from both stores (its uploader, or a dispatcher or admin)
    tags: [knowledge]
    parameters:
      - {name: document_id, in: path, required: true, schema: {type: integer, minimum: 1}}
    responses:
      204: {description: Deleted}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      503: {$ref: '#/components/responses/Unavailable'}
    """
    actor = current_user(request)
    document_id = path_int(request, "document_id")
    await service.delete_document(request.app.state.stores, actor=actor, document_id=document_id)
    return Response(status_code=204)


async def reload_corpus(request: Request) -> JSONResponse:
    """
    summary: Re-read the shipped corpus (data/knowledge, data/specifications) without a restart
    description: Only new, changed or removed files are processed. Dispatchers and admins only.
    tags: [knowledge]
    responses:
      200: {description: What changed, content: {application/json: {schema: {$ref: '#/components/schemas/SyncReport'}}}}
      403: {$ref: '#/components/responses/Forbidden'}
    """
    actor = current_user(request)
    report = await service.reload_corpus(request.app.state.stores, actor=actor)
    return JSONResponse(report.as_json())


async def equipment(request: Request) -> JSONResponse:
    """
    summary: The specification of an equipment model (case, spaces and punctuation ignored)
    tags: [knowledge]
    parameters:
      - {name: model, in: path, required: true, schema: {type: string, minLength: 1, maxLength: 100, pattern: '[A-Za-z0-9]'},
         description: "e.g. 50TCQA06, 50-TCQA-06 or '50tcqa 06'"}
    responses:
      200: {description: The spec, content: {application/json: {schema: {$ref: '#/components/schemas/EquipmentSpec'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      404: {description: Unknown model; close matches listed, content: {application/json: {schema: {$ref: '#/components/schemas/UnknownModel'}}}}
    """
    current_user(request)
    try:
        spec = await service.equipment_spec(request.app.state.stores, model=request.path_params["model"])
    except service.UnknownModel as unknown:
        body = error_body(unknown.code, unknown.message, unknown.field)
        body["error"]["close_matches"] = unknown.close_matches  # type: ignore[assignment]
        return JSONResponse(body, unknown.status)
    return JSONResponse(spec.as_json())


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
