"""Running headers and footers, wherever pages come from (a PDF's layout, a text file's form feeds): the same line
on most pages, told apart by its shape, and the words it says about the document once its page numbers are gone."""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

# "Page 3 of 12", "Page 3", or a lone "3" or "9-4" at either end of the line (not a year: "2024 Fire Code")
_PAGE_NUMBER = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b|^\s*\d{1,3}(?:-\d{1,3})?\s+|\s+\d{1,3}(?:-\d{1,3})?\s*$",
                          re.IGNORECASE)
_REPEATED = 0.5  # a running line is on at least this share of the pages, and on two of them
_NOTICE = re.compile(r"^(?:\u00a9|\(c\)|copyright\b|all rights reserved|printed in\b)|www\.|https?:|@",
                     re.IGNORECASE)  # a line that names the publisher or where to reach it, not the document


def shape(text: str) -> str:
    """A margin line with its numbers blanked: "Page 3 of 12" and "Page 4 of 12" are the same footer."""
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def repeated(pages_of: dict[str, set[int]], pages: int) -> set[str]:
    """The shapes (`shape`) seen on enough of a document's `pages` to be running lines, given the pages each is on."""
    return {key for key, seen in pages_of.items() if len(seen) >= 2 and len(seen) >= pages * _REPEATED}


def most_said(texts: Iterable[str]) -> str | None:
    """The running line said most often, without its page numbers, when it has words that could name the document;
    never a copyright notice or an address."""
    cleaned = (_PAGE_NUMBER.sub(" ", text).strip(" -|\u2022\u00b7") for text in texts)
    said = Counter(" ".join(text.split()) for text in cleaned
                   if re.search(r"[A-Za-z]{3}", text) and not _NOTICE.search(text))
    return said.most_common(1)[0][0] if said else None
