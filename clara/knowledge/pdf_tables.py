"""Tables a PDF sets with spaces instead of ruling lines: found from the gaps between a line's characters.

Many manufacturer manuals and data sheets print their ratings and fault-code tables without grid lines, so
pdfplumber's line-based table finder sees nothing. Read as text, each row becomes one run-on line, and a wide table
can even pass for two columns of prose and be read column by column ("Trouble LED steady / Battery missing" far from
"Replace the batteries"). A row of such a table is a line whose characters leave gaps wider than a word space, at the
same places as the lines above and below it; its cells are short phrases, where two columns of prose run long.
Where cells wrap, a row is the band of lines between two wider gaps (cell padding), wherever its key is printed.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from clara.knowledge.blocks import has_figures

_CELL_GAP = 0.8  # a gap of at least this many font sizes between two characters separates two cells
_WORD_GAP = 0.15  # a gap of at least this many font sizes is a space between words
_ALIGN = 4.0  # points: cells of one column start (or, right-aligned, end) within this of each other
_MIN_ROWS = 3  # a header and two rows
_ROW_SPACING = 2.5  # line heights: a row further than this below the one above starts a new table
_ROW_GAP = 0.3  # line heights: a gap this much wider than the tightest one separates two rows of wrapped cells
_ALIGNED_SHARE = 0.8  # of a table's cells that sit in one of its columns
_KEY_WORDS = 6  # a table's first column holds short keys; two columns of prose run longer than this per line
_HEADER_WORDS = 8  # a header names its columns: a cell longer than this is a row's sentence
_CELL_TYPE = 1.2  # a line this much taller than a table's lines is set in larger type than its cells
_GOING_ON = 0.25  # of a column's lines that start in lower case: prose wrapped onto them, not a table's keys
_NOT_A_KEY = re.compile(r"^(?:\(?[A-Za-z0-9]{1,3}[.)]|[-\u2022*]|\d+(?:\.\d+)*)$")  # "1." "(a)" "3.2": a numbered item


@dataclass(frozen=True)
class Cell:
    x0: float
    x1: float
    text: str


@dataclass(frozen=True)
class SpacedTable:
    bbox: tuple[float, float, float, float]
    rows: list[tuple[str, ...]]  # the header first


def spaced_tables(lines: list[dict[str, Any]]) -> list[SpacedTable]:
    """The space-set tables among a page's text lines (pdfplumber's `extract_text_lines(return_chars=True)`, top
    to bottom)."""
    found: list[SpacedTable] = []
    run: list[tuple[dict[str, Any], list[Cell]]] = []
    before: tuple[dict[str, Any], list[Cell]] | None = None  # the line above a run, which may be its first cell's top
    for line in lines:
        cells = _cells(line)
        follows = bool(run) and line["top"] - run[-1][0]["bottom"] <= _ROW_SPACING * (line["bottom"] - line["top"])
        if _row_like(cells) and (follows or not run):
            if not run and before is not None and _wraps_into(before, line, cells):
                run.append(before)  # a value centred on its key's row: its first line is printed above the key
            run.append((line, cells))
            continue
        if cells and follows and _set_as_cells(run, line) and (
                (cells[0].x0 > _key_end(run) and (len(cells) == 1 or _bold(line) and _bold(run[-1][0])))
                or (len(cells) == 1 and _key_wraps(run, line, cells[0]))):
            run.append((line, cells))  # a cell's text wrapped onto a line of its own, or a bold header's last words
            continue
        found += _table(run)
        run = [(line, cells)] if _row_like(cells) else []
        before = (line, cells) if len(cells) == 1 else None
    found += _table(run)
    return found


def _set_as_cells(run: list[tuple[dict[str, Any], list[Cell]]], line: dict[str, Any]) -> bool:
    """Whether a lone line is set in the type of the table's cells: a heading between two rows ("2 Starting the
    system" over the next margin-noted step) is set larger, and ends the table rather than going on a row."""
    return line["bottom"] - line["top"] <= _height(run) * _CELL_TYPE


def _key_end(run: list[tuple[dict[str, Any], list[Cell]]]) -> float:
    """Where the key column of a run's first row ends (a wrapped value printed above it is no row)."""
    return next(cells[0].x1 for _, cells in run if len(cells) > 1)


def _wraps_into(above: tuple[dict[str, Any], list[Cell]], line: dict[str, Any], cells: list[Cell]) -> bool:
    """Whether a lone cell just above a table's first row is the top of that row's wrapped value ("[120-140 psig at
    75 degrees F" over "D1. Suction pressure | EWT]"): it sits in a later column than the key, close above it."""
    top, cell = above[0], above[1][0]
    height = line["bottom"] - line["top"]
    return (cell.x0 > cells[0].x1 and 0 <= line["top"] - top["bottom"] <= _ROW_GAP * 2 * height
            and top["bottom"] - top["top"] <= height * _CELL_TYPE)


def _key_wraps(run: list[tuple[dict[str, Any], list[Cell]]], line: dict[str, Any], cell: Cell) -> bool:
    """Whether a lone line under a table's row is its key cell wrapped ("Stainless steel heat exchanger, against
    leaks from thermal shock or" over "corrosion"): within the key column, and closer to the line above than the
    table's rows are to each other. Taken for the paragraph after the table, it cut the table off above it. The rows'
    spacing is measured above full rows, not above wrapped lines: measured above "°C (flame contact)", the next
    row's wrapped "°F (thermal relief)" was as far from its row as rows are apart, and ended the table there. The
    row is the last line of cells, so a key wrapped onto three lines keeps them all; a key's lines follow each other,
    so a line of the key column under a value's lone line is the next column of prose beside the table, no key."""
    widest = max(len(cells) for _, cells in run)
    gaps = [gap for gap, (_, cells) in zip(_gaps(run), run[1:]) if len(cells) == widest]
    last = next(number for number in range(len(run) - 1, -1, -1) if len(run[number][1]) > 1)
    row = run[last][1]
    return (bool(gaps) and all(cells[0].x1 < row[1].x0 for _, cells in [*run[last + 1:], (line, [cell])])
            and line["top"] - run[-1][0]["bottom"] < min(gaps) - _ROW_GAP * _height(run))


def columnar(line: dict[str, Any]) -> bool:
    """Whether a text line is set as the cells of a table row (a header row whose table was not found, a contents
    entry and its page number), not as a heading: two or more cells apart by more than a word space. A section number
    set off its title ("3.2    Pressure settings") is one heading all the same."""
    cells = _cells(line)
    return len(cells) > 2 or (len(cells) == 2 and not _NOT_A_KEY.match(cells[0].text))


def _row_like(cells: list[Cell]) -> bool:
    """Two cells or more, the first not a list number ("1.", "(a)"): a hanging-indent list is not a table. A bare
    number with two cells after it is a key ("3 flashes | Low pressure | Check charge"): a list item has one."""
    if len(cells) < 2:
        return False
    return not _NOT_A_KEY.match(cells[0].text) or (len(cells) >= 3 and cells[0].text.isdigit())


def _cells(line: dict[str, Any]) -> list[Cell]:
    chars = [c for c in line["chars"] if c["text"].strip()]
    if not chars:
        return []
    size = statistics.median(c["size"] for c in chars)
    cells: list[Cell] = []
    start, text = chars[0], chars[0]["text"]
    for previous, char in zip(chars, chars[1:]):
        gap = char["x0"] - previous["x1"]
        if gap >= _CELL_GAP * size:
            cells.append(Cell(start["x0"], previous["x1"], text))
            start, text = char, char["text"]
        else:
            text += (" " if gap >= _WORD_GAP * size else "") + char["text"]
    cells.append(Cell(start["x0"], chars[-1]["x1"], text))
    return cells


def _table(run: list[tuple[dict[str, Any], list[Cell]]]) -> list[SpacedTable]:
    while run and len(run[-1][1]) < 2 and not _tight(run):  # text set apart after the last row is what follows
        run = run[:-1]
    if sum(1 for _, cells in run if len(cells) >= 2) < _MIN_ROWS:
        return []
    cells = [cell for _, row in run for cell in row]
    most = max(len(row) for _, row in run)
    widest = [(line, row) for line, row in run if len(row) == most]
    columns = widest[0][1]
    if _aligned(cells, columns) < _ALIGNED_SHARE * len(cells) and _bold(widest[0][0]):
        # a bold header centred over its columns ("Lamp" over "FIRE", "SUPERVISORY") is not where the cells start:
        # measured by it, the table was never found; the body rows the others line up with best are
        columns = max((row for line, row in widest if not _bold(line)), key=lambda row: _aligned(cells, row),
                      default=columns)
    if _aligned(cells, columns) < _ALIGNED_SHARE * len(cells):
        return []
    table: list[list[str]] = []
    bands = _bands(run, columns)
    ahead: list[Cell] = []  # wrapped text that belongs to the row below it
    for number, band in enumerate(bands):
        placed = [""] * len(columns)
        for cell in [*ahead, *(cell for _, row in band for cell in row)]:
            index = _column(columns, cell)
            placed[index] = f"{placed[index]} {cell.text}".strip()
        ahead = []
        if len(band) == 1 and len(band[0][1]) == 1:  # wrapped text joins the nearer row's cell
            cell = band[0][1][0]
            if not table or _nearer_below(bands, number):
                ahead = [cell]
            else:
                index = _column(columns, cell)
                table[-1][index] = f"{table[-1][index]} {cell.text}".strip()
        elif table and _goes_on(run, band, len(columns)):
            table[-1] = [f"{above} {below}".strip() for above, below in zip(table[-1], placed)]
        else:
            table.append(placed)
    if len(table) < _MIN_ROWS or _prose(table):
        return []  # two columns of prose, read across
    if (has_figures(table[0][:1]) or max(len(cell.split()) for cell in table[0]) > _HEADER_WORDS) \
            and not _bold(run[0][0]):
        table.insert(0, [""] * len(columns))  # keyed rows with no header ("D1. Suction pressure | ...", "Why | The ...")
    lines = [line for line, _ in run]
    bbox = (min(ln["x0"] for ln in lines), min(ln["top"] for ln in lines), max(ln["x1"] for ln in lines),
            max(ln["bottom"] for ln in lines))
    return [SpacedTable(bbox, [tuple(row) for row in table])]


def _prose(table: list[list[str]]) -> bool:
    """Whether "rows" are the lines of a column of prose read across with what is beside it: the first cell runs
    long, and so does the rest of the line, or the first cells go on sentences from the line above ("shuts down the
    air handler when..."). A form's long labels ("C2. Water flow rate, from pressure drop across the coil") each
    start afresh, and their values are short ("[3 gpm per ton nominal]")."""
    if statistics.median(len(row[0].split()) for row in table) <= _KEY_WORDS:
        return False
    rest = statistics.median(max((len(cell.split()) for cell in row[1:]), default=0) for row in table)
    going_on = sum(row[0][:1].islower() for row in table)
    return rest > _KEY_WORDS or going_on >= _GOING_ON * len(table)


def _goes_on(run: list[tuple[dict[str, Any], list[Cell]]], band: list[tuple[dict[str, Any], list[Cell]]],
             columns: int) -> bool:
    """Whether a line of cells is the row above wrapped in more than one column ("Copper header annealed above 600
    °F | Cut out and" over "(torch) | rebraze"): it sits closer under the line above than any full row sits under its
    own, and fills fewer columns than the first line of the row it goes on. Taken for a row, "(torch)" became a key
    with no values, and the row above lost the end of its cells. A row with a blank cell sits as far apart as the
    others, and stays a row; so do the lines of two columns of prose (an English and a Spanish one), which fill the
    same two columns line after line and are no table."""
    line, cells = band[-1]
    if len(band) > 1 or len(cells) >= columns:
        return False
    gaps, height = _gaps(run), _height(run)
    full = [gap for gap, (_, row) in zip(gaps, run[1:]) if len(row) == columns]
    number = next((i for i, (item, _) in enumerate(run) if item is line), 0)
    first = number  # the first line of the row above, up through the lines wrapped under it
    while first > 0 and full and gaps[first - 1] < min(full) - _ROW_GAP * height:
        first -= 1
    return first < number and len(run[first][1]) > len(cells)


def _nearer_below(bands: list[list[tuple[dict[str, Any], list[Cell]]]], number: int) -> bool:
    """Whether a band of wrapped text sits closer to the row below it than to the row above: a key printed level
    with the last line of its value ("D2. Discharge pressure | EWT]" under "[290-330 psig at 75 degrees F")."""
    if number + 1 >= len(bands) or len(bands[number + 1][0][1]) < 2:
        return False
    line = bands[number][0][0]
    return bands[number + 1][0][0]["top"] - line["bottom"] < line["top"] - bands[number - 1][-1][0]["bottom"]


def _aligned(cells: list[Cell], columns: list[Cell]) -> int:
    """How many of `cells` sit in one of `columns`: starting or ending with it, or centred within it."""
    return sum(1 for cell in cells if any(abs(cell.x0 - c.x0) <= _ALIGN or abs(cell.x1 - c.x1) <= _ALIGN
                                          or c.x0 <= (cell.x0 + cell.x1) / 2 <= c.x1 for c in columns))


def _bold(line: dict[str, Any]) -> bool:
    """Whether a line is set mostly bold, as header rows are and body rows are not."""
    marks = ("Bold", "Black", "Heavy", "Semibold", "Demi")
    return sum(1 for c in line["chars"] if any(m in c["fontname"] for m in marks)) > len(line["chars"]) / 2


def _gaps(run: list[tuple[dict[str, Any], list[Cell]]]) -> list[float]:
    return [after["top"] - before["bottom"] for (before, _), (after, _) in zip(run, run[1:])]


def _height(run: list[tuple[dict[str, Any], list[Cell]]]) -> float:
    return statistics.median(line["bottom"] - line["top"] for line, _ in run)


def _tight(run: list[tuple[dict[str, Any], list[Cell]]]) -> bool:
    """Whether the run's last line sits as close to the one above as a cell's wrapped lines do (then it is the end
    of the last row's cell, "off until the supply drops."), not set apart as the next paragraph is."""
    gaps = _gaps(run)
    return len(gaps) > 1 and gaps[-1] - min(gaps[:-1]) < _ROW_GAP * _height(run) < max(gaps) - min(gaps)


def _bands(run: list[tuple[dict[str, Any], list[Cell]]],
           columns: list[Cell]) -> list[list[tuple[dict[str, Any], list[Cell]]]]:
    """The lines of each table row. Where cells wrap, a row's lines sit closer together than two rows do (cell
    padding): cut at the wider gaps, so "ERR OUT | Outdoor sensor open... | Measure the sensor..." keeps all of its
    wrapped lines whichever line its key is printed on. Evenly spaced lines are a row each, and so are all when a
    cut would leave two keys in one row (uneven spacing of one-line rows, not wrapping)."""
    lines = [[item] for item in run]
    gaps, height = _gaps(run), _height(run)
    if not gaps or max(gaps) - min(gaps) < _ROW_GAP * height:
        return lines
    bands = [[run[0]]]
    for gap, item in zip(gaps, run[1:]):
        if gap - min(gaps) >= _ROW_GAP * height:
            bands.append([])
        bands[-1].append(item)
    # a lone line in the key column is a key wrapped onto it ("150 pounds" under "...with a full charge under")
    keys = ([cell for _, row in band if len(row) > 1 for cell in row if _column(columns, cell) == 0] for band in bands)
    return lines if any(len(key) > 1 for key in keys) else bands


def _column(columns: list[Cell], cell: Cell) -> int:
    """The column a cell sits in: the one whose span overlaps it most, else the nearest."""
    def overlap(column: Cell) -> float:
        return min(column.x1, cell.x1) - max(column.x0, cell.x0)
    return max(range(len(columns)), key=lambda i: overlap(columns[i]))
