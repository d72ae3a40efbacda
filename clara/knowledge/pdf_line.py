"""One line of a PDF page as the layout reader sees it: where it is, how it is set, what it says."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    size: float
    bold: bool
    text: str
    page_height: float
    region: int = 0  # reading order of the page region it is in: a full-width band, or a column of one
    run_in: bool = False  # opens bold and goes on in body type: "906.3 Size. The size of ..." is a paragraph
    note: bool = False  # opens with a footnote's raised number: "1 Factory setting; field adjustable to 70 psig."
    cells: bool = False  # set in columns, as a table row is ("Part number    Description    Used on"): no heading


# A glyph the font maps to no character: pdfminer writes "(cid:127)". Set before a line's words it is a bullet (a
# dingbat or symbol font's, or a bullet outside the font's encoding); anywhere else it says nothing.
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_UNMAPPED_BULLET = re.compile(r"^\s*\(cid:\d+\)\s*(?=\S)")


def glyphs(text: str) -> str:
    """A line's text with its unmapped glyphs read: "(cid:127) Menu path: Setup" is the bullet item "\u2022 Menu
    path: Setup". Read as text, a slide's big bullets were no list items but headings, "(cid:127) Menu path: ...
    (cid:127) Typical result: ...", that no passage's text held and no answer could say."""
    return _UNMAPPED.sub("", _UNMAPPED_BULLET.sub("\u2022 ", text)).strip()


_LABEL = re.compile(r"^[A-Z0-9]$")


def drawn_labels(line: Line, body_size: float) -> bool:
    """Whether a line is only the letters or numbers of a drawing's callouts ("A   G", "E", "C  H  F"), set no larger
    than the text: a line drawing leaves just its labels in the text layer, scattered across its lines. Read as text,
    a lone bold "E" became a section that "Figure 1 callout E" found before the legend saying what E is, and "A G" a
    passage of its own. A letter set larger than the text ("A" over a glossary's A entries) is a heading still."""
    tokens = line.text.split()
    return bool(tokens) and all(_LABEL.match(token) for token in tokens) and line.size <= body_size + 0.1


# A run-in field label: a few words, capitalised, then a colon ("Code:", "Location:", "Proof of correction:").
_FIELD_LABEL = re.compile(r"^[A-Z][\w/&'()-]*(?:\s+[\w/&'()-]+){0,4}:\s")


def is_field(line: Line) -> bool:
    """Whether a line opens with a bold field label and goes on in body type ("Code: MFC 315.3.1 (storage
    clearance)", "Location: Storage room S-12"): a form, report or notice sets each field as a line of its own, and
    one field read into the next made a single sentence of four ("... Location: ... Finding: ..."), whose span
    said where and what was found when the question asked what the correction requires."""
    return line.run_in and _FIELD_LABEL.match(line.text) is not None
