"""A document's table of contents, told from its text: it names every section with its page, so kept it becomes
headings and passages that match any question about any section's title, ahead of the sections themselves."""

from __future__ import annotations

import re
from typing import Sequence

# "3.1 Cut-in and cut-out ........ 4": a table of contents' line, its dot leader running to a page number
_CONTENTS_ENTRY = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxl]{1,6}|[A-Z]?-?\d{1,3}-\d{1,3})\s*$", re.IGNORECASE)

_CONTENTS_TITLE = re.compile(r"^\s*(?:table\s+of\s+)?contents\s*$", re.IGNORECASE)

_PAGE_REFERENCE_END = re.compile(r"\s(\d{1,4})\s*$")
_CONTENTS_PAGE_LINES = 5  # entries a contents page lists at least
_CONTENTS_PAGE_SHARE = 0.6  # of its lines


def is_contents_page(lines: Sequence[str]) -> bool:
    """A table of contents set without dot leaders on most lines ("3 Responding to alarms and troubles   6"): most of
    the page's lines end in a page number, the numbers never go back, and a leader or the title "Contents" shows
    what the page is. Line by line it passed for a table of section titles and page numbers, a passage that
    matched any question about any section, ahead of the section."""
    numbers = [int(m.group(1)) for line in lines if (m := _PAGE_REFERENCE_END.search(line))]
    return (len(numbers) >= _CONTENTS_PAGE_LINES and len(numbers) >= _CONTENTS_PAGE_SHARE * len(lines)
            and numbers == sorted(numbers) and any(is_contents_entry(line) for line in lines))


def is_contents_entry(line: str) -> bool:
    """A table of contents names every section: kept, its lines became headings and passages that matched any
    question about any section's title, ahead of the sections themselves. Its own title goes with it."""
    return _CONTENTS_ENTRY.search(line) is not None or _CONTENTS_TITLE.match(line) is not None
