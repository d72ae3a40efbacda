"""The HTML a Markdown file carries: manuals converted from Word or a web page keep notes, headings and whole tables
as raw HTML (`<p>Note: <b>never</b> bypass...</p>`, `<table><tr><td>E01</td>...`). markdown-it hands such a block
over as it is; dropped, its text never reached the index, and kept as it is, its tags were searched as words.

Python's own `html.parser` reads it into the blocks every other format gives: headings, paragraphs and table rows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HEADING = re.compile(r"^h([1-6])$")
_BREAKS = {"p", "div", "li", "br", "tr", "table", "ul", "ol", "blockquote", "section", "article"}
_INLINE_BREAK = re.compile(r"<(?:br\s*/?|sup|sub)\b[^>]*>", re.IGNORECASE)  # "lost<sup>1</sup>": two words
_TAG = re.compile(r"<[^>]*>")
Found = tuple[str, int | None, str | list[tuple[str, ...]]]  # kind, a heading's level, its text or a table's rows


class _Reader(HTMLParser):
    """Collects ("heading", level, text), ("paragraph", None, text) and ("table", None, rows) in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Found] = []
        self._text: list[str] = []
        self._level: int | None = None
        self._rows: list[tuple[str, ...]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif (match := _HEADING.match(tag)) is not None:
            self._flush()
            self._level = int(match.group(1))
        elif tag in _BREAKS and self._rows is None:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._rows is not None and self._row is not None:
            self._rows.append(tuple(self._row))
            self._row = None
        elif tag == "table" and self._rows is not None:
            self.found.append(("table", None, self._rows))
            self._rows = None
        elif _HEADING.match(tag) or (tag in _BREAKS and self._rows is None):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._rows is None:
            self._text.append(data)

    def _flush(self) -> None:
        text = "".join(self._text)
        if text.strip():
            self.found.append(("heading" if self._level else "paragraph", self._level, text))
        self._text, self._level = [], None

    def close(self) -> None:
        super().close()
        self._flush()


def read_html(source: str) -> list[Found]:
    """The headings, paragraphs and tables of an HTML fragment, in order; comments and scripts say nothing. Text
    keeps its white space: `clara.knowledge.blocks` squashes it once, as for every format."""
    reader = _Reader()
    reader.feed(source)
    reader.close()
    return reader.found


def inline_html(fragment: str) -> str:
    """An inline tag inside Markdown text: a line break or a superscript's start is a space (a footnote's "1" glued
    to "lost" made a word nobody searches), any other tag is markup without words."""
    return " " if _INLINE_BREAK.fullmatch(fragment.strip()) else _TAG.sub("", fragment)
