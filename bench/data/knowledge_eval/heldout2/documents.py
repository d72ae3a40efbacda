"""Second held-out knowledge-search evaluation set ("heldout2"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (a small line markup, described above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. The layouts are the ones the other
two sets do not have: a two-column code chapter, run-in headings with hanging indents and footnotes, tables with the
models as columns, and a table that runs across a page break under a repeated header row.

This set is HELD OUT: nobody tuning knowledge search may read its questions.
"""

from __future__ import annotations

import functools
import io
import re
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
    "orvanel-ofp-816-programming-guide.md": "Orvanel OFP-816 Fire Alarm Control Panel - Programming Guide",
    "haskett-rp4-backflow-field-test-and-repair.txt":
        "Haskett RP-4 Reduced Pressure Backflow Assembly - Field Test and Repair Procedure",
    "fenwold-standby-power-and-fire-pump-engine-pm-schedule.md": None,
    "kitchen-hood-suppression-owner-faq.md": None,
    "tavistrom-tpg-rooftop-service-facts.txt": "Tavistrom TPG Gas/Electric Rooftop Unit - Service Facts",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "harrowgate-fire-code-chapter-9-excerpt.pdf": "harrowgate.pdfsrc",
    "quellmark-qrp-rooftop-unit-installation.pdf": "quellmark.pdfsrc",
    "pellworth-pw-series-sprinkler-data-sheet.pdf": "pellworth.pdfsrc",
    "strandvik-sprinkler-selection-guide.pdf": "strandvik.pdfsrc",
    "lindqvar-sb-2611-lx-panel-firmware.pdf": "lindqvar.pdfsrc",
    "wcarb-rule-4-410-refrigerant-leak-repair.pdf": "wcarb.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title, style (code|reg|manual|sheet), columns (1|2), header_left, header_right,
#                     footer, first_page_number
#   T / ST / CL text  title, subtitle, title line (one column: a cover page; two columns: the full-width banner)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   C0..C5 text       clause or sub-item indented by its level
#   RUNIN head :: text    paragraph opening with a bold run-in heading
#   HANG label :: text    hanging-indent paragraph: the label stands out in the left margin of the text;
#                         HANG1..HANG3 indent it by level
#   EXC text          an "Exception:" paragraph (italic label, indented)
#   FN text           footnote: small type under a short rule
#   WARNING / CAUTION / NOTE text   boxed notice
#   TABLE caption     then `@widths a,b,c` (optional fractions), header row and rows split on " | ", then END
#   PAGEBREAK / COLBREAK
# In text, `^1` is a superscript footnote mark.
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "C0", "C1", "C2", "C3", "C4", "C5", "RUNIN", "HANG", "HANG1",
            "HANG2", "HANG3", "EXC", "FN", "WARNING", "CAUTION", "NOTE", "TABLE", "PAGEBREAK", "COLBREAK", "END")


def _inline(text: str) -> str:
    """Paragraph markup for a line of source text: escaped, with `^n` footnote marks raised."""
    return re.sub(r"\^(\d+)", r"<super>\1</super>", escape(text))


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageBreak, PageTemplate,
                                    Paragraph, Spacer, Table, TableStyle)
    from reportlab.platypus.flowables import HRFlowable

    meta, blocks = parse_markup((PDFSRC / src).read_text(encoding="utf-8"), keywords=KEYWORDS,
                               bare=("PAGEBREAK", "COLBREAK"))
    style = meta.get("style", "manual")
    two = meta.get("columns") == "2"
    serif = style in ("code", "reg")
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    italic_font = "Times-Italic" if serif else "Helvetica-Oblique"
    body_size = 9.5 if two else (10.5 if serif else 9.5)
    lead = body_size * 1.28

    body = ParagraphStyle("body", fontName=body_font, fontSize=body_size, leading=lead, spaceAfter=4)
    h1 = ParagraphStyle("h1", fontName=bold_font, fontSize=12.5 if serif else 14, leading=17, spaceBefore=10,
                        spaceAfter=5, keepWithNext=1, alignment=TA_CENTER if two else 0)
    h2 = ParagraphStyle("h2", fontName=bold_font, fontSize=10.5 if serif else 11.5, leading=14, spaceBefore=8,
                        spaceAfter=3, keepWithNext=1)
    h3 = ParagraphStyle("h3", fontName=bold_font, fontSize=body_size, leading=lead, spaceBefore=5, spaceAfter=2,
                        keepWithNext=1)
    cover_t = ParagraphStyle("ct", fontName="Helvetica-Bold", fontSize=18 if two else 24, leading=22 if two else 30,
                             alignment=TA_CENTER, spaceBefore=0 if two else 120, spaceAfter=8)
    cover_st = ParagraphStyle("cst", fontName="Helvetica-Bold", fontSize=12 if two else 15, leading=16 if two else 20,
                              alignment=TA_CENTER, spaceAfter=6)
    cover_l = ParagraphStyle("cl", fontName="Helvetica", fontSize=9.5 if two else 11, leading=13 if two else 15,
                             alignment=TA_CENTER, spaceAfter=3)
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8 if two else 8.5, leading=10 if two else 10.5)
    cell_h = ParagraphStyle("cellh", fontName="Helvetica-Bold", fontSize=8 if two else 8.5, leading=10 if two else 10.5)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=body_size, leading=lead, spaceBefore=5,
                             spaceAfter=3, keepWithNext=1, alignment=TA_CENTER if two else 0)
    notice = ParagraphStyle("notice", fontName="Helvetica", fontSize=9, leading=11.5)
    footnote = ParagraphStyle("fn", fontName=body_font, fontSize=7.5, leading=9.5, leftIndent=10,
                              firstLineIndent=-10, spaceAfter=2)

    page_w, page_h = LETTER
    margin = 0.8 * inch
    frame_w = page_w - 2 * margin
    gutter = 0.3 * inch
    col_w = (frame_w - gutter) / 2 if two else frame_w
    first_no = int(meta.get("first_page_number", "1"))
    cover = not two and any(b[0] == "T" for b in blocks)

    def decorate(canvas, doc):
        n = doc.page
        if cover and n == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        top = page_h - 0.55 * inch
        canvas.drawString(margin, top, meta.get("header_left", ""))
        canvas.drawRightString(page_w - margin, top, meta.get("header_right", ""))
        canvas.setLineWidth(0.5)
        canvas.line(margin, top - 4, page_w - margin, top - 4)
        bottom = 0.5 * inch
        canvas.line(margin, bottom + 10, page_w - margin, bottom + 10)
        canvas.drawString(margin, bottom, meta.get("footer", ""))
        number = f"{first_no + n - 1}" if style == "code" else f"Page {n}"
        canvas.drawRightString(page_w - margin, bottom, number)
        if two:
            canvas.line(page_w / 2, 0.85 * inch, page_w / 2, page_h - 0.9 * inch - (1.6 * inch if n == 1 else 0))
        canvas.restoreState()

    story: list = []
    banner_done = False
    for b in blocks:
        kind = b[0]
        if two and not banner_done and kind not in ("T", "ST", "CL"):
            story.extend([FrameBreak(), NextPageTemplate("later")])
            banner_done = True
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind == "COLBREAK":
            story.append(FrameBreak())
        elif kind == "T":
            story.append(Paragraph(escape(b[1]), cover_t))
        elif kind == "ST":
            story.append(Paragraph(escape(b[1]), cover_st))
        elif kind == "CL":
            story.append(Paragraph(escape(b[1]), cover_l))
        elif kind in ("H1", "H2", "H3"):
            story.append(Paragraph(escape(b[1]), {"H1": h1, "H2": h2, "H3": h3}[kind]))
        elif kind == "P":
            story.append(Paragraph(_inline(b[1]), body))
        elif kind in ("C0", "C1", "C2", "C3", "C4", "C5"):
            level = int(kind[1])
            story.append(Paragraph(_inline(b[1]), ParagraphStyle(f"c{level}", parent=body, leftIndent=14 * level,
                                                                spaceAfter=3)))
        elif kind == "RUNIN":
            head, _, text = b[1].partition(" :: ")
            story.append(Paragraph(f'<font name="{bold_font}">{escape(head)}</font> {_inline(text)}', body))
        elif kind.startswith("HANG"):
            label, _, text = b[1].partition(" :: ")
            level = int(kind[4:] or 0)
            hang = ParagraphStyle("hang", parent=body, leftIndent=30 + 20 * level, firstLineIndent=-30, spaceAfter=3)
            story.append(Paragraph(f'<font name="{bold_font}">{escape(label)}</font>  {_inline(text)}', hang))
        elif kind == "EXC":
            exc = ParagraphStyle("exc", parent=body, leftIndent=12, fontSize=body_size - 0.5)
            story.append(Paragraph(f'<font name="{italic_font}">Exception:</font> {_inline(b[1])}', exc))
        elif kind == "FN":
            if not story or not isinstance(story[-1], Paragraph) or story[-1].style is not footnote:
                story.append(HRFlowable(width="30%", thickness=0.5, color=colors.black, hAlign="LEFT",
                                        spaceBefore=6, spaceAfter=3))
            story.append(Paragraph(_inline(b[1]), footnote))
        elif kind in ("WARNING", "CAUTION", "NOTE"):
            inner = Paragraph(f"<b>{kind}</b>  {escape(b[1])}", notice)
            box = Table([[inner]], colWidths=[col_w - 20])
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2 if kind == "WARNING" else 0.7, colors.black),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                                     ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
            story.extend([Spacer(1, 4), box, Spacer(1, 6)])
        elif kind == "TABLE":
            _, cap, opts, rows = b
            data, cws = table_cells(rows, widths=opts["widths"], width=col_w, head=1, markup=escape,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            t = Table(data, colWidths=cws, repeatRows=1)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]))
            story.append(Paragraph(escape(cap), caption))
            story.append(t)
            story.append(Spacer(1, 8))
    buf = io.BytesIO()
    title = meta.get("title")
    top, bottom = 0.9 * inch, 0.85 * inch
    doc = BaseDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=title or "", author=meta.get("author", ""), subject="",
                          creator="", producer="")
    body_h = page_h - top - bottom
    if two:
        banner = 1.6 * inch
        cols = [Frame(margin + k * (col_w + gutter), bottom, col_w, body_h - (banner if first else 0),
                      id=f"col{k}{'f' if first else ''}", leftPadding=0, rightPadding=0)
                for first in (True, False) for k in (0, 1)]
        title_frame = Frame(margin, page_h - top - banner, frame_w, banner, id="banner", leftPadding=0,
                            rightPadding=0)
        templates = [PageTemplate("first", [title_frame, cols[0], cols[1]], onPage=decorate),
                     PageTemplate("later", [cols[2], cols[3]], onPage=decorate)]
    else:
        one = Frame(margin, bottom, frame_w, body_h, id="body", leftPadding=0, rightPadding=0)
        templates = [PageTemplate("body", [one], onPage=decorate)]
    doc.addPageTemplates(templates)
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
