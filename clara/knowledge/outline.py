"""Where each passage sits in its document: the headings above it and, in regulation text, its clause.

Blocks come in reading order; this walks them once, keeping a stack of open headings (numbered ones nest by their
numbers, "3.2.1" under "3.2", others by level) and, under a heading, a stack of clause markers as regulations write
them: (a), (1), (i), (A)... so a paragraph knows it is "1910.157(f)(10)" and can be cited that way.

Clause markers are ambiguous: "(i)" is the ninth letter or roman one, "(v)" the 22nd letter or five. A marker is read
as the continuation of an open level when it is the next one there ("(i)" after "(h)"), else as the first of a new,
deeper level ("(i)" under "(1)"); when both fit, the next marker of those kinds decides ("(ii)" next means roman).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

from clara.knowledge.blocks import Block

_NUMBERED = re.compile(
    r"^(?:(?P<sign>§+\s*|(?:section|sec\.|chapter|article|part|appendix|annex)\s+|R\s+(?=\d+\.\d)))?"
    r"(?P<number>(?:[A-Z]\.)?\d+(?:[.-]\d+)*[A-Za-z]?|(?<=\s)[A-Z](?=[.\s]))\.?(?:\s+|$)(?P<title>.*)$",
    re.IGNORECASE,
)
# How books divide: a part holds chapters (or annexes), a chapter holds articles and sections. Each numbers its own
# way ("CHAPTER 9", "SECTION 906", "906.1"), so the numbers alone cannot say that section 906 is in chapter 9.
# A state's administrative rule ("R 29.2104") is a section of its part.
_RANKS = {"part": 0, "chapter": 1, "appendix": 1, "annex": 1, "article": 2, "section": 3, "sec": 3, "r": 3}
_UNMARKED = 99  # the level of a heading no format ranks: each closes the one before
# "A. Weekly" under "II. INSPECTION": an outline's letters sit under its roman numerals (I, V and X are read as those)
_LETTERED = re.compile(r"^[A-HJ-UWYZ]\.\s")
_MARKER = re.compile(r"^\((?P<m>[a-z]{1,2}|\d{1,3}|[ivxl]{1,6}|[A-Z]{1,2}|[IVXL]{1,6})\)\s*")
_INLINE_MARKER = re.compile(r"(?<=[.:;])\s+\((?P<m>[a-z]{1,2}|\d{1,3}|[ivxl]{1,6}|[A-Z]{1,2}|[IVXL]{1,6})\)\s+(?=\S)")
_CLAUSE_TITLE = re.compile(r"^(?P<title>[A-Z][^.;:]{2,80}?)[.:]\s+(?=\S)")
_CLAUSE_TITLE_WORDS = 10
# "3.2 Wiring. Terminate each circuit..." and "4-410.5 Repair. ...": a section numbered and titled inside its first
# paragraph (a run-in heading), as plain-text manuals and codes set them.
_RUN_IN = re.compile(r"^(?P<number>\d+(?:[.-]\d+)*\.\d+)\s+(?P<title>[A-Z][^.;:]{1,60}?)\.\s+(?=\S)")
_RUN_IN_WORDS = 6
# "760.41 NPLFA Circuit Power Source Requirements." as a paragraph of its own, its subsections "(A)", "(B)" below: a
# code's section title set on its own line with its stop, which a plain-text heading never has
_TITLE_LINE = re.compile(r"^(?P<number>\d+(?:[.-]\d+)*\.\d+)\s+(?P<title>[A-Z][^.;:]{1,100}?)\.$")
_TITLE_LINE_WORDS = 12
_RUN_IN_SKIP = 10  # an excerpt of a code jumps "907.1" to "907.8.5"; "2.5 Hours." in section 7 stays a sentence
_SENTENCE_VERB = re.compile(r"\b(?:shall|must|may|will|should|is|are|be|been|has|have|does|do)\b", re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11,
          "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18, "xix": 19, "xx": 20,
          "xxi": 21, "xxii": 22, "xxiii": 23, "xxiv": 24, "xxv": 25}


@dataclass(frozen=True)
class Heading:
    number: str | None  # "3.2.1", "1910.157", "A.4"; None for an unnumbered heading
    title: str
    level: int
    regulation: bool = False  # "§ 1910.157", "Section 17-1105": clauses are cited glued to it, "1910.157(f)(10)"
    rank: int | None = None  # the division its word names: a part holds chapters, a chapter sections (`_RANKS`)
    word: str = ""  # that word as printed ("CHAPTER"): "9" alone does not say it is a chapter

    @property
    def label(self) -> str:
        number = f"{self.word} {self.number}" if self.word and self.number else self.number
        if number and self.title:
            return f"{number} {self.title}"
        return number or self.title


@dataclass(frozen=True)
class Unit:
    """A paragraph or a table in its place: the unit chunks are packed from."""

    path: tuple[str, ...]  # the open headings' labels, outermost first, then clause titles
    section: str | None  # the citable label: "3.2 Pressure settings", "1910.157(f)(10)", "Table 4 Fault codes"
    keys: tuple[str, ...]  # what the unit is named by: section numbers and clause references, as written
    text: str
    page: int | None
    clause: str = ""  # "(f)(10)" within its section, "" outside clauses
    rows: tuple[tuple[str, ...], ...] = ()  # a table's rows (header first); text is then its caption


def parse_heading(text: str, level: int | None) -> Heading:
    match = _NUMBERED.match(text.strip())
    if match and (match.group("sign") or _plausible_number(match.group("number"), match.group("title"))):
        number = match.group("number").rstrip(".")
        title = match.group("title").strip().rstrip(".").strip()
        sign = match.group("sign")
        regulation = sign is not None  # "§ 1910.157", "Section 17-1105": clauses cite glued to it
        word = sign.strip(" .\u00a7") if sign else ""
        rank = _RANKS.get(word.lower() or "section") if sign else None
        return Heading(number, title, level or (1 if regulation else number.count(".") + 1), regulation, rank, word)
    return Heading(None, text.strip(), level or (_UNMARKED + 1 if _LETTERED.match(text.strip()) else _UNMARKED))


def _plausible_number(number: str, title: str) -> bool:
    """ "3.2 Pressure settings" and "A.4 Annex" are numbered; "2 pumps must run" or "A list" are not."""
    if re.fullmatch(r"[A-Z]", number):
        return False
    if not title:
        return "." in number
    return title[:1].isupper() or title[:1].isdigit()


def _ordinals(marker: str) -> dict[str, int]:
    """The kinds a clause marker can be, with its position in each: "i" -> {"lower": 9, "roman": 1}."""
    kinds: dict[str, int] = {}
    if marker.isdigit():
        kinds["digit"] = int(marker)
    if marker.islower():
        if marker in _ROMAN:
            kinds["roman"] = _ROMAN[marker]
        if len(marker) == 1:
            kinds["lower"] = ord(marker) - 96
        elif len(marker) == 2 and marker[0] == marker[1]:
            kinds["lower"] = 26 + ord(marker[0]) - 96  # (aa), (bb): after (z)
    if marker.isupper():
        if marker.lower() in _ROMAN:
            kinds["upper_roman"] = _ROMAN[marker.lower()]
        if len(marker) == 1:
            kinds["upper"] = ord(marker) - 64
        elif len(marker) == 2 and marker[0] == marker[1]:
            kinds["upper"] = 26 + ord(marker[0]) - 64
    return kinds


@dataclass
class _Clauses:
    """The open clause markers under the current heading: [("lower", 6, "f"), ("digit", 10, "10")]."""

    stack: list[tuple[str, int, str]] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)  # depth -> the clause's own short title

    def label(self) -> str:
        return "".join(f"({marker})" for _, _, marker in self.stack)

    def options(self, marker: str) -> list[tuple[int, str]]:
        """Where `marker` may go: (depth, kind) for a sibling of an open level or the first of a new level."""
        ordinals = _ordinals(marker)
        found: list[tuple[int, str]] = []
        for depth in range(len(self.stack) - 1, -1, -1):
            kind, position, _ = self.stack[depth]
            if ordinals.get(kind) == position + 1:
                found.append((depth, kind))
        open_kinds = {kind for kind, _, _ in self.stack}
        found += [(len(self.stack), kind) for kind, position in ordinals.items()
                  if position == 1 and kind not in open_kinds]
        return found

    def fits(self, marker: str) -> bool:
        return bool(self.options(marker))

    def push(self, marker: str, upcoming: Sequence[str]) -> None:
        options = self.options(marker)
        if len(options) > 1:
            options.sort(key=lambda option: _confirmed(option[1], marker, upcoming), reverse=True)
        if options:
            depth, kind = options[0]
        else:  # a gap in the numbering: take the deepest open level of a kind it can be, else start a new one
            ordinals = _ordinals(marker)
            depth = next((d for d in range(len(self.stack) - 1, -1, -1) if self.stack[d][0] in ordinals),
                         len(self.stack))
            kind = self.stack[depth][0] if depth < len(self.stack) else next(iter(ordinals), "digit")
        del self.stack[depth:]
        self.titles = {d: t for d, t in self.titles.items() if d < depth}
        self.stack.append((kind, _ordinals(marker).get(kind, 0), marker))


def _confirmed(kind: str, marker: str, upcoming: Sequence[str]) -> int:
    """How well the markers after this one agree with reading it as `kind`: the first later marker that continues
    one reading ("ii" after a roman "i", "j" after a letter "i") settles it; 1 when none does."""
    ordinals = _ordinals(marker)
    rivals = set(ordinals) - {kind}
    for later in upcoming[:12]:
        positions = _ordinals(later)
        if positions.get(kind) == ordinals[kind] + 1:
            return 2
        if any(positions.get(rival) == ordinals[rival] + 1 for rival in rivals):
            return 0
    return 1


def _split_inline(text: str, clauses: _Clauses) -> list[str]:
    """ "(f) Hydrostatic testing. (1) Extinguishers shall..." is two clauses on one line: split where a marker
    that fits the numbering follows a sentence's end (cross-references such as "paragraph (d)(3)" never do)."""
    pieces: list[str] = []
    start = 0
    probe = _Clauses(list(clauses.stack))
    head = _MARKER.match(text)
    if head:
        probe.push(head.group("m"), [])
    for match in _INLINE_MARKER.finditer(text):
        if probe.fits(match.group("m")):
            pieces.append(text[start : match.start()].strip())
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            probe.push(match.group("m"), [])
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _upcoming_markers(blocks: Sequence[Block], start: int) -> list[str]:
    markers: list[str] = []
    for block in blocks[start : start + 40]:
        if block.kind == "heading":
            break
        if block.kind == "paragraph":
            markers += [m.group("m") for m in (_MARKER.match(block.text),) if m]
            markers += [m.group("m") for m in _INLINE_MARKER.finditer(block.text)]
    return markers


def units(blocks: Sequence[Block], *, document_title: str) -> Iterator[Unit]:
    """Every paragraph and table with its place in the document."""
    headings: list[Heading] = []
    clauses = _Clauses()
    title_key = _plain(document_title)
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            found = parse_heading(block.text, block.level)
            if found.number is None and title_key in (_plain(found.label), _plain(found.title)):
                continue  # the document's own title is context already; a numbered one still opens its section
            if found.number is None and index and blocks[index - 1].kind == "heading" and headings and \
                    headings[-1].number and not headings[-1].title:
                headings[-1] = replace(headings[-1], title=found.title)  # "CHAPTER 9" over its name on a line below
                continue
            _open(headings, found)
            clauses = _Clauses()
            continue
        if block.kind == "table":
            section = block.text or _section_label(headings, clauses)
            yield Unit(_path(headings, clauses), section, _keys(headings, clauses), block.text, block.page,
                       clauses.label(), block.rows)
            continue
        titled = _title_line(block.text, headings)
        if titled is not None and not _among_titles(blocks, index):
            _open(headings, titled)  # a heading: its subsections below are cited under it, not the last section's
            clauses = _Clauses()
            continue
        run_in = _run_in_heading(block.text, headings)
        if run_in is not None:
            _open(headings, run_in)
            clauses = _Clauses()
        following = _upcoming_markers(blocks, index + 1)
        pieces = _split_inline(block.text, clauses)
        for number, piece in enumerate(pieces):
            marker = _MARKER.match(piece)
            if marker:
                later = [m.group("m") for p in pieces[number + 1 :] if (m := _MARKER.match(p))]
                clauses.push(marker.group("m"), later + following)
                body = piece[marker.end():].strip()
                title = _clause_title(body)
                if title:
                    clauses.titles[len(clauses.stack) - 1] = title
            yield Unit(_path(headings, clauses), _section_label(headings, clauses), _keys(headings, clauses), piece,
                       block.page, clauses.label())


def _run_in_heading(text: str, headings: Sequence[Heading]) -> Heading | None:
    """The section a paragraph opens with a run-in heading, when its number belongs where it stands: under the
    innermost numbered heading ("3.2" under "3" or after "3.1") or, with none open, anywhere. "2.5 Hours. ..." in the
    middle of section 7 stays a sentence."""
    match = _RUN_IN.match(text)
    if match is None:
        return None
    number, title = match.group("number"), match.group("title").strip()
    if len(title.split()) > _RUN_IN_WORDS or _SENTENCE_VERB.search(title):
        return None
    numbered = next((h for h in reversed(headings) if h.number), None)
    if numbered is not None and not (_holds(numbered, number) or _comes_after(number, numbered.number or "")):
        return None
    return Heading(number, title, number.count(".") + number.count("-") + 1)


def _title_line(text: str, headings: Sequence[Heading]) -> Heading | None:
    """The section a paragraph that is only a numbered title ("760.24 Mechanical Execution of Work.") opens. Its stop
    kept it from being read as a heading, so its "(A)", "(B)" went on under the section before and were cited as
    "760.3 Other Articles (A)": a question on 760.41(A) met a passage named for 760.3, and the title's own words
    were in no passage's context. Alone on its line, nothing of a sentence follows it, so any later number under
    the same parent may open ("760.3" to "760.24": codes skip freely); one further up still must come soon after."""
    match = _TITLE_LINE.match(text)
    if match is None:
        return None
    number, title = match.group("number"), match.group("title").strip()
    if len(title.split()) > _TITLE_LINE_WORDS or _SENTENCE_VERB.search(title):
        return None
    numbered = next((h for h in reversed(headings) if h.number), None)
    if numbered is not None and not (_holds(numbered, number) or _later_sibling(number, numbered.number or "")
                                     or _comes_after(number, numbered.number or "")):
        return None
    return Heading(number, title, number.count(".") + number.count("-") + 1)


def _among_titles(blocks: Sequence[Block], index: int) -> bool:
    """Whether a title line stands beside another, as a contents list ("Sec." over "1929.160 Scope and application.",
    "1929.161 Definitions.", ...) sets them: none of them opens its section there."""
    return any(0 <= at < len(blocks) and blocks[at].kind == "paragraph" and _TITLE_LINE.match(blocks[at].text)
               for at in (index - 1, index + 1))


def _later_sibling(number: str, current: str) -> bool:
    """Whether `number` is a later section of the same parent as `current` or of one of its parents ("760.41" after
    "760.3" or after "760.3.2"), however far on."""
    new, old = re.split(r"[.-]", number), re.split(r"[.-]", current)
    if len(new) < 2 or len(new) > len(old) or new[:-1] != old[: len(new) - 1]:
        return False
    mine, theirs = new[-1], old[len(new) - 1]
    return mine.isdigit() and theirs.isdigit() and int(mine) > int(theirs)


def _comes_after(number: str, current: str) -> bool:
    """Whether section `number` may open where `current` is the innermost numbered section: inside it ("3.2.1" in
    "3.2"), or a little further on at its level or one above ("3.3" or "4.1" after "3.2.4": codes skip numbers)."""
    new, old = re.split(r"[.-]", number), re.split(r"[.-]", current)
    if new[: len(old)] == old:
        return len(new) > len(old)
    for mine, theirs in zip(new, old):
        if mine != theirs:
            return mine.isdigit() and theirs.isdigit() and 0 < int(mine) - int(theirs) <= _RUN_IN_SKIP
    return False


def _clause_title(body: str) -> str | None:
    """ "Hydrostatic testing. (1) ..." or a lone "Hydrostatic testing.": the short name regulations give a clause."""
    match = _CLAUSE_TITLE.match(body)
    title = match.group("title") if match else body.rstrip(".:").strip() if body.endswith((".", ":")) else ""
    if not title or len(title.split()) > _CLAUSE_TITLE_WORDS or not title[:1].isupper() or _SENTENCE_VERB.search(title):
        return None
    return title


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _open(headings: list[Heading], new: Heading) -> None:
    """Close the headings `new` is not under, then open it."""
    while headings:
        top = headings[-1]
        if new.number and top.number:
            if new.number.startswith(top.number + ".") and not new.regulation:
                break
            if _holds(top, new.number, new.rank):
                break  # "SECTION 906" or "906.1" opens inside "CHAPTER 9"
        elif top.level < new.level:
            break
        headings.pop()
    headings.append(new)


def _holds(division: Heading, number: str, rank: int | None = None) -> bool:
    """Whether a division named by its word ("CHAPTER 9", "PART 2") holds a section: one of a lower rank
    ("SECTION 906"), or one whose number begins with its own ("906.1", "2.4"), as code books number them."""
    if division.rank is None or division.rank >= _RANKS["section"] or not division.number:
        return False
    if rank is not None:
        return division.rank < rank
    return number.startswith(division.number)


def _path(headings: Sequence[Heading], clauses: _Clauses) -> tuple[str, ...]:
    path = [h.label for h in headings]
    for depth, (_, _, marker) in enumerate(clauses.stack[:-1]):
        title = clauses.titles.get(depth)
        path.append(f"({marker}) {title}" if title else f"({marker})")
    return tuple(path)


def _section_label(headings: Sequence[Heading], clauses: _Clauses) -> str | None:
    clause = clauses.label()
    innermost = headings[-1] if headings else None
    if innermost is None:
        return clause or None
    if not clause:
        return innermost.label
    numbered = next((h for h in reversed(headings) if h.number), None)
    if numbered is not None and numbered.regulation:
        rule = "R " if numbered.word.upper() == "R" else ""  # "R 29.2104(2)": an administrative rule is cited so
        return f"{rule}{numbered.number}{clause}"
    return f"{innermost.label} {clause}"


def _keys(headings: Sequence[Heading], clauses: _Clauses) -> tuple[str, ...]:
    keys: list[str] = []
    numbered = next((h for h in reversed(headings) if h.number), None)
    if numbered is not None:
        keys.append(numbered.number or "")
        if clauses.stack:
            keys.append(f"{numbered.number}{clauses.label()}")
    if clauses.stack:
        keys.append(clauses.label())
    return tuple(k for k in keys if k)
