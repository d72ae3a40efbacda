"""A record of labelled fields, as an inspection report, a notice or a work order sets an entry: "Code: MFC 315.3.1
(storage clearance)", "Location: Storage room S-12", "Finding: Boxes stored to within 6 inches of the deflectors.",
"Correction: Keep storage at least 18 inches below the deflectors."

Each field is a line of its own (`pdf_line.is_field`), and the fields are one entry: the question names the entry by
any of them (its code, its place) and asks what another one says (the finding, the correction). Said as sentences,
the best field came with its neighbour, the next field, and the one asked for was left out; a record short enough to
say is said whole, as a table row is.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

# "Code:", "Location:", "Proof of correction:": a capitalised label of a few words, a colon, then its value
FIELD = re.compile(r"^[A-Z][\w/&'()-]*(?:\s+[\w/&'()-]+){0,3}:\s+\S")
FIELDS = 3  # fewer labelled lines is a passage with a note or two in it, not a record


def record(text: str, spans: Sequence[Sequence[Any]], best: int, same_section: Callable[[int], bool],
           limit: int) -> tuple[str, set[int]] | None:
    """The record the best span is a field of, whole, and the spans it says: when every line of the best span's
    section in the passage opens with a field label, at least FIELDS of them, within `limit` words; else None."""
    section = [i for i in range(len(spans)) if i == best or same_section(i)]
    if best not in section or any(j - i != 1 for i, j in zip(section, section[1:])):
        return None
    start = text.rfind("\n", 0, int(spans[section[0]][0])) + 1
    said = text[start:int(spans[section[-1]][1])].strip()
    lines = [line.strip() for line in said.split("\n") if line.strip()]
    if len(lines) < FIELDS or not all(FIELD.match(line) for line in lines) or len(said.split()) > limit:
        return None
    return said, set(section)
