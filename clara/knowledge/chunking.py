"""Split documents into citeable chunks and pull out the identifiers that exact-match search relies on.

A chunk is one heading's text (split further only when it is too long for the embedding model), so every chunk
knows its section number and title and an answer can cite "NFPA 25 5.2.4.2". Identifiers (section numbers,
model numbers) are normalised the same way for chunks and queries: "50-TCQA-06", "50tcqa 06" and "50TCQA06" meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_WORDS = 180  # ~240 word pieces: under the 256 tokens all-MiniLM-L6-v2 reads, so no chunk is cut short

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^((?:[A-Z]\.)?\d+(?:\.\d+)*)\.?\s+(\S.*)$")
_SECTION_REF = re.compile(r"^(?:[A-Za-z]\.)?\d+(?:\.\d+)+$")
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_DIGIT = re.compile(r"\d")
_STANDARD = re.compile(r"\bNFPA[\s-]*(\d+[A-Z]?)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_PLAIN_HEADING_MAX = 100


@dataclass(frozen=True)
class Chunk:
    title: str
    section: str | None
    text: str
    keys: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()

    @property
    def embedding_text(self) -> str:
        """What the model reads: the heading gives short passages the context a technician's question names."""
        heading = f"{self.section} {self.title}" if self.section and self.section not in self.title else self.title
        return f"{heading}\n{self.text}"


@dataclass(frozen=True)
class Section:
    number: str | None
    title: str
    body: str


@dataclass(frozen=True)
class FrontMatter:
    fields: dict[str, str] = field(default_factory=dict)
    body: str = ""


def model_key(raw: str) -> str:
    """A model number with case, spaces and punctuation gone: the key equipment specs are looked up by."""
    return re.sub(r"[^0-9A-Za-z]", "", raw).upper()


def standard_key(standard: str | None) -> str | None:
    return model_key(standard) if standard else None


def _identifier(token: str) -> str | None:
    token = token.strip(".-")
    if _SECTION_REF.match(token):
        return token.upper()
    key = model_key(token)
    has_digit = any(c.isdigit() for c in key)
    has_alpha = any(c.isalpha() for c in key)
    if has_digit and has_alpha and len(key) >= 3:
        return key
    return None


def text_identifiers(text: str) -> list[str]:
    """Section references ("13.2.4", "A.14.4.3.2") and model-like codes ("50TCQA06", "R410A") a text mentions.

    A single-dot number ("20.7") is a measurement far more often than a section, so only references with two
    dots or an annex letter count; plain numbers never do.
    """
    found: dict[str, None] = {}
    for token in _TOKEN.findall(text):
        if not _DIGIT.search(token):  # both kinds have a digit; most words do not, and this is the hot loop of parsing
            continue
        ident = _identifier(token)
        if ident and (not _SECTION_REF.match(ident) or ident.count(".") >= 2 or ident[0].isalpha()):
            found[ident] = None
    return list(found)


def query_identifiers(query: str) -> list[str]:
    """Every way a query may spell an identifier: tokens, numbers of 3+ digits, and adjacent tokens joined.

    Joining neighbours turns "50tcqa 06" into 50TCQA06 and "DPV-1 4 inch" into DPV14; candidates that match no
    chunk cost nothing.
    """
    tokens = [t.strip(".-") for t in _TOKEN.findall(query)]
    found: dict[str, None] = {}
    for token in tokens:
        ident = _identifier(token)
        if ident:
            found[ident] = None
        elif token.isdigit() and len(token) >= 3:
            found[token] = None
    for left, right in zip(tokens, tokens[1:]):
        if any(c.isdigit() for c in left + right):
            joined = model_key(left + right)
            if len(joined) >= 3:
                found[joined] = None
    return list(found)


def query_standards(query: str) -> list[str]:
    return list(dict.fromkeys(f"NFPA{m.group(1).upper()}" for m in _STANDARD.finditer(query)))


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


def _numbered(heading: str) -> tuple[str | None, str]:
    match = _NUMBERED.match(heading.strip())
    if match:
        return match.group(1), match.group(2).strip()
    return None, heading.strip()


def markdown_sections(body: str) -> list[Section]:
    """One section per heading, whatever its level; text before the first heading is a section without a title."""
    sections: list[Section] = []
    number: str | None = None
    title = ""
    lines: list[str] = []
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            sections.append(Section(number, title, "\n".join(lines).strip()))
            number, title = _numbered(match.group(2))
            lines = []
        else:
            lines.append(line)
    sections.append(Section(number, title, "\n".join(lines).strip()))
    return [s for s in sections if s.body]


def _looks_like_heading(line: str) -> bool:
    """"5.2.4 Gauges on dry systems" is a heading; "5 psi above trip." or a numbered list step is not.

    Without a dot in the number ("4 Inspection") the title must be in title case, which list steps rarely are.
    """
    match = _NUMBERED.match(line)
    if not match or len(line) > _PLAIN_HEADING_MAX or line.endswith((".", ",", ";", ":")):
        return False
    number, words = match.group(1), match.group(2).split()
    if not words[0][:1].isupper() or len(words) > 12:
        return False
    if "." in number:
        return True
    significant = [w for w in words if len(w) > 3]
    return all(w[:1].isupper() for w in significant)


def plain_sections(text: str) -> list[Section]:
    """Plain text and PDF text: short numbered lines ("5.2.4 Gauges") start sections, so numbers survive."""
    sections: list[Section] = []
    number: str | None = None
    title = ""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and _looks_like_heading(line):
            sections.append(Section(number, title, "\n".join(lines).strip()))
            number, title = _numbered(line)
            lines = []
        else:
            lines.append(raw)
    sections.append(Section(number, title, "\n".join(lines).strip()))
    return [s for s in sections if s.body]


def _paragraphs(body: str) -> list[str]:
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", body)]
    return [p for p in paragraphs if p]


def _pieces(paragraph: str) -> list[str]:
    """A paragraph longer than the budget, split at sentence ends (or, failing that, at word boundaries)."""
    if len(paragraph.split()) <= MAX_WORDS:
        return [paragraph]
    sentences = _SENTENCE_END.split(paragraph)
    pieces: list[str] = []
    for sentence in sentences:
        words = sentence.split()
        pieces.extend(" ".join(words[i : i + MAX_WORDS]) for i in range(0, len(words), MAX_WORDS))
    return pieces


def pack(body: str) -> list[str]:
    """Consecutive paragraphs packed up to MAX_WORDS, so a short section stays whole and a long one splits cleanly."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for paragraph in _paragraphs(body):
        for piece in _pieces(paragraph):
            words = len(piece.split())
            if current and size + words > MAX_WORDS:
                out.append("\n\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += words
    if current:
        out.append("\n\n".join(current))
    return out


def chunk_sections(sections: list[Section], *, document_title: str, standard: str | None) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in sections:
        label = f"{standard} {section.number}" if section.number and standard else section.number
        title = section.title or document_title
        keys = (section.number.upper(),) if section.number else ()
        for text in pack(section.body):
            mentioned = text_identifiers(f"{title}\n{text}")
            chunks.append(Chunk(title, label, text, keys, tuple(dict.fromkeys([*keys, *mentioned]))))
    return chunks
