"""A PDF's blocks from its layout: headings by font, clauses and paragraphs by position, tables as rows, each with
its page; running headers and footers dropped (but remembered: they often name the product).

Text alone is ambiguous in a PDF: "3.2 Pressure settings" may be a heading or a wrapped sentence, and a table is a
jumble of cells. pdfplumber (MIT, on pdfminer.six) gives each character's font, size and position and finds tables
by their ruling lines, which settles both. Pages are read one at a time and their caches dropped, so memory stays
flat on a long document.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from clara.knowledge.blocks import (ADMONITION, Block, heading, is_caption, is_figure_caption, join_lines,
                                    looks_like_numbered_heading, paragraph, table, words_of)
from clara.knowledge import pdf_superscripts as superscripts
from clara.knowledge.contents import is_contents_entry, is_contents_page
from clara.knowledge.outline import parse_heading
from clara.knowledge.pdf_cover import TitleBlock, is_cover, opening_title, read_cover
from clara.knowledge.pdf_line import Line, drawn_labels, glyphs, is_field
from clara.knowledge.pdf_margin_marks import margin_marks
from clara.knowledge.pdf_table_blocks import attach_captions, attach_notes, continued_tables
from clara.knowledge.pdf_tables import columnar, spaced_tables
from clara.knowledge.running_lines import is_page_number, most_said, repeated, shapes

_MARGIN = 0.08  # top and bottom share of a page where running headers and footers live
_HEADING_SIZE_STEP = 0.9  # points above the body size that make a line a heading by size alone
_HEADING_MAX_WORDS = 14
_NUMBERED_TITLE = re.compile(r"^\d{1,2}\.\s+[A-Z]")  # "1. Receiving and inspection"
# "901.6 Inspection", "R 29.2104 Responsible managing employee.", "§ 1910.157 Portable": a dotted number (a rule's
# "R" or a section sign before it, as administrative codes and the CFR print them), then a title
_CODE_SECTION = re.compile(r"^(?:(?:R|§+)\s*)?\d+(?:\.\d+)+\s+[A-Z]")
_MARKER = re.compile(r"^(?:\((?:[a-z]{1,2}|\d{1,3}|[ivxl]{1,6}|[A-Z]{1,2}|[IVXL]{1,6})\)"
                     r"|[-\u2022*]|\d{1,2}[.)]|[a-z][.)])\s")


class PdfError(ValueError):
    """The PDF cannot be read as text; the message says why in words a technician can act on."""


@dataclass(frozen=True)
class PdfDocument:
    blocks: list[Block]
    pages: int
    running_header: str | None  # the most repeated header line ("KX-400 Installation Manual"), for context
    title: str | None = None  # the title the file's metadata gives, when it reads like one
    running_footer: str | None = None  # the footer line that names something ("TCH Start-Up Guide TG-114 Rev C")
    title_block: TitleBlock = TitleBlock((), ())  # the cover's or the first page's title lines, out of the outline


_NOT_A_TITLE = re.compile(r"^(?:untitled\b.*|\(?anonymous\)?|document ?\d*|microsoft \w+ - .*|"
                          r".*\.(?:docx?|pdf|indd|xlsx?|pptx?))$",
                          re.IGNORECASE)  # what authoring tools write when nobody gave a title


def _metadata_title(metadata: dict[str, Any]) -> str | None:
    title = metadata.get("Title")
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not re.search(r"[A-Za-z]{3}", title) or len(title) > 200 or _NOT_A_TITLE.match(title):
        return None
    return title


def read(data: bytes, *, max_pages: int, check: Callable[[], None] = lambda: None) -> PdfDocument:
    """The blocks of a PDF. `check` is called between pages: it raises to abandon a parse (shutdown, a limit)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # every recoverable oddity of a damaged file is noise
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise PdfError("file is not a PDF")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > max_pages:
                raise PdfError(f"PDF has {len(pdf.pages)} pages; at most {max_pages} are accepted")
            lines: list[Line] = []
            tables: list[tuple[int, float, Block]] = []
            for number, page in enumerate(pdf.pages, start=1):
                check()
                page_lines, page_tables = _read_page(page, number)
                lines += page_lines
                tables += page_tables
                page.close()
            pages = len(pdf.pages)
            title = _metadata_title(pdf.metadata or {})
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PdfError("PDF is password protected") from None
    except PdfError:
        raise
    except PdfminerException as exc:  # pdfplumber's wrapper around pdfminer's own errors
        if isinstance(exc.args[0] if exc.args else None, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise PdfError("PDF is password protected") from None
        raise PdfError(f"PDF could not be read ({type(exc.args[0]).__name__ if exc.args else 'error'})") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError,
            AssertionError, IndexError, ZeroDivisionError) as exc:
        raise PdfError(f"PDF could not be read ({type(exc).__name__})") from None
    if not any(line.text.strip() for line in lines) and not tables:
        raise PdfError("PDF has no text layer (a scan needs OCR first)")
    body, header, footer = _drop_running_lines(lines, pages)
    size = _body_size(body)
    body = [ln for ln in body if not drawn_labels(ln, size)]
    if is_cover(body, tables, pages, size, _HEADING_SIZE_STEP):
        cover = read_cover([ln for ln in body if ln.page == 1], size, _HEADING_SIZE_STEP)
        blocks = [*cover.text, *_blocks([ln for ln in body if ln.page > 1], tables, size)]
    else:
        cover, blocks = opening_title(_blocks(body, tables, size))
    return PdfDocument(blocks, pages, header, title, footer, cover)


def _read_page(page: Any, number: int) -> tuple[list[Line], list[tuple[int, float, Block]]]:
    settled = superscripts.settle(page.chars)
    if dropped := settled.marks | margin_marks(page.chars):
        page = page.filter(lambda obj: id(obj) not in dropped)
    page_lines = page.extract_text_lines(return_chars=True, strip=True)
    height = float(page.height)
    if is_contents_page([raw["text"] for raw in page_lines
                         if height * _MARGIN <= raw["top"] and raw["bottom"] <= height * (1 - _MARGIN)]):
        return [], []
    ruled = page.find_tables()
    boxes = [t.bbox for t in ruled]
    spaced = spaced_tables([raw for raw in page_lines if not _inside(raw, boxes)])
    boxes += [t.bbox for t in spaced]
    regions = _regions(page, boxes)
    tables: list[tuple[int, float, Block]] = []
    for bbox, rows in [*((t.bbox, t.extract()) for t in ruled), *((t.bbox, t.rows) for t in spaced)]:
        if (block := table([[glyphs(c or "") for c in row] for row in rows], page=number)) is not None:
            tables.append((number, _order(regions, bbox), block))
    lines: list[Line] = []
    for region, bbox in enumerate(regions):
        area_lines = page_lines if len(regions) == 1 else page.crop(bbox, strict=False).extract_text_lines(
            return_chars=True, strip=True)
        for raw in area_lines:
            if _inside(raw, boxes) or is_contents_entry(raw["text"]):
                continue  # a cell of a table read above, or a line of the table of contents
            chars = [c for c in raw["chars"] if c["text"].strip()]
            if not chars or not (text := glyphs(raw["text"])):
                continue
            sizes = Counter(round(c["size"], 1) for c in chars)
            marks = [_is_bold(c["fontname"]) for c in chars]
            bold = sum(marks) > len(marks) / 2
            run_in = all(marks[:3]) and not all(marks[-3:])
            lines.append(Line(number, raw["top"], raw["bottom"], raw["x0"], sizes.most_common(1)[0][0], bold,
                              text, float(page.height), region, run_in, id(chars[0]) in settled.notes,
                              columnar(raw)))
    return lines, tables


def _inside(raw: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    middle = (raw["top"] + raw["bottom"]) / 2
    return any(x0 - 1 <= raw["x0"] <= x1 + 1 and top <= middle <= bottom for x0, top, x1, bottom in boxes)


_GUTTER_SPAN = (0.3, 0.7)  # where on the page a column gutter may run, as shares of its width
_GUTTER_MIN_WORDS = 40  # fewer words than this on a page: not worth splitting
_COLUMN_SHARE = 0.2  # each column holds at least this share of the page's words
_COLUMN_FILL = 0.6  # a column's typical line runs at least this share of its width
_GUTTER_WIDTH = 8.0  # points clear between columns on a typical line; prose across the page leaves a word space


def _regions(page: Any, tables: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """The page's regions in reading order: the whole page, or, on a two-column page, its full-width bands (a title,
    a wide table) and between them the left column, then the right.

    pdfplumber reads a line across the whole width, so on a two-column page (fire codes, data sheets) it would splice
    each left-column line to the right-column line beside it. A gutter is a vertical line in the middle of the page
    that no word crosses except in full-width bands, with plenty of words on either side of it, and a wide gap at it
    on any line that has words on both sides. Running headers and footers ("LUMARRA EMERGENCY POWER ... INVERTERS",
    set left and right) are not asked: their gap split a page of two long lines of prose into two columns."""
    height = float(page.height)
    words = [w for w in page.extract_words()
             if not any(x0 - 1 <= w["x0"] <= x1 + 1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
                        for x0, top, x1, bottom in tables)
             and height * _MARGIN <= w["top"] and w["bottom"] <= height * (1 - _MARGIN)]  # not a running line's parts
    whole = [(0.0, 0.0, float(page.width), float(page.height))]
    if len(words) < _GUTTER_MIN_WORDS:
        return whole
    x0 = np.array([w["x0"] for w in words])
    x1 = np.array([w["x1"] for w in words])
    width = float(page.width)
    candidates = np.arange(width * _GUTTER_SPAN[0], width * _GUTTER_SPAN[1], 1.0)
    crossing = np.array([np.sum((x0 < g) & (x1 > g)) for g in candidates])
    gutter = float(candidates[int(np.argmin(crossing))])
    left, right = np.sum(x1 <= gutter), np.sum(x0 >= gutter)
    spanning = [w for w in words if w["x0"] < gutter < w["x1"]]
    rows = {round(w["top"]) for w in words}
    sides: dict[int, list[float]] = {}  # per line: where its text stops left of the gutter and starts right of it
    for w in words:
        edges = sides.setdefault(round(w["top"]), [0.0, width])
        if w["x1"] <= gutter:
            edges[0] = max(edges[0], w["x1"])
        elif w["x0"] >= gutter:
            edges[1] = min(edges[1], w["x0"])
    paired = [right - left for left, right in sides.values() if left > 0.0 and right < width]
    clear = float(np.median(paired)) if paired else width  # columns set off their baselines pass as they are
    if (min(left, right) < _COLUMN_SHARE * len(words) or len({round(w["top"]) for w in spanning}) > 0.15 * len(rows)
            or clear < _GUTTER_WIDTH or not _filled(words, gutter)):
        return whole
    bands: list[list[float]] = []  # vertical extents of full-width lines, merged
    for w in sorted(spanning, key=lambda w: w["top"]):
        if bands and w["top"] <= bands[-1][1] + 2:
            bands[-1][1] = max(bands[-1][1], w["bottom"])
        else:
            bands.append([w["top"], w["bottom"]])
    regions: list[tuple[float, float, float, float]] = []
    top = 0.0
    for band_top, band_bottom in [*bands, [float(page.height), float(page.height)]]:
        if band_top - top > 1:
            regions += [(0.0, top, gutter, band_top), (gutter, top, width, band_top)]
        if band_bottom > band_top:
            regions.append((0.0, band_top, width, band_bottom + 0.5))
        top = band_bottom + 0.5
    return regions


def _filled(words: list[dict[str, Any]], gutter: float) -> bool:
    """Whether the lines on both sides of `gutter` run most of their column's width, as set text does. Cells of a
    table ruled by spaces alone ("P01 Start pressure    100 psi") leave a gap too, but a short one each side."""
    sides: list[dict[int, list[float]]] = [{}, {}]
    for w in words:
        if w["x0"] < gutter < w["x1"]:
            continue
        row = sides[w["x0"] >= gutter].setdefault(round(w["top"]), [w["x0"], w["x1"]])
        row[0], row[1] = min(row[0], w["x0"]), max(row[1], w["x1"])
    left = min(x0 for x0, _ in sides[0].values())
    right = max(x1 for _, x1 in sides[1].values())
    fills = [[(x1 - x0) / (gutter - left) for x0, x1 in sides[0].values()],
             [(x1 - x0) / (right - gutter) for x0, x1 in sides[1].values()]]
    return all(float(np.median(fill)) >= _COLUMN_FILL for fill in fills)


def _order(regions: list[tuple[float, float, float, float]], bbox: tuple[float, float, float, float]) -> float:
    """Where a table falls in reading order: its region, then its top within it."""
    middle_x, top = (bbox[0] + bbox[2]) / 2, bbox[1]
    region = next((i for i, (x0, y0, x1, y1) in enumerate(regions) if x0 <= middle_x <= x1 and y0 <= top <= y1), 0)
    return region * 10_000 + top


def _is_bold(fontname: str) -> bool:
    return any(mark in fontname for mark in ("Bold", "Black", "Heavy", "Semibold", "Demi"))


def _drop_running_lines(lines: list[Line], pages: int) -> tuple[list[Line], str | None, str | None]:
    """Running headers and footers: margin lines repeated on most pages or, in a one-page document, where nothing
    repeats, margin lines set smaller than its text ("Sentra SX-5 | Installation Instructions | Form 4471")."""
    in_margin = [ln for ln in lines if ln.top < ln.page_height * _MARGIN or ln.bottom > ln.page_height * (1 - _MARGIN)]
    pages_of: dict[tuple[bool, str], set[int]] = {}  # (at the top, shape) -> pages
    for ln in in_margin:
        for key in shapes(ln.text):
            pages_of.setdefault((_at_top(ln), key), set()).add(ln.page)
    running_shapes = repeated(pages_of, pages)
    body_size = _body_size(lines) if pages == 1 else 0.0
    margin_ids = {id(ln) for ln in in_margin
                  if any((_at_top(ln), key) in running_shapes for key in shapes(ln.text))
                  or is_page_number(ln.text) or ln.size < body_size - 0.1}
    running = [ln for ln in in_margin if id(ln) in margin_ids]
    header = most_said(ln.text for ln in running if _at_top(ln))
    footer = most_said(ln.text for ln in running if not _at_top(ln))
    return [ln for ln in lines if id(ln) not in margin_ids], header, footer


def _at_top(line: Line) -> bool:
    return line.top < line.page_height * _MARGIN


def _body_size(lines: list[Line]) -> float:
    weights: Counter[float] = Counter()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _is_heading(line: Line, body: float) -> bool:
    text = line.text.strip()
    words = text.split()
    if not words or len(words) > _HEADING_MAX_WORDS or ADMONITION.match(text):
        return False
    if _MARKER.match(text + " ") and not (_NUMBERED_TITLE.match(text) and line.size >= body + _HEADING_SIZE_STEP):
        return False  # a list item; "1. Unit start" set in heading type is the first numbered section
    if line.cells and line.size < body + _HEADING_SIZE_STEP:
        return False  # a table's header row or a contents entry; set large, "CHAPTER 9    WIRING" is a heading
    if line.run_in and line.size < body + _HEADING_SIZE_STEP:
        return False  # a bold run-in title opens its paragraph; the outline cites the paragraph by it
    if text.endswith((",", ";")) or not re.search(r"[A-Za-z]", text):
        return False
    if line.size >= body + _HEADING_SIZE_STEP:
        return True
    if line.bold and (not text.endswith(".") or _CODE_SECTION.match(text)):
        return True  # codes print "901.6 Inspection, testing and maintenance." bold, period and all
    return line.size >= body - 0.1 and looks_like_numbered_heading(text)


def _blocks(lines: list[Line], tables: list[tuple[int, float, Block]], body: float) -> list[Block]:
    words = words_of(ln.text for ln in lines)
    heading_sizes = sorted({ln.size for ln in lines if _is_heading(ln, body)}, reverse=True)
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and 0 <= b.top - a.bottom < 40]
    usual_gap = sorted(gaps)[len(gaps) // 2] if gaps else 2.0
    items: list[tuple[int, float, Block]] = []
    current: list[Line] = []

    notes: set[int] = set()  # ids of the paragraphs that are footnotes

    def close() -> None:
        if current:
            block = paragraph(join_lines((ln.text for ln in current), words), page=current[0].page)
            items.append((current[0].page, _position(current[0]), block))
            if current[0].note:
                notes.add(id(block))
            current.clear()

    previous: Line | None = None
    pending_heading: list[Line] = []

    def close_heading() -> None:
        if pending_heading:
            first = pending_heading[0]
            level = heading_sizes.index(first.size) + 1 if first.size in heading_sizes else None
            said = " ".join(ln.text for ln in pending_heading)
            items.append((first.page, _position(first), heading(said, level=level, page=first.page)))
            pending_heading.clear()

    for line, following in zip(lines, [*lines[1:], None]):
        if (_is_heading(line, body) and not _is_caption(line.text) and not _wraps_on(line, following, body, usual_gap)
                and not _wrapped_cell(previous, line, usual_gap)):
            close()
            same = (pending_heading and pending_heading[-1].page == line.page and pending_heading[-1].size == line.size
                    and pending_heading[-1].region == line.region
                    and line.top - pending_heading[-1].bottom < usual_gap * 1.5
                    and parse_heading(line.text, None).number is None)  # "2 Electrical ratings" starts its own
            if not same:
                close_heading()
            pending_heading.append(line)
            previous = line
            continue
        close_heading()
        if previous is not None and current and _starts_paragraph(current[0], previous, line, usual_gap):
            close()
        current.append(line)
        previous = line
    close()
    close_heading()
    items += [(page, top, block) for page, top, block in tables]
    items.sort(key=lambda item: (item[0], item[1]))
    return attach_notes(continued_tables(attach_captions([block for _, _, block in items])), notes)


def _wraps_on(line: Line, following: Line | None, body: float, usual_gap: float) -> bool:
    """Whether a line that reads like a numbered heading only by its words ("4.2 Close the valve slowly until") is
    the first line of a sentence that goes on below it in lower case, as body text, not a heading, does."""
    if following is None or line.bold or line.size >= body + _HEADING_SIZE_STEP:
        return False
    return (following.page == line.page and following.region == line.region and following.text[:1].islower()
            and following.top - line.bottom <= usual_gap * 1.5 + 1)


def _wrapped_cell(previous: Line | None, line: Line, usual_gap: float) -> bool:
    """Whether a line is the rest of a header cell that wrapped ("Entering water / temperature, °F"): it sits tight
    under a line set in columns, so it is part of that row, not a heading of its own."""
    return (previous is not None and previous.cells and previous.page == line.page
            and previous.region == line.region and line.top - previous.bottom < usual_gap * 1.5)


def _position(line: Line) -> float:
    """A line's place in its page's reading order (the tables' `_order`)."""
    return line.region * 10_000 + line.top


def _is_caption(text: str) -> bool:
    return is_caption(text) or is_figure_caption(text)


_SIZE_CHANGE = 1.0  # points: a paragraph is set in one size; a caption or a note under it is smaller


def _starts_paragraph(first: Line, previous: Line, line: Line, usual_gap: float) -> bool:
    """Whether `line` opens a new paragraph after `previous`, the last line of the one that `first` opened."""
    if line.note or _MARKER.match(line.text.strip() + " ") or _is_caption(line.text):
        return True
    if abs(line.size - previous.size) >= _SIZE_CHANGE:
        return True
    if previous.page != line.page or previous.region != line.region:  # a paragraph may go on at the next column
        if _is_caption(first.text):
            return True  # a caption names what is on its page: the next page's first line is not part of it
        return line.text[:1].isupper() and previous.text.rstrip().endswith((".", ":", "!", "?"))
    if line.top - previous.bottom > usual_gap * 1.6 + 1:
        return True
    if (_CODE_SECTION.match(line.text) or line.run_in) and previous.text.rstrip().endswith((".", ":")):
        return True  # "3.2 Wiring. Terminate..." or "Trip point: the..." after a sentence's end: the next entry, run in
    if is_field(line) and is_field(first):
        return True  # "Location: ..." under "Code: MFC 912.3 (FDC access)": fields are lines, ended or not
    return previous.text.rstrip().endswith((".", ":")) and abs(line.x0 - previous.x0) > 8 and line.text[:1].isupper()
