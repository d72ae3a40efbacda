"""Pack a document's units (paragraphs and tables in their place) into citeable chunks with sentence spans.

A chunk never crosses a heading, starts afresh at each clause of a regulation that is a passage of its own (a short
"(f)" with its items (1)-(3) is one; a long one is cut at "(f)(10)" and "(f)(11)"), and stays under the embedding
model's window, so every chunk knows its section and page and an answer can cite "1910.157(f)(10)" or "KX-400
manual, 3.2 Pressure settings, page 7". Tables are cut between rows, never inside one, and each part repeats the
header, so a row always reads with its column names.

Each chunk also records its spans: the sentences, list items and table rows it is made of, each with its own section
and page. A second ranking stage scores them and the best one is the answer a technician hears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from clara.knowledge.identifiers import clause_key, model_key, text_identifiers
from clara.knowledge.outline import Unit

MAX_WORDS = 150  # ~200 word pieces plus the context line: under the 256 tokens all-MiniLM-L6-v2 reads
MIN_WORDS = 25  # an item shorter than this joins its sibling rather than standing alone: "(f)(3)" with "(f)(4)"
TITLE_WORDS = 8  # a top clause shorter than this is a title for the next one: "(h) Training." with "(i) Each..."
# a sentence ends at its stop, or after the quotation mark closing it: 'Code text: "... of such a person." Answer: No.'
_SENTENCE_END = re.compile(r"(?:(?<=[.!?;])|(?<=[.!?;][\"\u201d]))\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|approx|fig|no|nos|vol|sec|para|max|min|vs|etc|incl|ref|rev|dia|"
                           r"ft|in|lb|lbs|oz|gal|psi|psig|mm|cm|st|mt|inc|corp|co|jr|sr|dr|mr|ms|u\.s)\.)$",
                           re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A sentence, list item or table row of a chunk: [start, end) in its text, with its own place."""

    start: int
    end: int
    section: str | None
    page: int | None


@dataclass(frozen=True)
class Chunk:
    title: str  # the document's title
    section: str | None  # citable: "NFPA 25 5.2.4.2", "1910.157(f)(10)", "3.2 Pressure settings", a spec's model
    text: str
    keys: tuple[str, ...] = ()  # its own identifiers (section number, clause, model), normalised
    identifiers: tuple[str, ...] = ()  # every identifier it mentions, keys included, normalised
    heading: str = ""  # where it sits: "KX-400 Installation Manual > 3 Pressure settings > 3.2 Cut-in"
    page: int | None = None
    spans: tuple[Span, ...] = ()

    @property
    def embedding_text(self) -> str:
        """What both indexes read: the passage under its document and headings (contextual retrieval), so "KX-400
        cut-in pressure" finds a paragraph that says only "Set the cut-in to 115 psi"."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of `text`, not splitting after abbreviations or inside numbers."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        if _ABBREVIATION.search(before) or len(before.split()) < 3:
            continue
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


_CELLS = " | "


def render_row(row: Sequence[str]) -> str:
    """A table row on one line, cells in order: "E07 | Low suction pressure | Check the charge". The header is the
    line above it in the same chunk, so both indexes (and a listener) read the row with its column names."""
    return _CELLS.join(cell for cell in row if cell)


def row_cells(line: str) -> list[str] | None:
    """The cells of a line `render_row` wrote; None when the line is not a table row."""
    return line.split(_CELLS) if _CELLS in line else None


@dataclass
class _Draft:
    """A chunk being filled: its pieces (text, section, page, answerable) in order. A table's caption and header
    are read with its rows but are never the answer themselves."""

    pieces: list[tuple[str, str | None, int | None, bool]]
    words: int = 0

    def add(self, text: str, section: str | None, page: int | None, answerable: bool = True) -> None:
        self.pieces.append((text, section, page, answerable))
        self.words += len(text.split())


def _split_long(text: str) -> list[str]:
    """A paragraph longer than MAX_WORDS, cut at sentence ends (or, failing that, at word boundaries)."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for start, end in sentences(text):
        words = text[start:end].split()
        for offset in range(0, len(words), MAX_WORDS):
            part = words[offset : offset + MAX_WORDS]
            if current and len(current) + len(part) > MAX_WORDS:
                pieces.append(" ".join(current))
                current = []
            current += part
    if current:
        pieces.append(" ".join(current))
    return pieces


def _table_drafts(unit: Unit) -> list[_Draft]:
    header, *rows = unit.rows if len(unit.rows) > 1 else ((), *unit.rows)
    caption = unit.text or unit.section or ""
    lead = render_row(header)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for row in rows:
        line = render_row(row)
        if current is None or current.words + len(line.split()) > MAX_WORDS:
            current = _Draft([])
            if caption:
                current.add(caption, unit.section, unit.page, answerable=False)
            if lead:
                current.add(lead, unit.section, unit.page, answerable=False)
            drafts.append(current)
        current.add(line, unit.section, unit.page)
    return drafts


def _joins_below(clause: str, previous: str) -> int:
    """How short the passage so far must be for the next clause to join it: short items of one clause go together,
    while a new top clause ("(f)" after "(e)") is a new subject unless what came before was only a title."""
    same_parent = clause.split(")", 1)[0] == previous.split(")", 1)[0]
    return MIN_WORDS if same_parent else TITLE_WORDS


def _headings(unit: Unit) -> tuple[str, ...]:
    return tuple(p for p in unit.path if not p.startswith("("))


def _clause_places(units: Sequence[Unit]) -> list[str]:
    """The clause each unit is packed with: the outermost one whose whole text fits one chunk, so a lead-in ("(f)
    Review the plan with each employee:") keeps its items (1)-(3) and a long "(f)" is cut at "(f)(10)", "(f)(11)".
    Never deeper than two levels: "(f)(10)(ii)" reads with the rest of "(f)(10)"."""
    words: dict[tuple[tuple[str, ...], str], int] = {}
    levels = [re.findall(r"\([^)]*\)", unit.clause)[:2] for unit in units]
    for unit, clause in zip(units, levels):
        for depth in range(1, len(clause) + 1):
            key = (_headings(unit), "".join(clause[:depth]))
            words[key] = words.get(key, 0) + len(unit.text.split())
    places = []
    for unit, clause in zip(units, levels):
        fitting = (depth for depth in range(1, len(clause))
                   if words[(_headings(unit), "".join(clause[:depth]))] <= MAX_WORDS)
        places.append("".join(clause[: next(fitting, len(clause))]))
    return places


def chunk_units(units: Iterable[Unit], *, document_title: str, context: str = "",
                standard: str | None = None) -> list[Chunk]:
    """Chunks of at most MAX_WORDS from consecutive units under the same headings."""
    chunks: list[Chunk] = []
    draft: _Draft | None = None
    place: tuple[tuple[str, ...], str] | None = None
    heading_of: dict[int, str] = {}

    def close() -> None:
        nonlocal draft
        if draft is not None and draft.pieces:
            chunks.append(_chunk(draft, document_title=document_title, heading=heading_of[id(draft)],
                                 standard=standard))
        draft = None

    units = list(units)
    for unit, clause in zip(units, _clause_places(units)):
        heading = " > ".join(dict.fromkeys(p for p in (context or document_title, *unit.path) if p))
        if unit.rows:
            close()
            for table_draft in _table_drafts(unit):
                heading_of[id(table_draft)] = heading
                chunks.append(_chunk(table_draft, document_title=document_title, heading=heading, standard=standard))
            place = None
            continue
        here = (_headings(unit), clause)
        for text in _split_long(unit.text):
            words = len(text.split())
            new_place = place is None or here[0] != place[0] or (
                here[1] != place[1] and draft is not None and draft.words >= _joins_below(here[1], place[1]))
            if draft is None or new_place or draft.words + words > MAX_WORDS:
                close()
                draft = _Draft([])
                heading_of[id(draft)] = heading
            draft.add(text, _labelled(unit.section, standard), unit.page)
            place = here
    close()
    return chunks


def _labelled(section: str | None, standard: str | None) -> str | None:
    """Sections of a standard are cited with it: "NFPA 25 5.2.4.2"."""
    if section and standard and not section.startswith(standard):
        number = section.split(" ", 1)[0]
        return f"{standard} {number}" if re.match(r"^(?:[A-Z]\.)?\d", number) else section
    return section


def _chunk(draft: _Draft, *, document_title: str, heading: str, standard: str | None) -> Chunk:
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for text, section, page, answerable in draft.pieces:
        if parts:
            offset += 1
        for start, end in (sentences(text) or [(0, len(text))]) if answerable else ():
            spans.append(Span(offset + start, offset + end, section, page))
        parts.append(text)
        offset += len(text)
    body = "\n".join(parts)
    section, page = draft.pieces[0][1], draft.pieces[0][2]
    keys = tuple(dict.fromkeys(key for _, piece_section, _, _ in draft.pieces for key in _keys_of(piece_section)))
    mentioned = text_identifiers(f"{heading}\n{body}")
    return Chunk(document_title, section, body, keys, tuple(dict.fromkeys([*keys, *mentioned])), heading, page,
                 tuple(spans))


# An entry titled by a word and its number ("Violation 8", "Zone 3 - Garage", "Item 12: ..."), as a notice, a
# schedule or a report numbers its entries; the word is written as a word (not "NFPA 72", an agency's standard)
_NUMBERED_ENTRY = re.compile(r"^([A-Z][a-z]{2,})\s+(\d{1,3}[A-Za-z]?)(?=$|[\s:.,(-])")


def _keys_of(section: str | None) -> tuple[str, ...]:
    """What the chunk's own section is called by: its number ("5.2.4.2", "R 29.2104"'s "29.2104"), clause
    ("1910.157(F)(10)", "(F)(10)"), or
    its entry's word and number ("VIOLATION8")."""
    if not section:
        return ()
    keys: list[str] = []
    number = re.match(r"^(?:NFPA \d+[A-Z]? |R (?=\d+\.\d))?((?:[A-Z]\.)?\d+(?:[.-]\d+)*[A-Za-z]?)", section)
    if number:
        keys.append(number.group(1).upper())
    clause = re.search(r"((?:\([^)\s]{1,4}\))+)$", section)
    if clause:
        keys.append(clause_key(clause.group(1)))
        if number:
            keys.append(clause_key(number.group(1) + clause.group(1)))
    table = re.match(r"^(?:table|tab\.)\s*([A-Z]?-?\d+[\w.-]*)", section, re.IGNORECASE)
    if table:
        keys.append("TABLE" + model_key(table.group(1)))
    elif not keys and (entry := _NUMBERED_ENTRY.match(section)):
        keys.append(model_key(entry[1] + entry[2]))  # "Violation 8", "Zone 3 - Garage": "violation 8" names it
    elif not keys and re.search(r"\d", section) and " " not in section.strip():
        keys.append(model_key(section))  # a spec's model
    return tuple(dict.fromkeys(keys))
