"""Revision marks in a PDF's left margin: a standard's "N" beside new text, an "R" or "C" beside a changed line.

Set outside the text column on the line they mark, they read as the line's first word, and a page of marked
paragraphs read as a two-column table whose key column was "N": the marked paragraphs were rows, every heading
between them was lost, and a sentence broken where a mark sat ("... witnessed by the authority having" over
"N | jurisdiction where ...") was cut in two passages. A mark says nothing a technician asks; it is left out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

_ROW_TOLERANCE = 3.0  # points between the bottoms of characters on one printed line
_MARK_CHARS = 2  # "N", "R", "C", "Δ", "**": a mark is a letter or two, never a word or a list number
_OUTSIDE = 4.0  # points left of the text column a mark starts at least
_EDGE_LINES = 5  # lines starting at one place before it is the text column's edge


def margin_marks(chars: list[dict[str, Any]]) -> set[int]:
    """The ids of the characters that are revision marks in the left margin: a letter or two, no figure, set in
    another font or size than the line it marks, left of the column's edge where that line's text starts."""
    rows: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (c["bottom"], c["x0"])):
        if rows and abs(char["bottom"] - rows[-1][-1]["bottom"]) <= _ROW_TOLERANCE:
            rows[-1].append(char)
        else:
            rows.append([char])
    rows = [sorted((c for c in row if c["text"].strip()), key=lambda c: c["x0"]) for row in rows]
    rows = [row for row in rows if row]
    starts = Counter(round(row[0]["x0"]) for row in rows)
    if not starts:
        return set()
    edge, lines = starts.most_common(1)[0]
    if lines < _EDGE_LINES:
        return set()
    marks: set[int] = set()
    for row in rows:
        head = [c for c in row if c["x0"] < edge - _OUTSIDE]
        rest = row[len(head):]
        if not head or not rest or len(head) > _MARK_CHARS or row[:len(head)] != head:
            continue
        if abs(rest[0]["x0"] - edge) > 1.5 or not all(c["text"].isalpha() for c in head):
            continue
        if head[-1]["fontname"] == rest[0]["fontname"] and round(head[-1]["size"]) == round(rest[0]["size"]):
            continue  # set as its line is: a hanging word of the text, not a mark beside it
        marks |= {id(c) for c in head}
    return marks
