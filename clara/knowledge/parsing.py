"""Bytes in, a `ParsedDocument` out: the one place that knows PDF, Markdown, plain text and spec JSON.

Errors are the contract's: an unsupported type is 415, a file we cannot read text from (empty, not UTF-8, a
scanned or broken PDF) is 422, with a message a technician can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from clara.web.errors import ApiError
from clara.web.text import CONTROL
from clara.knowledge import pdf
from clara.knowledge.blocks import Block, markdown_blocks
from clara.knowledge.chunking import Chunk, chunk_units
from clara.knowledge.identifiers import text_identifiers
from clara.knowledge.mail import read_mail
from clara.knowledge.outline import Heading, parse_heading, units
from clara.knowledge.specs import Spec, SpecFormatError, parse_spec_file, spec_chunk
from clara.knowledge.text_blocks import text_blocks
from clara.knowledge.text_pages import paged_lines

PDF = "application/pdf"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
SPEC_JSON = "application/json"
EXTENSIONS = {".pdf": PDF, ".md": MARKDOWN, ".markdown": MARKDOWN, ".txt": TEXT, ".text": TEXT}
_DECLARED = {PDF: PDF, "application/x-pdf": PDF, MARKDOWN: MARKDOWN, "text/x-markdown": MARKDOWN, TEXT: TEXT}
MAX_PAGES = 2000  # a manual or a code book; beyond, a file is more likely a scan archive than a reference
MAX_CHARACTERS = 4_000_000  # about a 2,000-page book; a bigger text file is a dump, not a manual
MAX_CHUNKS = 6_000  # what one document may add to the index (a 2,000-page code book is about 5,000)
# A file's control characters (an ANSI colour escape, a backspace, a bell) would reach titles and passages that the
# console, the app and speech show: dropped when the file is read. Tab, line breaks and the form feed that starts a
# page stay.
_STRAY_CONTROL = re.compile(f"[{CONTROL.replace(chr(92) + 'x0c', '')}]")
_TITLE_CONTROL = re.compile(f"[{CONTROL}\t\n\r]")
_SUBTITLE_WORDS = 16  # a subtitle names the document; a longer opening paragraph is its text


@dataclass(frozen=True)
class ParsedDocument:
    title: str
    source: str
    standard: str | None
    edition: str | None
    media_type: str
    chunks: list[Chunk]
    specs: tuple[Spec, ...] = ()
    pages: int | None = None


@dataclass(frozen=True)
class FrontMatter:
    fields: dict[str, str] = field(default_factory=dict)
    body: str = ""


def split_front_matter(text: str) -> FrontMatter:
    """`---` delimited `key: value` lines at the very top (the shipped corpus format); the rest is the body."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return FrontMatter({}, text)
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            fields: dict[str, str] = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    fields[key.strip().lower()] = value.strip().strip("\"'")
            return FrontMatter(fields, "\n".join(lines[end + 1 :]))
    return FrontMatter({}, text)


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
    raise ApiError(415, "unsupported_media_type", "file must be a PDF, Markdown (.md) or plain text (.txt) file",
                   "file")


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unreadable("file is not UTF-8 text") from None
    if "\x00" in text:
        raise unreadable("file is binary, not text")
    return _STRAY_CONTROL.sub("", text)


def _opening(blocks: list[Block]) -> tuple[int, Heading] | None:
    """The heading a document opens with, before any text (a table may come first), and where it stands."""
    for index, block in enumerate(blocks[:3]):
        if block.kind == "paragraph":
            return None
        if block.kind == "heading":
            return index, parse_heading(block.text, block.level)
    return None


def _peer_follows(blocks: list[Block], index: int, level: int, *, unnumbered_only: bool = False) -> bool:
    """Whether a later heading stands as high as the one at `index`: then that one opens a part, not the whole."""
    return any(b.kind == "heading" and (later := parse_heading(b.text, b.level)).level <= level
               and not (unnumbered_only and later.number) for b in blocks[index + 1:])


def _first_heading(blocks: list[Block], *, sized: bool = False) -> str | None:
    """A document's title when it opens with one: a first heading before any text, unless it is a numbered
    section ("13.3 Control valves" is the first section, not the document). Where levels come from type sizes (a
    PDF), not when a later unnumbered heading is as large: "Description" over a data sheet's "Testing" and
    "Sensitivity", all alike in bold, is its first section."""
    opening = _opening(blocks)
    if opening is None or opening[1].number:
        return None
    index, found = opening
    if sized and _peer_follows(blocks, index, found.level, unnumbered_only=True):
        return None
    return blocks[index].text or None


_BULLETS = ("\u2022", "- ", "* ")  # a list's first item ("\u2022 CVR rooftop units, 3 to 12.5 tons") is what it lists


def _subtitle(blocks: list[Block], *, titled: bool = False) -> str | None:
    """The line or two under a document's opening heading that are not prose: "ACME MECHANICAL" over "Standard
    Operating Procedure SOP-HV-07 Refrigerant Recovery and Leak Repair". They say what the document is about, which
    the heading alone (a company's name) does not; every chunk's context carries them. `titled`: the blocks come
    after a title already taken out of them (a PDF's title block), so the subtitle is the first block."""
    if titled:
        after_index = 0
    else:
        opening = _opening(blocks)
        if opening is None or opening[1].number:
            return None
        after_index = opening[0] + 1
    if after_index >= len(blocks):
        return None
    after = blocks[after_index]
    if after.kind != "paragraph" or len(after.text.split()) > _SUBTITLE_WORDS or \
            after.text.endswith((".", "!", "?", ":")) or after.text.startswith(_BULLETS):
        return None
    return after.text


# "Site: Ashgrove ...", "Export date: ...", "Controller S/N: ...": a capitalised word and up to two more in lower case
# or abbreviated, then a colon ("Pump Room B Pump: 750 GPM" is the field "Pump")
_FIELD_LABEL = re.compile(r"(?:^|(?<=\s))[A-Z][A-Za-z/#.-]*(?:\s(?:[a-z][a-z/#.-]*|[A-Z]{2,}|\S*/\S*)){0,2}:\s+")
_FIELDS = 3  # fewer labels than this is a sentence with a colon, not a block of fields
_FIELDS_WORDS = 60


def _named_fields(blocks: list[Block]) -> str | None:
    """The fields naming what a document is about, from the block of `Label: value` fields right under its opening
    title (an export's "Site: Ashgrove Distribution Center, Pump Room B", a memo's "To:" and "Subject:"): those whose
    values hold no figures (a serial number, a rating or a date describes, it does not name). Said only there, the
    site never reached the passages of the export, and "when did the Ashgrove fire pump fail to start" found its
    opening lines before its events."""
    opening = _opening(blocks)
    if opening is None or opening[0] + 1 >= len(blocks):
        return None
    after = blocks[opening[0] + 1]
    labels = list(_FIELD_LABEL.finditer(after.text))
    if after.kind != "paragraph" or len(labels) < _FIELDS or len(after.text.split()) > _FIELDS_WORDS or \
            after.text.endswith((".", "!", "?")):
        return None
    ends = [label.start() for label in labels[1:]] + [len(after.text)]
    named = [f"{label[0].strip()} {after.text[label.end():end].strip()}" for label, end in zip(labels, ends)
             if not re.search(r"\d", after.text[label.end():end])]
    return "; ".join(named) or None


def _named(running_header: str | None) -> str | None:
    """A running header names the document ("KX-400 Installation Manual") unless it is only a page number; its
    parts are said as a list ("Sentra SX-5 Duct Smoke Detector, Installation Instructions"), not with bars."""
    if not running_header or not re.search(r"[A-Za-z]{3}", running_header):
        return None
    return ", ".join(part.strip() for part in re.split(r"\s[|\u2022\u00b7]\s", running_header) if part.strip())


def _lone_section(blocks: list[Block]) -> str | None:
    """A document that opens with a numbered section holding all the rest ("§ 1910.38 Emergency action plans." over
    its clauses, "13.3 Control valves" over 13.3.1 and 13.3.2) is about that section: it names the document better
    than a file name does. Not when a sibling follows ("4 Inspection" then "5 Testing" are chapters of something)."""
    opening = _opening(blocks)
    if opening is None or not opening[1].number:
        return None
    index, found = opening
    return None if _peer_follows(blocks, index, found.level) else found.label


_INDEX_TITLE = re.compile(r"^(?:(?:alphabetical|subject|general)\s+)?index$", re.IGNORECASE)
_PAGE_REFERENCE = re.compile(r",\s*(?:\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?|[ivxl]{1,5})(?=[,;\s]|$)")
_REFERENCES_PER_WORD = 0.15  # "Relief valve, 5, 22, 30": a back-of-book index has a page number every few words


def _without_index(blocks: list[Block]) -> list[Block]:
    """A document without its back-of-book index. The index names every subject with its pages ("Cut-in pressure,
    3, 9-11 Jockey pump, 4, 18"): kept, it is a passage that matches a question on any subject, with no answer in it.
    An index is a heading "Index" over entries, with a heading per letter at most."""
    out: list[Block] = []
    held: list[Block] = []  # the index's title and letter headings, dropped once entries follow them
    in_index = False
    for block in blocks:
        if block.kind == "heading":
            in_index = bool(_INDEX_TITLE.match(block.text)) or (in_index and len(block.text) <= 2)
            if in_index:
                held.append(block)
                continue
        elif in_index and (block.kind == "paragraph" and _index_entries(block.text) or block.kind == "table"
                           and _index_entries(" ".join(" ".join(row) for row in block.rows))):
            held.clear()  # entries, in lines or set in columns
            continue
        else:
            in_index = False
        out.extend(held)
        held.clear()
        out.append(block)
    return out + held


def _index_entries(text: str) -> bool:
    references = len(_PAGE_REFERENCE.findall(text))
    return references > 0 and references >= _REFERENCES_PER_WORD * len(text.split())


def too_large(message: str) -> ApiError:
    return ApiError(413, "document_too_large", message, "file")


def title_from_filename(filename: str | None) -> str:
    """A document's title when neither the client nor the document gives one: "dts260_ats.txt" -> "dts260 ats"."""
    return PurePath(filename or "document").stem.replace("_", " ").replace("-", " ").strip() or "document"


def parse_document(
    data: bytes, *, media_type: str, filename: str | None, source: str, title: str | None = None,
    may_name_standard: bool = True,
) -> ParsedDocument:
    """Chunks for a knowledge file. Front matter (`source/standard/edition/title`) fills what the caller left unset;
    a `standard:` is honoured only when `may_name_standard` (an admin's upload or the shipped corpus), so nobody's
    notes can pose as NFPA 25.

    One document's work is bounded (pages, characters, chunks), whatever the byte size allowed: a 20 MB text file of
    short lines would otherwise become tens of thousands of chunks and take over everyone's results."""
    if not data.strip():
        raise unreadable("file is empty")
    fallback_title = title_from_filename(filename)
    standard = edition = context = metadata_title = footer = None
    subjects: tuple[str, ...] = ()  # an e-mail's subject lines (`clara.knowledge.mail`)
    printed_title: str | None = None  # a PDF's title as its cover or first page prints it
    pages = None
    if media_type == PDF:
        try:
            read = pdf.read(data, max_pages=MAX_PAGES)
        except pdf.PdfError as exc:
            raise unreadable(str(exc)) from None
        blocks, pages, context = read.blocks, read.pages, _named(read.running_header)
        metadata_title, footer = read.title, _named(read.running_footer)
        printed_title = " ".join(read.title_block.title_lines) or None
        doc_title = (title or printed_title or _first_heading(blocks, sized=True) or metadata_title or context
                     or _lone_section(blocks) or footer or fallback_title)
    else:
        text = _decode(data)
        if len(text) > MAX_CHARACTERS:
            raise too_large(f"file has {len(text):,} characters; at most {MAX_CHARACTERS:,} are accepted")
        front = split_front_matter(text)
        standard = (front.fields.get("standard") or None) if may_name_standard else None
        edition = front.fields.get("edition") or None
        mail = read_mail(front.body)
        body = mail.body if mail else front.body
        subjects = mail.subjects if mail else ()
        if media_type == MARKDOWN:
            blocks = markdown_blocks(body)
        else:
            paged = paged_lines(body)
            blocks, context = text_blocks(body, paged), _named(paged.running)
        doc_title = (title or front.fields.get("title") or next(iter(subjects), None) or _first_heading(blocks)
                     or context or _lone_section(blocks) or fallback_title)
    doc_title = _TITLE_CONTROL.sub("", doc_title)[:300].strip() or fallback_title
    subtitle = _subtitle(blocks, titled=printed_title is not None)
    rest = [block for block in blocks if not (block.kind == "paragraph" and block.text == subtitle)]
    if subtitle is not None and any(block.kind != "heading" for block in rest):
        blocks = rest  # every chunk's context says it: as a passage of its own it answers nothing
    blocks = _without_index(blocks)
    # a file name that carries a model ("kx400_section3.txt") still names the document when a heading titles it
    named_by_file = fallback_title if doc_title != fallback_title and text_identifiers(fallback_title) else None
    chunks = chunk_units(units(blocks, document_title=doc_title), document_title=doc_title,
                         context=_context(doc_title, printed_title, standard, context, metadata_title, subtitle, footer,
                                          named_by_file, _named_fields(blocks), *subjects),
                         standard=standard)
    if not chunks:
        raise unreadable("file has no text to index")
    if len(chunks) > MAX_CHUNKS:
        raise too_large(f"file makes {len(chunks):,} passages; at most {MAX_CHUNKS:,} per document are accepted "
                        "(split it into volumes)")
    return ParsedDocument(doc_title, source, standard, edition, media_type, chunks, pages=pages)


def _context(title: str, *extras: str | None) -> str:
    """The document as every chunk's context names it: its title, plus the standard, a PDF's running header or its
    metadata title when they add words the title lacks (they often name the model family): "kx7" adds nothing to
    "Kestrel KX-7 Alarm Valve"."""
    parts = [title]
    for extra in extras:
        if extra and not _says(" ".join(parts), extra):
            parts.append(extra)
    return " | ".join(parts)


def _says(text: str, extra: str) -> bool:
    """Whether `text` says `extra` in whole words, however each spaces or hyphenates it ("KX-7" says "kx7")."""
    words, said = re.findall(r"[a-z0-9]+", text.lower()), re.findall(r"[a-z0-9]+", extra.lower())
    if f" {' '.join(said)} " in f" {' '.join(words)} ":
        return True
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + 4, len(words) + 1))}
    return "".join(said) in runs


def claimed_standard(data: bytes, media_type: str) -> str | None:
    """The standard a text file's front matter names (`standard: NFPA 25`), read before anything is stored so a
    non-admin's upload that claims one is refused at once rather than indexed (or failed later in the background)."""
    if media_type == PDF:
        return None  # a PDF's standard is never read from the file
    return split_front_matter(data.decode("utf-8-sig", errors="replace")).fields.get("standard") or None


def parse_front_matter_source(data: bytes) -> str | None:
    """The `source:` a shipped file declares (nfpa or manuals)."""
    try:
        return split_front_matter(data.decode("utf-8-sig")).fields.get("source") or None
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
