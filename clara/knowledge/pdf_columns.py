"""A PDF page's reading order: the whole page, or full-width bands and, between them, a left then a right column.

pdfplumber reads a line across the whole width, so on a two-column page (fire codes, data sheets, IOM manuals) it
would splice each left-column line to the right-column line beside it. A gutter is a vertical line in the middle of
the page that no word crosses except in full-width bands, with plenty of words on either side of it and a wide gap at
it on any line that has words on both sides; or a rule printed between the columns, which says so outright, however
few words one column holds (a parts table on the left, the troubleshooting beside it).

A band is what runs across the gutter: a word over it, a line set large whose words go on across it at a word space (a
title, "... Dry System Air | Compressor", may break at the gutter between two words), or a heading with nothing
beside it in the other column and both columns going on below it (manuals that set each heading across the page and
balance the text under it in two columns). A heading in one column with the other column's text beside it is the
column's own heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MARGIN = 0.08  # top and bottom share of a page where running headers and footers live
_GUTTER_SPAN = (0.3, 0.7)  # where on the page a column gutter may run, as shares of its width
_GUTTER_MIN_WORDS = 40  # fewer words than this on a page: not worth splitting
_COLUMN_SHARE = 0.2  # each column holds at least this share of the page's words
_COLUMN_FILL = 0.6  # a column's typical line runs at least this share of its width
_GUTTER_WIDTH = 8.0  # points clear between columns on a typical line; prose across the page leaves a word space
_RULE_HEIGHT = 0.4  # a vertical rule between columns runs at least this share of the page's height
_RULE_LINES = 3  # lines of text on each side of a rule between columns, at the least
_WORD_SPACE = 1.5  # points: characters closer than this are one word (pdfplumber's 3 joined "¼" and "8" across a
# narrow gutter into one word that crossed it)
_JOINED = 0.35  # ems: a large line whose words go on across the gutter at a word space runs across the page
PROSE_WORDS = 6  # words on a typical line of a column's prose; a table's cells hold fewer
_TIGHT = 0.6  # line heights: a paragraph's next line is set closer than this under the one above
_HEADING_STEP = 0.9  # points above the body size that make a line a heading by size alone (as pdf.py reads them)

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Layout:
    regions: list[Box]  # in reading order
    gutter: float | None  # where the columns part, when there are columns


def whole(page: Any) -> Layout:
    return Layout([(0.0, 0.0, float(page.width), float(page.height))], None)


def layout(page: Any, tables: list[Box], *, across: list[Box] = (), gutter: float | None = None) -> Layout:
    """The page's regions in reading order. `tables` are the boxes of the tables already found: their cells leave
    gaps that must not pass for a gutter. `across`: those of them that may be set across the page, read as a band
    where they cross the gutter (a price list under a two-column introduction, between it and what follows).
    `gutter`: where the columns part when already known (a second reading, once the tables set in one column are
    found)."""
    height, width = float(page.height), float(page.width)
    printed = page.extract_words(x_tolerance=_WORD_SPACE, extra_attrs=["size", "fontname"])
    every = [w for w in printed if not _in(w, tables)]
    words = [w for w in every if height * MARGIN <= w["top"] and w["bottom"] <= height * (1 - MARGIN)]
    ruled = gutter if gutter is not None else _column_rule(page, tables, printed)
    if ruled is None and len(words) < _GUTTER_MIN_WORDS:
        return whole(page)
    x0 = np.array([w["x0"] for w in words]) if words else np.zeros(0)
    x1 = np.array([w["x1"] for w in words]) if words else np.zeros(0)
    if ruled is not None:
        found = ruled
    else:
        low, high = width * _GUTTER_SPAN[0], width * _GUTTER_SPAN[1]
        edges = np.concatenate([x0, x1])  # columns set edge to edge part exactly where the right one starts
        candidates = np.unique(np.concatenate([np.arange(low, high, 1.0), edges[(edges >= low) & (edges <= high)]]))
        crossing = np.array([np.sum((x0 < g) & (x1 > g)) for g in candidates])
        found = _middle_of_widest(candidates, crossing == crossing.min())
    left, right = np.sum(x1 <= found), np.sum(x0 >= found)
    spanning = [w for w in words if w["x0"] < found < w["x1"]]
    rows = {round(w["top"]) for w in words}
    clear = _clearance(words, found, width)
    if len({round(w["top"]) for w in spanning}) > 0.15 * len(rows) or ruled is None and (
            min(left, right) < _COLUMN_SHARE * len(words) or clear < _GUTTER_WIDTH or not _filled(words, found)):
        return whole(page)
    bands = _bands(every, tables, found, _body_size(words),
                   [(top, bottom) for x0, top, x1, bottom in across if x0 < found - 1 and found + 1 < x1])
    regions: list[Box] = []
    top = 0.0
    for band_top, band_bottom in [*bands, (height, height)]:
        if band_top - top > 1:
            regions += [*_split(words, (0.0, top, found, band_top)), *_split(words, (found, top, width, band_top))]
        if band_bottom > band_top:
            regions.append((0.0, band_top, width, band_bottom + 0.5))
        top = band_bottom + 0.5
    return Layout(regions, found)


def _split(words: list[dict[str, Any]], box: Box) -> list[Box]:
    """A column region, or the two columns it holds: a brochure folded in three has two gutters, and the page's is
    one of them. Within a column no line may cross a second gutter, and each side must hold a column's share of the
    words in lines of prose that fill it."""
    x0, top, x1, bottom = box
    inside = [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 < x1 and top <= (w["top"] + w["bottom"]) / 2 < bottom]
    if len(inside) < _GUTTER_MIN_WORDS:
        return [box]
    starts = np.array([w["x0"] for w in inside])
    ends = np.array([w["x1"] for w in inside])
    low, high = x0 + (x1 - x0) * _GUTTER_SPAN[0], x0 + (x1 - x0) * _GUTTER_SPAN[1]
    candidates = np.arange(low, high, 1.0)
    crossing = np.array([np.sum((starts < g) & (ends > g)) for g in candidates])
    if not len(candidates) or crossing.min() > 0:
        return [box]
    gutter = _middle_of_widest(candidates, crossing == 0)
    if (min(np.sum(ends <= gutter), np.sum(starts >= gutter)) < _COLUMN_SHARE * len(inside)
            or _clearance(inside, gutter, x1) < _GUTTER_WIDTH or not _filled(inside, gutter)
            or not all(_prose([w for w in inside if (w["x0"] >= gutter) == side]) for side in (False, True))):
        return [box]  # a table set in the column leaves gaps too, between cells of a few words
    return [(x0, top, gutter, bottom), (gutter, top, x1, bottom)]


def _prose(words: list[dict[str, Any]]) -> bool:
    """Whether words are set as prose: most lines hold several words."""
    lines: dict[int, int] = {}
    for w in words:
        lines[round(w["top"])] = lines.get(round(w["top"]), 0) + 1
    counts = sorted(lines.values())
    return bool(counts) and counts[len(counts) // 2] >= PROSE_WORDS


def _middle_of_widest(candidates: np.ndarray, clear: np.ndarray) -> float:
    """The middle of the widest stretch of `candidates` (ascending x) where `clear` holds: the gutter's middle, not
    its left edge, where a line that runs a little long in the left column crosses it."""
    stretches: list[tuple[float, float]] = []  # (width, middle)
    start: int | None = None
    for i, ok in enumerate([*clear.tolist(), False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            low, high = float(candidates[start]), float(candidates[i - 1])
            stretches.append((high - low, (low + high) / 2))
            start = None
    return max(stretches)[1] if stretches else float(candidates[0])


def _in(word: dict[str, Any], boxes: list[Box]) -> bool:
    return any(x0 - 1 <= word["x0"] <= x1 + 1 and top <= (word["top"] + word["bottom"]) / 2 <= bottom
               for x0, top, x1, bottom in boxes)


def _column_rule(page: Any, tables: list[Box], words: list[dict[str, Any]]) -> float | None:
    """The x of a vertical rule printed between two columns: a line in the middle of the page, at least
    `_RULE_HEIGHT` of its height long, that is no table's ruling, with text on both sides of it along its length and
    none running across it (a wire of a drawing, a slide's divider with the notes set across the page under it)."""
    height, width = float(page.height), float(page.width)
    for edge in page.vertical_edges:
        x = float(edge["x0"])
        if not width * _GUTTER_SPAN[0] <= x <= width * _GUTTER_SPAN[1]:
            continue
        if float(edge["bottom"]) - float(edge["top"]) < height * _RULE_HEIGHT:
            continue
        if any(x0 - 1 <= x <= x1 + 1 and top - 1 <= edge["top"] and edge["bottom"] <= bottom + 1
               for x0, top, x1, bottom in tables):
            continue
        along = [w for w in words if edge["top"] <= (w["top"] + w["bottom"]) / 2 <= edge["bottom"]]
        if any(w["x0"] < x < w["x1"] for w in along):
            continue
        if min(len({round(w["top"]) for w in along if w["x1"] <= x}),
               len({round(w["top"]) for w in along if w["x0"] >= x})) < _RULE_LINES:
            continue
        return x
    return None


def _clearance(words: list[dict[str, Any]], gutter: float, width: float) -> float:
    """The typical gap at the gutter on the lines that have words on both sides of it."""
    sides: dict[int, list[float]] = {}  # per line: where its text stops left of the gutter and starts right of it
    for w in words:
        edges = sides.setdefault(round(w["top"]), [0.0, width])
        if w["x1"] <= gutter:
            edges[0] = max(edges[0], w["x1"])
        elif w["x0"] >= gutter:
            edges[1] = min(edges[1], w["x0"])
    paired = [right - left for left, right in sides.values() if left > 0.0 and right < width]
    return float(np.median(paired)) if paired else width  # columns set off their baselines pass as they are


def _filled(words: list[dict[str, Any]], gutter: float) -> bool:
    """Whether the lines on both sides of `gutter` run most of their column's width, as set text does. Cells of a
    table ruled by spaces alone ("P01 Start pressure    100 psi") leave a gap too, but a short one each side."""
    sides: list[dict[int, list[float]]] = [{}, {}]
    for w in words:
        if w["x0"] < gutter < w["x1"]:
            continue
        row = sides[w["x0"] >= gutter].setdefault(round(w["top"]), [w["x0"], w["x1"]])
        row[0], row[1] = min(row[0], w["x0"]), max(row[1], w["x1"])
    if not sides[0] or not sides[1]:
        return False
    left = min(x0 for x0, _ in sides[0].values())
    right = max(x1 for _, x1 in sides[1].values())
    fills = [[(x1 - x0) / (gutter - left) for x0, x1 in sides[0].values()],
             [(x1 - x0) / (right - gutter) for x0, x1 in sides[1].values()]]
    return all(float(np.median(fill)) >= _COLUMN_FILL for fill in fills)


def _body_size(words: list[dict[str, Any]]) -> float:
    sizes: dict[float, int] = {}
    for w in words:
        size = round(float(w.get("size", 0.0)), 1)
        sizes[size] = sizes.get(size, 0) + len(w["text"])
    return max(sizes, key=lambda s: sizes[s]) if sizes else 10.0


def _rows(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines: those whose middles fall within each other's height."""
    out: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        middle = (w["top"] + w["bottom"]) / 2
        if out and out[-1][0]["top"] - 1 <= middle <= out[-1][0]["bottom"] + 1:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _bands(words: list[dict[str, Any]], tables: list[Box], gutter: float, body: float,
           found: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The vertical extents of what runs across the page (`found`: the tables set across it), merged."""
    found = list(found)
    rows = _rows(words)
    above: list[dict[str, Any]] | None = None  # the last row found running across the page
    for row in rows:
        top, bottom = min(w["top"] for w in row), max(w["bottom"] for w in row)
        left = [w for w in row if w["x1"] <= gutter]
        right = [w for w in row if w["x0"] >= gutter]
        across = len(left) + len(right) < len(row)
        size = max(float(w.get("size", 0.0)) for w in row)
        joined = bool(left and right) and size >= body + _HEADING_STEP and (
            min(w["x0"] for w in right) - max(w["x1"] for w in left) <= _JOINED * size)
        if (across or joined or _ends_paragraph(row, above, right)
                or (not right and _heading_alone(row, words, tables, gutter, body, top, bottom))):
            found.append((top, bottom))
            above = row
    merged: list[list[float]] = []
    for top, bottom in sorted(found):  # lines of one paragraph across the page are one band
        if merged and top <= merged[-1][1] + max(2.0, _TIGHT * (bottom - top)):
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    return [(top, bottom) for top, bottom in merged]


def _ends_paragraph(row: list[dict[str, Any]], above: list[dict[str, Any]] | None,
                    right: list[dict[str, Any]]) -> bool:
    """Whether a line that stops short of the gutter is the last line of a paragraph set across the page: set tight
    under a line running across, at its left edge and in its size, with nothing in the other column beside it. Read
    as the left column's, "Eastern; valve bodies ship within 3 days." was parted from the note above it."""
    if above is None or right:
        return False
    height = max(w["bottom"] for w in above) - min(w["top"] for w in above)
    gap = min(w["top"] for w in row) - max(w["bottom"] for w in above)
    return (0 <= gap <= _TIGHT * height and abs(min(w["x0"] for w in row) - min(w["x0"] for w in above)) <= 2
            and abs(max(float(w.get("size", 0.0)) for w in row) - max(float(w.get("size", 0.0)) for w in above)) < 0.5)


def _heading_alone(row: list[dict[str, Any]], words: list[dict[str, Any]], tables: list[Box], gutter: float,
                   body: float, top: float, bottom: float) -> bool:
    """Whether a left-column line is a heading set across the page: larger or bold, nothing in the right column
    beside it (a column's line beside a heading of its own overlaps it), and both columns going on under it."""
    bold = sum(any(m in w.get("fontname", "") for m in ("Bold", "Black", "Heavy", "Semibold", "Demi")) for w in row)
    large = max(float(w.get("size", 0.0)) for w in row) >= body + _HEADING_STEP
    if not (large or bold > len(row) / 2):
        return False
    beside = any(w["x0"] >= gutter and w["bottom"] > top and w["top"] < bottom for w in words) or any(
        x0 >= gutter - 1 and b > top and t < bottom for x0, t, _, b in tables)
    if beside:
        return False
    reach = bottom + 6 * (bottom - top)
    below = [(w["x0"], w["x1"]) for w in words if bottom < w["top"] < reach]
    below += [(x0, x1) for x0, t, x1, _ in tables if bottom < t < reach]  # a table set in a column goes on there too
    return any(x0 < gutter for x0, _ in below) and any(x1 > gutter for _, x1 in below)  # a table across: both


def order(regions: list[Box], bbox: Box) -> float:
    """Where a table falls in reading order: the region its middle is in (a table across the page is a band of its
    own; its top touches the columns above it), then its top within it."""
    middle_x, middle_y, top = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, bbox[1]
    region = next((i for i, (x0, y0, x1, y1) in enumerate(regions) if x0 <= middle_x <= x1 and y0 <= middle_y <= y1),
                  0)
    return region * 10_000 + top
