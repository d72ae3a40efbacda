"""Running headers and footers, wherever pages come from (a PDF's layout, a text file's form feeds): the same line
on most pages, told apart by its shape, and the words it says about the document once its page numbers are gone."""

from __future__ import annotations

import re
from collections import Counter
from typing import Hashable, Iterable, Mapping, TypeVar

Key = TypeVar("Key", bound=Hashable)

# "Page 3 of 12", "Page 3", or a lone "3" or "9-4" at either end of the line (not a year: "2024 Fire Code")
_PAGE_NUMBER = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b|^\s*\d{1,3}(?:-\d{1,3})?\s+|\s+\d{1,3}(?:-\d{1,3})?\s*$",
                          re.IGNORECASE)
_REPEATED = 0.5  # a running line is on at least this share of the pages, and on two of them
_NOTICE = re.compile(r"^(?:\u00a9|\(c\)|copyright\b|all rights reserved|printed in\b)|www\.|https?:|@",
                     re.IGNORECASE)  # a line that names the publisher or where to reach it, not the document


_LONE_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?(?:\d{1,4}|[ivxl]{1,6})(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
_LEAD_WORDS = 2


def shape(text: str) -> str:
    """A margin line with its numbers blanked: "Page 3 of 12" and "Page 4 of 12" are the same footer."""
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def shapes(text: str) -> tuple[str, ...]:
    """What a margin line is recognised by on other pages: its shape, and the shape of its first words, which a
    running header that names the chapter keeps while the chapter changes ("Threnmoor TFP-8  8 Day and night
    mode", "Threnmoor TFP-8  9 History log", and "Threnmoor TFP-8" alone over the contents), as does a footer that a
    column gutter cut from its page number. The first words are compared as written, numbers included: with its
    numbers blanked, "SECTION 2. BEFORE STARTING" opening one page and "SECTION 3. CONTROLS" the next were one
    running line, and every section heading that opens a page was dropped."""
    words = text.split()
    if not re.search(r"[A-Za-z]{3}", " ".join(words[:_LEAD_WORDS])):
        return (shape(text),)
    return shape(text), "lead:" + " ".join(words[:_LEAD_WORDS]).lower()


def is_page_number(text: str) -> bool:
    """A margin line that is only a page number ("12", "Page 3", "iv"): a running line on any page."""
    return _LONE_PAGE_NUMBER.match(text) is not None


def repeated(pages_of: Mapping[Key, set[int]], pages: int) -> set[Key]:
    """The shapes (`shapes`) seen on enough of a document's `pages` to be running lines, given the pages each is on."""
    return {key for key, seen in pages_of.items() if len(seen) >= 2 and len(seen) >= pages * _REPEATED}


def most_said(texts: Iterable[str]) -> str | None:
    """The running line said most often, without its page numbers, when it has words that could name the document;
    never a copyright notice or an address."""
    cleaned = (_PAGE_NUMBER.sub(" ", text).strip(" -|\u2022\u00b7") for text in texts)
    said = Counter(" ".join(text.split()) for text in cleaned
                   if re.search(r"[A-Za-z]{3}", text) and not _NOTICE.search(text))
    return said.most_common(1)[0][0] if said else None
