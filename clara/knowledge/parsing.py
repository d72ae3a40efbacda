"""Bytes in, a `ParsedDocument` out: the one place that knows PDF, Markdown, plain text and spec JSON.

Errors are the contract's: an unsupported type is 415, a file we cannot read text from (empty, not UTF-8, a
scanned or broken PDF) is 422, with a message a technician can act on.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import PurePath

from clara.errors import ApiError
from clara.knowledge import chunking
from clara.knowledge.chunking import Chunk
from clara.knowledge.specs import Spec, SpecFormatError, parse_spec_file, spec_chunk

PDF = "application/pdf"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
SPEC_JSON = "application/json"
EXTENSIONS = {".pdf": PDF, ".md": MARKDOWN, ".markdown": MARKDOWN, ".txt": TEXT, ".text": TEXT}
_DECLARED = {PDF: PDF, "application/x-pdf": PDF, MARKDOWN: MARKDOWN, "text/x-markdown": MARKDOWN, TEXT: TEXT}


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    source: str
    standard: str | None
    edition: str | None
    media_type: str
    chunks: list[Chunk]
    specs: tuple[Spec, ...] = ()


def unreadable(message: str) -> ApiError:
    return ApiError(422, "unreadable_document", message, "file")


def media_type_of(filename: str | None, declared: str | None) -> str:
    """PDF, Markdown or plain text, by extension first (phones often send application/octet-stream)."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    media = (declared or "").split(";")[0].strip().lower()
    if media in _DECLARED:
        return _DECLARED[media]
    raise ApiError(415, "unsupported_media_type", "file must be a PDF, Markdown (.md) or plain text (.txt) file", "file")


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unreadable("file is not UTF-8 text") from None
    if "\x00" in text:
        raise unreadable("file is binary, not text")
    return text


def pdf_text(data: bytes) -> str:
    """The text of every page; 422 for a broken or encrypted PDF, or one that is only images (needs OCR)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise unreadable("file is not a PDF")
    # pypdf logs every recoverable oddity of a damaged file at WARNING; the outcome is what matters here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise unreadable("PDF is password protected")
        pages = [(page.extract_text() or "").replace("\x00", "") for page in reader.pages]  # NUL: not for Postgres
    except ApiError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise unreadable(f"PDF could not be read ({type(exc).__name__})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise unreadable("PDF has no text layer (a scan needs OCR first)")
    return text


def _first_h1(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip() or None
        if line.strip():
            return None
    return None


def parse_document(
    data: bytes, *, media_type: str, filename: str | None, source: str, title: str | None = None
) -> ParsedDocument:
    """Chunks for a knowledge file. Front matter (`source/standard/edition/title`) fills what the caller left unset."""
    if not data.strip():
        raise unreadable("file is empty")
    fallback_title = PurePath(filename or "document").stem.replace("_", " ").replace("-", " ").strip() or "document"
    if media_type == PDF:
        text = pdf_text(data)
        doc_title = title or fallback_title
        sections = chunking.plain_sections(text)
        standard = edition = None
    else:
        front = chunking.split_front_matter(_decode(data))
        standard = front.fields.get("standard") or None
        edition = front.fields.get("edition") or None
        doc_title = title or front.fields.get("title") or _first_h1(front.body) or fallback_title
        if media_type == MARKDOWN:
            sections = chunking.markdown_sections(front.body)
        else:
            sections = chunking.plain_sections(front.body)
    chunks = chunking.chunk_sections(sections, document_title=doc_title, standard=standard)
    if not chunks:
        raise unreadable("file has no text to index")
    return ParsedDocument(doc_title[:300], source, standard, edition, media_type, chunks)


def parse_front_matter_source(data: bytes) -> str | None:
    """The `source:` a shipped file declares (nfpa or manuals)."""
    try:
        return chunking.split_front_matter(data.decode("utf-8-sig")).fields.get("source") or None
    except UnicodeDecodeError:
        return None


def parse_spec_document(data: bytes, *, filename: str) -> ParsedDocument:
    """A data/specifications/*.json file: one chunk per model, and the models for the lookup table."""
    try:
        specs = parse_spec_file(data)
    except SpecFormatError as exc:
        raise unreadable(f"{filename}: {exc}") from None
    if not specs:
        raise unreadable(f"{filename}: no models")
    first = specs[0]
    title = " ".join(p for p in (first.manufacturer, first.series, first.type) if p) or PurePath(filename).stem
    return ParsedDocument(title, "specs", None, None, SPEC_JSON, [spec_chunk(s) for s in specs], tuple(specs))
