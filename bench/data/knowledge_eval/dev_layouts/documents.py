"""Development set "dev_layouts": page layouts that a PDF reader must not misread as columns, beside real columns.

`documents()` returns the set as uploads (`../set_markup.py`): nine PDFs built here with reportlab from the sources
in `pdfsrc/` (the shared line markup, keywords listed above `KEYWORDS`), deterministically (`rl_config.invariant =
1`) and with the standard fonts only. Each source names its page layout with `@layout`:

- `flow`: text set in `@columns` 1, 2 or 3 newspaper columns (`@landscape yes` for a tri-fold brochure), under a
  full-width band on page 1 when the source opens with BAND lines, a thin rule between the columns with `@rule yes`;
  on a one-column page, BALANCED ... ACROSS sets a stretch in two balanced columns and goes on across the page (a
  catalogue's introduction over its full-width price list, a standard's definitions over its frequency table);
- `bilingual`: English and Spanish side by side, each pair of paragraphs set on one row (BIH / BIP en :: es);
- `slides`: landscape slides, a framed slide of big bullets with the speaker's notes set under it across the page;
- `form`: a start-up report of drawn blanks with the expected reading in brackets at the right and check boxes.

Written from the blind heldout10's README descriptions of its layouts (never its files) and from common real
layouts (two-column data sheets with a spec table in one column, three-column brochures), to find which layouts a
column reader misreads. A development set: tuned on.

First runs (session 17, `--no-chat`, R@1 / R@3 / MRR / span, 73 questions): main 0.918 / 0.945 / 0.932 / 0.877; the
s16 column reader (778dfcd + 8d3dadf) 0.877 / 0.904 / 0.888 / 0.836, its three losses the catalogue's price lists,
cut at the gutter of the two-column introduction above them; with tables across the page kept whole and three
columns read, 0.959 / 0.986 / 0.973 / 0.918 (the brochure's three answers found; the one miss left asks for the
start-up form's footer, dropped as a running line).
"""

from __future__ import annotations

import functools
import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # set_markup.py, shared by the sets, wherever this is loaded from

from set_markup import list_documents, parse_markup, table_cells, upload_documents  # noqa: E402

PDFSRC = HERE / "pdfsrc"

PDF_DOCS: dict[str, str] = {
    "hestmoor-hx-40-duct-smoke-detector-data-sheet.pdf": "hestmoor.pdfsrc",
    "lindqvale-clearair-service-plans-brochure.pdf": "lindqvale.pdfsrc",
    "tollan-kw-12-ductless-indoor-unit-guide-en-es.pdf": "tollan.pdfsrc",
    "brakefield-kitchen-hood-suppression-training-slides.pdf": "brakefield.pdfsrc",
    "ostrey-vx-series-control-valve-catalogue-and-price-list.pdf": "ostrey.pdfsrc",
    "marrick-standard-for-emergency-lighting-excerpt.pdf": "marrick.pdfsrc",
    "vessant-condensing-boiler-limited-warranty.pdf": "vessant.pdfsrc",
    "caldra-rtu-start-up-report-form.pdf": "caldra.pdfsrc",
    "skelby-sd-500-variable-frequency-drive-manual-chapter-3.pdf": "skelby.pdfsrc",
}

# --------------------------------------------------------------------------------------------------------------
#   @key value        title, layout (flow|bilingual|slides|form), columns (1-3), landscape, rule, header_left,
#                     header_right, footer, page_label (may hold {n})
#   BAND / BANDP text a full-width title line / smaller line above the columns of page 1
#   H1 / H2 / H3 text headings;  P text  paragraph;  STEP n :: text  numbered item, hanging indent
#   CLAUSE n :: title :: text   a numbered clause with its bold run-in title
#   NOTE text         bold "Note:" then text;  FOOT text  a small-type footnote line
#   TABLE caption     `@widths`, `@grid` or `@rule`, `@head n`, rows split on " | " ("-" empty), END
#   COLBREAK / PAGEBREAK
#   BALANCED / ACROSS  on a one-column page: the blocks from BALANCED to ACROSS balanced in two columns, then the
#                      page goes on across its width (a catalogue's introduction over its full-width price list)
#   BIH / BIP en :: es            bilingual heading / paragraph pair
#   SLIDE title / BULLET text / NOTES text   a slide, its bullets, its speaker notes
#   SECTION title / FIELD label :: unit :: expected / CHECK label :: options (comma-separated) / LINE text
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("BAND", "BANDP", "H1", "H2", "H3", "P", "STEP", "CLAUSE", "NOTE", "FOOT", "TABLE", "COLBREAK",
            "PAGEBREAK", "BALANCED", "ACROSS", "BIH", "BIP", "SLIDE", "BULLET", "NOTES", "SECTION", "FIELD", "CHECK",
            "LINE", "END")


def documents() -> list[dict]:
    return upload_documents(docs=HERE, text_docs={}, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


def _m(text: str) -> str:
    return escape(text)


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    meta, blocks = parse_markup((PDFSRC / src).read_text(encoding="utf-8"), keywords=KEYWORDS,
                                bare=("PAGEBREAK", "COLBREAK", "BALANCED", "ACROSS"),
                                table_options=("widths", "rule", "grid", "head"), empty_cell="-")
    builder = {"flow": _flow, "bilingual": _bilingual, "slides": _slides, "form": _form}[meta.get("layout", "flow")]
    buf = io.BytesIO()
    builder(meta, blocks, buf, src)
    return meta["title"], buf.getvalue()


def _styles(size: float = 9.0) -> dict:
    from reportlab.lib.styles import ParagraphStyle

    lead = size * 1.3
    return {
        "P": ParagraphStyle("body", fontName="Helvetica", fontSize=size, leading=lead, spaceAfter=4),
        "H1": ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=8, spaceAfter=5,
                             keepWithNext=1),
        "H2": ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=7,
                             spaceAfter=3, keepWithNext=1),
        "H3": ParagraphStyle("h3", fontName="Helvetica-Bold", fontSize=size, leading=lead, spaceBefore=5,
                             spaceAfter=2, keepWithNext=1),
        "BAND": ParagraphStyle("band", fontName="Helvetica-Bold", fontSize=17, leading=21, spaceAfter=4),
        "BANDP": ParagraphStyle("bandp", fontName="Helvetica", fontSize=9, leading=11.5, spaceAfter=2),
        "FOOT": ParagraphStyle("foot", fontName="Helvetica", fontSize=7.5, leading=9.5, spaceAfter=1.5),
        "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.8),
        "cellh": ParagraphStyle("cellh", fontName="Helvetica-Bold", fontSize=8, leading=9.8),
        "caption": ParagraphStyle("cap", fontName="Helvetica-Bold", fontSize=size, leading=lead, spaceBefore=5,
                                  spaceAfter=3, keepWithNext=1),
    }


def _decorate(meta: dict, margin: float, rule_x: list[float], rule_span: tuple[float, float]):
    from reportlab.lib.units import inch

    def decorate(canvas, doc):
        n = doc.page
        page_w, page_h = canvas._pagesize
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        at = {"n": n}
        canvas.drawString(margin, page_h - 0.45 * inch, meta.get("header_left", "").format(**at))
        canvas.drawRightString(page_w - margin, page_h - 0.45 * inch, meta.get("header_right", "").format(**at))
        canvas.drawString(margin, 0.4 * inch, meta.get("footer", "").format(**at))
        canvas.drawRightString(page_w - margin, 0.4 * inch, meta.get("page_label", "Page {n}").format(**at))
        if rule_x:
            canvas.setLineWidth(0.3)
            top = rule_span[1] - (doc.band_height if n == 1 else 0)
            for x in rule_x:
                canvas.line(x, rule_span[0], x, top)
        canvas.restoreState()
    return decorate


def _flow(meta: dict, blocks: list[tuple], buf: io.BytesIO, src: str) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageBreak, PageTemplate,
                                    Paragraph, Spacer, Table, TableStyle)
    from reportlab.platypus.flowables import BalancedColumns

    pagesize = landscape(LETTER) if meta.get("landscape") == "yes" else LETTER
    st = _styles(float(meta.get("size", "9")))
    margin, top, bottom = 0.75 * inch, 0.75 * inch, 0.7 * inch
    full = pagesize[0] - 2 * margin
    height = pagesize[1] - top - bottom
    columns = int(meta.get("columns", "1"))
    gutter = 0.3 * inch
    width = (full - gutter * (columns - 1)) / columns
    xs = [margin + i * (width + gutter) for i in range(columns)]
    banded = any(b[0] in ("BAND", "BANDP") for b in blocks)
    band = float(meta.get("band", "1.1")) * inch if banded else 0.0
    block_width = width

    page_story: list = []
    story = page_story
    if banded:
        story.append(NextPageTemplate("cols"))
    for b in blocks:
        kind = b[0]
        if kind == "BALANCED":
            story, block_width = [], (full - gutter) / 2
        elif kind == "ACROSS":
            page_story.append(BalancedColumns(story, nCols=2, innerPadding=gutter, leftPadding=0, rightPadding=0,
                                              topPadding=0, bottomPadding=0, spaceAfter=4))
            story, block_width = page_story, full
        elif kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind == "COLBREAK":
            story.append(FrameBreak())
        elif kind in ("H1", "H2", "H3", "P", "BAND", "BANDP", "FOOT"):
            story.append(Paragraph(_m(b[1]), st[kind]))
        elif kind == "NOTE":
            story.append(Paragraph(f'<font name="Helvetica-Bold">Note:</font> {_m(b[1])}', st["P"]))
        elif kind == "STEP":
            number, _, text = b[1].partition(" :: ")
            hang = ParagraphStyle("step", parent=st["P"], leftIndent=18, firstLineIndent=-18)
            story.append(Paragraph(f"{_m(number)}&nbsp;&nbsp;{_m(text)}", hang))
        elif kind == "CLAUSE":
            number, title, text = b[1].split(" :: ")
            hang = ParagraphStyle("clause", parent=st["P"], leftIndent=20, firstLineIndent=-20, spaceAfter=6)
            story.append(Paragraph(f'{_m(number)}&nbsp;&nbsp;<font name="Helvetica-Bold">{_m(title)}.</font> '
                                   f"{_m(text)}", hang))
        elif kind == "TABLE":
            _, cap, opts, rows = b
            head = opts["head"]
            data, cws = table_cells(rows, widths=opts["widths"], width=block_width, head=head, markup=_m,
                                     cell=st["cell"], cell_head=st["cellh"], where=f"{src}: {cap!r}")
            commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
            if opts["ruling"] == "grid":
                commands += [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
            elif opts["ruling"] == "rule":
                commands += [("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.black),
                             ("LINEBELOW", (0, head - 1), (-1, head - 1), 0.4, colors.black),
                             ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.black)]
            t = Table(data, colWidths=cws, repeatRows=head, hAlign="LEFT")
            t.setStyle(TableStyle(commands))
            if cap:
                story.append(Paragraph(_m(cap), st["caption"]))
            story.extend([t, Spacer(1, 6)])
    story = page_story
    doc = BaseDocTemplate(buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=meta["title"], author="", subject="", creator="", producer="")
    doc.band_height = band
    rule_x = [x - gutter / 2 for x in xs[1:]] if meta.get("rule") == "yes" else []
    decorate = _decorate(meta, margin, rule_x, (bottom, bottom + height))

    def frames(h: float) -> list:
        return [Frame(x, bottom, width, h, id=f"c{i}", leftPadding=0, rightPadding=0) for i, x in enumerate(xs)]

    templates = []
    if banded:
        banner = Frame(margin, bottom + height - band, full, band, id="band", leftPadding=0, rightPadding=0)
        templates.append(PageTemplate("first", [banner, *frames(height - band)], onPageEnd=decorate,
                                      pagesize=pagesize))
    templates.append(PageTemplate("cols", frames(height), onPageEnd=decorate, pagesize=pagesize))
    doc.addPageTemplates(templates)
    doc.build(story)


def _bilingual(meta: dict, blocks: list[tuple], buf: io.BytesIO, src: str) -> None:
    """Each English paragraph on the left and its Spanish on the right, on one row: how bilingual guides keep the
    two languages level with each other."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

    st = _styles(9)
    margin, top, bottom = 0.75 * inch, 0.75 * inch, 0.7 * inch
    full = LETTER[0] - 2 * margin
    rows = []
    story: list = []
    for b in blocks:
        if b[0] in ("H1", "BAND"):
            story.append(Paragraph(_m(b[1]), st["H1"]))
            continue
        en, _, es = b[1].partition(" :: ")
        style = st["H2"] if b[0] == "BIH" else st["P"]
        rows.append([Paragraph(_m(en), style), Paragraph(_m(es), style)])
    col = (full - 0.35 * inch) / 2
    t = Table(rows, colWidths=[col + 0.35 * inch / 2] * 2, hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0.35 * inch / 2),
                           ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    story.append(t)
    doc = BaseDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=meta["title"], author="", subject="", creator="", producer="")
    decorate = _decorate(meta, margin, [], (0, 0))
    doc.addPageTemplates([PageTemplate("body", [Frame(margin, bottom, full, LETTER[1] - top - bottom,
                                                      leftPadding=0, rightPadding=0)], onPageEnd=decorate)])
    doc.build(story)


def _slides(meta: dict, blocks: list[tuple], buf: io.BytesIO, src: str) -> None:
    """A deck exported with its notes: on each landscape page the slide in a frame, its title and big bullets, and
    under it, across the page, what the trainer says."""
    from reportlab.lib.pagesizes import LETTER, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    w, h = landscape(LETTER)
    c = Canvas(buf, pagesize=(w, h), invariant=1)
    c.setTitle(meta["title"])
    bullet = ParagraphStyle("bullet", fontName="Helvetica", fontSize=18, leading=23, leftIndent=20,
                            firstLineIndent=-14)
    notes = ParagraphStyle("notes", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=4)
    slides: list[dict] = []
    for b in blocks:
        if b[0] == "SLIDE":
            slides.append({"title": b[1], "bullets": [], "notes": []})
        elif b[0] == "BULLET":
            slides[-1]["bullets"].append(b[1])
        elif b[0] == "NOTES":
            slides[-1]["notes"].append(b[1])
    frame_x, frame_w, frame_top, frame_bottom = 120, w - 240, h - 36, h * 0.47
    for n, slide in enumerate(slides, start=1):
        c.setLineWidth(0.8)
        c.rect(frame_x, frame_bottom, frame_w, frame_top - frame_bottom)
        c.setFont("Helvetica-Bold", 24)
        c.drawString(frame_x + 24, frame_top - 44, slide["title"])
        y = frame_top - 64
        for text in slide["bullets"]:
            p = Paragraph(f"-&nbsp;&nbsp;{_m(text)}", bullet)
            _, ph = p.wrapOn(c, frame_w - 60, 200)
            y -= ph + 4
            p.drawOn(c, frame_x + 30, y)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(54, frame_bottom - 22, "Speaker notes")
        y = frame_bottom - 28
        for text in slide["notes"]:
            p = Paragraph(_m(text), notes)
            _, ph = p.wrapOn(c, w - 108, 300)
            y -= ph
            p.drawOn(c, 54, y)
            y -= 4
        c.setFont("Helvetica", 7)
        c.drawString(54, 24, meta.get("footer", ""))
        c.drawRightString(w - 54, 24, f"Slide {n}")
        c.showPage()
    c.save()


def _form(meta: dict, blocks: list[tuple], buf: io.BytesIO, src: str) -> None:
    """A start-up report as printed for a pen: each reading's label at the left, a drawn blank with its unit, and
    the expected reading in brackets at the right; yes/no questions with drawn check boxes."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    w, h = LETTER
    c = Canvas(buf, pagesize=(w, h), invariant=1)
    c.setTitle(meta["title"])
    y = h - 54
    page = 1
    fields_top: float | None = None  # the expected readings sit right of a rule drawn down the form's readings

    def footer() -> None:
        if fields_top is not None:
            c.setLineWidth(0.4)
            c.line(372, fields_top, 372, y + 8)
        c.setFont("Helvetica", 7)
        c.drawString(54, 28, meta.get("footer", ""))
        c.drawRightString(w - 54, 28, f"Page {page}")

    for b in blocks:
        kind = b[0]
        if y < 80 or kind == "PAGEBREAK":
            footer()
            c.showPage()
            page += 1
            y = h - 54
            fields_top = None
            if kind == "PAGEBREAK":
                continue
        if kind == "H1":
            c.setFont("Helvetica-Bold", 15)
            c.drawString(54, y, b[1])
            y -= 22
        elif kind == "LINE":
            if fields_top is not None:
                c.setLineWidth(0.4)
                c.line(372, fields_top, 372, y + 8)
                fields_top = None
            c.setFont("Helvetica", 8.5)
            c.drawString(54, y, b[1])
            y -= 14
        elif kind == "SECTION":
            y -= 6
            c.setFillGray(0.88)
            c.rect(54, y - 4, w - 108, 15, stroke=0, fill=1)
            c.setFillGray(0)
            c.setFont("Helvetica-Bold", 10)
            c.drawString(58, y, b[1])
            y -= 20
        elif kind == "FIELD":
            if fields_top is None:
                fields_top = y + 12
            label, unit, expected = b[1].split(" :: ")
            c.setFont("Helvetica", 9)
            c.drawString(54, y, label)
            c.setLineWidth(0.5)
            c.line(262, y - 2, 330, y - 2)
            c.drawString(334, y, unit)
            c.drawString(384, y, f"[{expected}]" if expected != "-" else "")
            y -= 17
        elif kind == "CHECK":
            label, options = b[1].split(" :: ")
            c.setFont("Helvetica", 9)
            c.drawString(54, y, label)
            x = 384
            for option in options.split(", "):
                c.rect(x, y - 1, 8, 8)
                c.drawString(x + 11, y, option)
                x += 14 + c.stringWidth(option, "Helvetica", 9) + 12
            y -= 17
    footer()
    c.showPage()
    c.save()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
