"""Superscripts in a PDF: footnote marks kept out of the words and numbers they sit on, exponents and ordinals kept.

A PDF sets a superscript as smaller type on a raised baseline. Read as plain characters, a footnote mark is glued to
what it annotates, or lands a few words away on a line of its own: the table cell "60¹" read "601" (a wrong number),
"the compressor is¹ enabled" read "the compressor is 1 enabled". The layout settles what each one is: a raised run
of smaller characters right after a word, a number or at the start of a line. After a digit, a run of letters is an
ordinal ("1st"); after "10", a number is a power ("10^-3"); after a short unit ("ft", "m") a digit is its exponent
("ft3", as technicians type it); at the start of a line it numbers the footnote itself ("1 Factory setting..."), which
keeps it. Any other is a mark pointing at a note: it is left out of the text, so the words and numbers read right.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

_SMALLER = 0.85  # a superscript is set at most this share of its base's size
_RAISED = 0.15  # its baseline sits at least this share of the base's size above the base's
_NEAR = 0.6  # and it starts within this share of the base's size after the base's last character (or before it)
_UNIT = re.compile(r"(?:^|[^A-Za-z])(?:ft|in|yd|mi|[kcm]?m|s|sec)$")  # the units that take an exponent: "ft", "m"
_ORDINAL = re.compile(r"^(?:st|nd|rd|th|er|e|re)$")
_POWER = re.compile(r"^[-\u2212\u2013]?\d{1,3}$")


@dataclass(frozen=True)
class Settled:
    marks: set[int]  # ids of the characters of footnote marks, to leave out of the text
    notes: set[int]  # ids of the first characters of footnotes ("1 Factory setting"): each opens a paragraph


def settle(chars: list[dict[str, Any]]) -> Settled:
    """Lower the page's exponents, ordinals and footnote numbers onto their line (in place: pdfplumber groups
    characters into lines by their top), and say which characters are footnote marks and which open a footnote."""
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for char in chars:
        if char["text"].strip() and char.get("upright", True):
            rows[round(char["bottom"])].append(char)
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
    ends = {key: [c["x1"] for c in row] for key, row in rows.items()}
    largest = {key: max(c["size"] for c in row) for key, row in rows.items()}
    dropped: set[int] = set()
    notes: set[int] = set()
    done: set[int] = set()
    for key in sorted(rows):
        carried = {size: any(largest.get(below, 0.0) * _SMALLER >= size
                             for below in range(key + 1, round(key + size / _SMALLER) + 1))
                   for size in {c["size"] for c in rows[key]}}  # whether any line just below is large enough
        for char in rows[key]:
            if id(char) in done or not carried[char["size"]]:
                continue
            base, after = _neighbours(char, rows, ends, largest)
            if base is None and after is None:
                continue
            run = _run(char, rows[key])
            done.update(id(c) for c in run)
            line = base or after
            assert line is not None
            if base is None:
                _lower(run, line)  # the number a footnote opens with: "1 Factory setting"
                notes.add(id(run[0]))
                continue
            said = "".join(c["text"] for c in run)
            before = _word_before(base, rows[round(base["bottom"])])
            if ((before[-1:].isdigit() and _ORDINAL.match(said)) or (said.isdigit() and _UNIT.search(before))):
                _lower(run, line)
            elif before.endswith("10") and _POWER.match(said) and not before[:-2][-1:].isdigit():
                run[0]["text"] = "^" + run[0]["text"]
                _lower(run, line)
            else:
                dropped.update(id(c) for c in run)
    return Settled(dropped, notes)


def _neighbours(char: dict[str, Any], rows: dict[int, list[dict[str, Any]]], ends: dict[int, list[float]],
                largest: dict[int, float]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The larger characters, on a lower baseline, that `char` follows (its base) or precedes (a footnote's first
    word), if `char` is set as a superscript of them."""
    base = after = None
    low, high = char["bottom"], char["bottom"] + char["size"] / _SMALLER
    for key in range(round(low + 1), round(high) + 1):
        row = rows.get(key)
        if not row or largest[key] * _SMALLER < char["size"]:
            continue  # nothing on that line is large enough to carry it
        index = bisect.bisect_right(ends[key], char["x0"] + 1) - 1
        for candidate in (row[index] if index >= 0 else None, row[index + 1] if index + 1 < len(row) else None):
            if candidate is None or not _superscript_of(char, candidate):
                continue
            if -1 <= char["x0"] - candidate["x1"] <= _NEAR * candidate["size"]:
                base = candidate
            elif -1 <= candidate["x0"] - char["x1"] <= _NEAR * candidate["size"]:
                after = candidate
    return base, after


def _superscript_of(char: dict[str, Any], other: dict[str, Any]) -> bool:
    size = other["size"]
    return (char["size"] <= _SMALLER * size and other["bottom"] - char["bottom"] >= _RAISED * size
            and char["bottom"] > other["top"])


def _run(first: dict[str, Any], row: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`first` and the characters of its size that follow it on its baseline without a word space: "-3", "st"."""
    run = [first]
    for char in row[row.index(first) + 1:]:
        last = run[-1]
        if abs(char["size"] - first["size"]) > 0.1 or char["x0"] - last["x1"] > 0.15 * first["size"]:
            break
        run.append(char)
    return run


def _word_before(base: dict[str, Any], row: list[dict[str, Any]]) -> str:
    """The word or number a superscript follows, read back from its base character."""
    index = row.index(base)
    word = base["text"]
    for char in reversed(row[:index]):
        if row[index]["x0"] - char["x1"] > 0.15 * base["size"]:
            break
        word = char["text"] + word
        index -= 1
    return word


def _lower(run: list[dict[str, Any]], line: dict[str, Any]) -> None:
    for char in run:
        for field in ("top", "bottom", "doctop", "y0", "y1"):
            if field in line:
                char[field] = line[field]
