"""Seventh held-out knowledge-search evaluation set ("heldout7"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (the shared line markup, keywords listed above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts: manufacturer manuals set in TWO NEWSPAPER COLUMNS under a full-width title band, as two SIBLING
manuals of one brand for adjacent models with the same sections and different values; an owner's inspection,
testing and maintenance program as one "Component | Activity | Frequency | Reference" table over several pages; a
Safety Data Sheet in its sixteen "SECTION n:" parts; an operation manual whose only headings are ALL-CAPS lines
without numbers, with dual units, fractions, en-dash ranges, "±" and "°F", and page footers "Doc ... Rev C  Page n
of N"; an insurer's loss prevention data sheet numbered to four levels (2.1.1.1) with Commentary paragraphs
interleaved; a long letter with no headings at all.

The text documents add a tech-support e-mail thread whose answers sit in replies above "> " quoted text, and a
Markdown alarm-response matrix whose cells hold several lines joined by `<br>`.

This set is HELD OUT: nobody tuning knowledge search may read its questions.
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

DOCS = HERE / "docs"
PDFSRC = HERE / "pdfsrc"

# Markdown / text documents: filename -> title (None: uploaded without one, as technicians often do).
TEXT_DOCS: dict[str, str | None] = {
    "quayside-controls-support-thread-zb-14-damper-actuators.txt": None,
    "marlstone-hospital-bas-alarm-response-matrix.md": "Marlstone General Hospital - BAS Alarm Response Matrix",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "brisvane-xr-200-dry-system-air-compressor-manual.pdf": "brisvane200.pdfsrc",
    "brisvane-xr-300-dry-system-air-compressor-manual.pdf": "brisvane300.pdfsrc",
    "wrenfield-logistics-building-3-owner-itm-program.pdf": "wrenfield.pdfsrc",
    "norvane-nr-32-refrigerant-safety-data-sheet.pdf": "norvane.pdfsrc",
    "halbrook-hgc-8-garage-gas-detection-controller-manual.pdf": "halbrook.pdfsrc",
    "ardwick-mutual-data-sheet-7-14-cooling-towers.pdf": "ardwick.pdfsrc",
    "tenbury-fire-letter-calder-court-annual-inspection.pdf": "tenbury.pdfsrc",
    "vennick-vrt-infrared-tube-heater-installation-and-service.pdf": "vennick.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata), style (sheet|reg|letter), columns (2: two newspaper columns
#                     below a full-width band on page 1, two columns on every later page), header_left,
#                     header_right, footer, page_label (may hold {n})
#   BAND text         a full-width title line in the band above the columns (two-column documents only)
#   BANDP text        a full-width line of smaller type in the band
#   COLBREAK          end the band, or go on in the next column
#   CAPS text         a heading that is an ALL-CAPS line without a number (bold, body size + 1)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   STEP n :: text    numbered item as a hanging indent
#   REC n :: text     an insurer's numbered recommendation (bold number, hanging indent)
#   COMMENTARY text   an indented italic paragraph labelled "Commentary:"
#   NOTE text         notice: bold label, then text, indented
#   WARNING / CAUTION text   the same label and text inside a ruled box
#   RUN label :: text run-in paragraph: the bold label, then the text on the same line
#   TABLE caption     then optional `@widths a,b,c`, `@grid` or `@rule`, `@head n` (header rows, repeated on a new
#                     page), then rows split on " | " ("-" alone is an empty cell), then END
#   PAGEBREAK
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("BAND", "BANDP", "CAPS", "H1", "H2", "H3", "P", "STEP", "REC", "COMMENTARY", "NOTE", "WARNING",
            "CAUTION", "RUN", "TABLE", "PAGEBREAK", "COLBREAK", "END")
BOXED = ("WARNING", "CAUTION")


def _markup(text: str) -> str:
    return escape(text)


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageBreak, PageTemplate, \
        Paragraph, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import BalancedColumns

    meta, blocks = parse_markup((PDFSRC / src).read_text(encoding="utf-8"), keywords=KEYWORDS,
                                bare=("PAGEBREAK", "COLBREAK"), table_options=("widths", "rule", "grid", "head"),
                                empty_cell="-")
    style = meta.get("style", "sheet")
    serif = style in ("reg", "letter")
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    italic_font = "Times-Italic" if serif else "Helvetica-Oblique"
    size = 11 if style == "letter" else (10 if serif else 9)
    lead = size * 1.3

    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=lead, spaceAfter=5 if style == "letter"
                          else 4, alignment=TA_LEFT)
    heads = {
        "H1": ParagraphStyle("h1", fontName=bold_font, fontSize=13, leading=16, spaceBefore=8, spaceAfter=5,
                             keepWithNext=1),
        "H2": ParagraphStyle("h2", fontName=bold_font, fontSize=10.5, leading=13, spaceBefore=7, spaceAfter=3,
                             keepWithNext=1),
        "H3": ParagraphStyle("h3", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=2,
                             keepWithNext=1),
        "CAPS": ParagraphStyle("caps", fontName=bold_font, fontSize=size + 1, leading=lead + 1, spaceBefore=8,
                               spaceAfter=3, keepWithNext=1),
        "BAND": ParagraphStyle("band", fontName="Helvetica-Bold", fontSize=17, leading=21, spaceAfter=4),
        "BANDP": ParagraphStyle("bandp", fontName="Helvetica", fontSize=9, leading=11.5, spaceAfter=2),
    }
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8, leading=9.8)
    cell_h = ParagraphStyle("cellh", fontName=bold_font, fontSize=8, leading=9.8)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=3,
                             keepWithNext=1)
    body_caption = ParagraphStyle("cap_long", parent=caption, keepWithNext=0)
    commentary = ParagraphStyle("com", fontName=italic_font, fontSize=size - 0.5, leading=lead, leftIndent=36,
                                spaceAfter=5)

    margin = 0.75 * inch
    top, bottom = 0.75 * inch, 0.7 * inch
    full = LETTER[0] - 2 * margin
    height = LETTER[1] - top - bottom
    balanced = meta.get("columns") == "balanced"  # headings across the page, the text under each in two columns
    columns = 2 if balanced else int(meta.get("columns", "1"))
    gutter = 0.3 * inch
    width = (full - gutter) / 2 if columns == 2 else full  # the width a block is set in

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
        if columns == 2 and not balanced:  # a thin rule between the columns, as manuals print it
            x = margin + width + gutter / 2
            canvas.setLineWidth(0.3)
            canvas.line(x, bottom, x, page_h - top - (float(meta.get("band", "1.3")) * inch if n == 1 else 0))
        canvas.restoreState()

    story: list = []
    if columns == 2 and not balanced:
        story.append(NextPageTemplate("cols"))
    group: list = []  # balanced layout: the blocks since the last heading, set in two columns under it
    page_story = story

    def close_group() -> None:
        if group:
            page_story.append(BalancedColumns(list(group), nCols=2, spaceBefore=0, spaceAfter=4,
                                              innerPadding=0, leftPadding=0, rightPadding=0,
                                              topPadding=0, bottomPadding=0))
            group.clear()

    for b in blocks:
        kind = b[0]
        if balanced:
            if kind in heads:
                close_group()
                story = page_story
            elif story is page_story:
                story = group
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind == "COLBREAK":
            story.append(FrameBreak())
        elif kind in heads:
            story.append(Paragraph(_markup(b[1]), heads[kind]))
        elif kind == "P":
            story.append(Paragraph(_markup(b[1]), body))
        elif kind == "RUN":
            label, _, text = b[1].partition(" :: ")
            story.append(Paragraph(f'<font name="{bold_font}">{_markup(label)}</font> {_markup(text)}', body))
        elif kind in ("STEP", "REC"):
            number, _, text = b[1].partition(" :: ")
            hang = ParagraphStyle(kind, parent=body, leftIndent=36, firstLineIndent=-36, spaceAfter=4)
            num = f'<font name="{bold_font}">{_markup(number)}</font>' if kind == "REC" else _markup(number)
            story.append(Paragraph(f"{num}&nbsp;&nbsp;{_markup(text)}", hang))
        elif kind == "COMMENTARY":
            story.append(Paragraph(f'<font name="{bold_font}">Commentary:</font> {_markup(b[1])}', commentary))
        elif kind == "NOTE":
            notice = ParagraphStyle("notice", parent=body, leftIndent=12, rightIndent=6, spaceBefore=2)
            story.append(Paragraph(f'<font name="{bold_font}">Note:</font> {_markup(b[1])}', notice))
        elif kind in BOXED:
            label = Paragraph(f'<font name="{bold_font}">{kind}</font>', body)
            box = Table([[label], [Paragraph(_markup(b[1]), body)]], colWidths=[width - 12], hAlign="CENTER")
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                                     ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]))
            story.extend([Spacer(1, 3), box, Spacer(1, 6)])
        elif kind == "TABLE":
            _, cap, opts, rows = b
            head = opts["head"]
            data, cws = table_cells(rows, widths=opts["widths"], width=width, head=head, markup=_markup,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
            if opts["ruling"] == "grid":
                commands += [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                             ("BACKGROUND", (0, 0), (-1, head - 1), colors.HexColor("#e4e4e4"))]
            elif opts["ruling"] == "rule":
                commands += [("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.black),
                             ("LINEBELOW", (0, head - 1), (-1, head - 1), 0.4, colors.black),
                             ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.black)]
            t = Table(data, colWidths=cws, repeatRows=head, hAlign="LEFT")
            t.setStyle(TableStyle(commands))
            if cap:  # a long table may start low on a page and go on over the next, its header repeated
                story.append(Paragraph(_markup(cap), caption if len(rows) <= 15 else body_caption))
            story.extend([t, Spacer(1, 6)])
    if balanced:
        close_group()
        story = page_story
    buf = io.BytesIO()
    title = meta.get("title")
    doc = BaseDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=title or "", author=meta.get("author", ""), subject="",
                          creator="", producer="")
    if columns == 2 and not balanced:
        band = float(meta.get("band", "1.3")) * inch
        right_x = margin + width + gutter

        def cols(first: bool) -> list:
            h = height - band if first else height
            return [Frame(margin, bottom, width, h, id="left", leftPadding=0, rightPadding=0),
                    Frame(right_x, bottom, width, h, id="right", leftPadding=0, rightPadding=0)]

        banner = Frame(margin, bottom + height - band, full, band, id="band", leftPadding=0, rightPadding=0)
        doc.addPageTemplates([PageTemplate("first", [banner, *cols(True)], onPageEnd=decorate, pagesize=LETTER),
                              PageTemplate("cols", cols(False), onPageEnd=decorate, pagesize=LETTER)])
    else:
        frame = Frame(margin, bottom, full, height, id="body", leftPadding=0, rightPadding=0)
        doc.addPageTemplates([PageTemplate("body", [frame], onPageEnd=decorate, pagesize=LETTER)])
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
