"""Pages of a plain-text file that has them: text saved from a PDF (pdftotext, "Save as text") separates pages with
a form feed and repeats the PDF's running header or footer on each. Read as plain lines, "KX-400 Installation Manual
Page 3" sat in the middle of the sentence the page break cut, and no passage knew its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from clara.knowledge.running_lines import most_said, repeated, shapes

_FORM_FEED = "\f"
_EDGE_LINES = 2  # a running header or footer is among the first or last two lines of a page


@dataclass(frozen=True)
class PagedLines:
    lines: list[str]  # the text's lines, running headers and footers left out
    pages: list[int | None]  # each line's page, None throughout when the text has no pages
    page_starts: set[int]  # indexes of lines that open a page after the first
    running: str | None  # the running line said most often, which tends to name the document


def paged_lines(source: str) -> PagedLines:
    if _FORM_FEED not in source:
        lines = source.splitlines()
        return PagedLines(lines, [None] * len(lines), set(), None)
    pages = [page.splitlines() for page in source.split(_FORM_FEED)]
    edges = [_edge_indexes(page) for page in pages]
    seen: dict[str, set[int]] = {}
    for number, (page, indexes) in enumerate(zip(pages, edges)):
        for index in indexes:
            for key in shapes(page[index]):
                seen.setdefault(key, set()).add(number)
    running_shapes = repeated(seen, len(pages))
    kept: list[str] = []
    numbers: list[int | None] = []
    starts: set[int] = set()
    said: list[str] = []
    for number, (page, indexes) in enumerate(zip(pages, edges), start=1):
        if number > 1:
            starts.add(len(kept))
        for index, line in enumerate(page):
            if index in indexes and any(key in running_shapes for key in shapes(line)):
                said.append(line)
                continue
            kept.append(line)
            numbers.append(number)
    return PagedLines(kept, numbers, starts, most_said(said))


def _edge_indexes(page: list[str]) -> set[int]:
    filled = [index for index, line in enumerate(page) if line.strip()]
    return set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:])
