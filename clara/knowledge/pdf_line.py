"""One line of a PDF page as the layout reader sees it: where it is, how it is set, what it says."""

from __future__ import annotations

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
