"""Held-out knowledge-search evaluation set: the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (a small line markup, described in `KEYWORDS` below),
deterministically (`rl_config.invariant = 1`), with the standard fonts only, running headers and footers with page
numbers, bold headings, indented sub-clauses and real `Table`s with header rows.

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

# Markdown / text documents: filename -> title (None: let the ingest find one).
TEXT_DOCS: dict[str, str | None] = {
    "norcastle-nj40-jockey-controller.md": "Norcastle NJ-40 Jockey Pump Controller - Installation and Operation",
    "kumora-kmv6-vrf-outdoor-service.md": "Kumora KMV-6 VRF Outdoor Units - Service Guide",
    "altivue-beam-and-aspirating-detection.md":
        "Altivue ABD-120 Beam and AirTrace AT-4 Aspirating Detectors - Commissioning and Fault Reference",
    "eastbrook-campus-pm-procedures.txt": "Eastbrook Medical Campus - Facilities Preventive Maintenance Procedures",
    "corvane-sb-cx-2407-control-board.md": "Corvane Service Bulletin SB-CX-2407 - CB-7 control board",
    "altivue-tsb-0931-abd120-reflector.txt": None,
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "part-1929-fire-detection-employee-alarm.pdf": "part1929.pdfsrc",
    "part-82-subpart-j-halon-clean-agent.pdf": "part82j.pdfsrc",
    "brennholt-pmc200-pressure-maintenance-controller.pdf": "brennholt.pdfsrc",
    "marrowfield-mdv-dry-pipe-valve-mqa3-accelerator.pdf": "marrowfield.pdfsrc",
    "aerovanta-avx-s-vrf-outdoor-unit.pdf": "aerovanta.pdfsrc",
    "tessaline-tsa5-fk-5-1-12-clean-agent-system.pdf": "tessaline.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        document settings: title, style (reg|manual), header_left, header_right, footer,
#                     first_page_number (regulations print Federal Register page numbers)
#   T / ST / CL text  cover title, cover subtitle, cover line (manuals: first page, no running header)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   C0..C5 text       clause or sub-item indented by its level
#   WARNING / CAUTION / NOTE text   boxed notice
#   TABLE caption     then `@widths a,b,c` (fractions, optional), header row and rows split on " | ", then END
#   PAGEBREAK
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "C0", "C1", "C2", "C3", "C4", "C5", "WARNING", "CAUTION",
            "NOTE", "TABLE", "PAGEBREAK", "END")


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import (PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)

    meta, blocks = parse_markup((PDFSRC / src).read_text(encoding="utf-8"), keywords=KEYWORDS)
    reg = meta.get("style") == "reg"
    body_font = "Times-Roman" if reg else "Helvetica"
    body_size = 10.5 if reg else 9.5
    lead = body_size * 1.3

    body = ParagraphStyle("body", fontName=body_font, fontSize=body_size, leading=lead, spaceAfter=5)
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=14 if not reg else 12.5, leading=18,
                        spaceBefore=12, spaceAfter=6, keepWithNext=1)
    h2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11.5 if not reg else 11, leading=15,
                        spaceBefore=9, spaceAfter=4, keepWithNext=1)
    h3 = ParagraphStyle("h3", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=3,
                        keepWithNext=1)
    cover_t = ParagraphStyle("ct", fontName="Helvetica-Bold", fontSize=24, leading=30, alignment=TA_CENTER,
                             spaceBefore=120, spaceAfter=14)
    cover_st = ParagraphStyle("cst", fontName="Helvetica-Bold", fontSize=15, leading=20, alignment=TA_CENTER,
                              spaceAfter=10)
    cover_l = ParagraphStyle("cl", fontName="Helvetica", fontSize=11, leading=15, alignment=TA_CENTER,
                             spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8.5, leading=10.5)
    cell_h = ParagraphStyle("cellh", fontName="Helvetica-Bold", fontSize=8.5, leading=10.5)
    caption = ParagraphStyle("cap", fontName="Helvetica-Bold", fontSize=9.5, leading=12, spaceBefore=6,
                             spaceAfter=4, keepWithNext=1)
    notice = ParagraphStyle("notice", fontName="Helvetica", fontSize=9, leading=11.5)

    page_w, page_h = LETTER
    margin = 0.85 * inch
    frame_w = page_w - 2 * margin
    first_no = int(meta.get("first_page_number", "1"))
    cover = any(b[0] == "T" for b in blocks)

    def decorate(canvas, doc):
        n = doc.page
        if cover and n == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        top = page_h - 0.55 * inch
        canvas.drawString(margin, top, meta.get("header_left", ""))
        right = meta.get("header_right", "")
        if reg:
            right = f"{right} {first_no + n - 1}".strip()
        canvas.drawRightString(page_w - margin, top, right)
        canvas.setLineWidth(0.5)
        canvas.line(margin, top - 4, page_w - margin, top - 4)
        bottom = 0.5 * inch
        canvas.line(margin, bottom + 10, page_w - margin, bottom + 10)
        canvas.drawString(margin, bottom, meta.get("footer", ""))
        canvas.drawRightString(page_w - margin, bottom, f"Page {n}")
        canvas.restoreState()

    story = []
    for b in blocks:
        kind = b[0]
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind == "T":
            story.append(Paragraph(escape(b[1]), cover_t))
        elif kind == "ST":
            story.append(Paragraph(escape(b[1]), cover_st))
        elif kind == "CL":
            story.append(Paragraph(escape(b[1]), cover_l))
        elif kind in ("H1", "H2", "H3"):
            story.append(Paragraph(escape(b[1]), {"H1": h1, "H2": h2, "H3": h3}[kind]))
        elif kind == "P":
            story.append(Paragraph(escape(b[1]), body))
        elif kind in ("C0", "C1", "C2", "C3", "C4", "C5"):
            level = int(kind[1])
            style = ParagraphStyle(f"c{level}", parent=body, leftIndent=18 * level, spaceAfter=3.5)
            story.append(Paragraph(escape(b[1]), style))
        elif kind in ("WARNING", "CAUTION", "NOTE"):
            inner = Paragraph(f"<b>{kind}</b>  {escape(b[1])}", notice)
            box = Table([[inner]], colWidths=[frame_w - 20])
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2 if kind == "WARNING" else 0.7, colors.black),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                                     ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
            story.extend([Spacer(1, 4), box, Spacer(1, 6)])
        elif kind == "TABLE":
            _, cap, opts, rows = b
            data, col_w = table_cells(rows, widths=opts["widths"], width=frame_w, head=1, markup=escape,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            t = Table(data, colWidths=col_w, repeatRows=1)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]))
            story.append(Paragraph(escape(cap), caption))
            story.append(t)
            story.append(Spacer(1, 8))
    buf = io.BytesIO()
    title = meta.get("title")
    doc = SimpleDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=0.9 * inch,
                            bottomMargin=0.85 * inch, title=title or "", author=meta.get("author", ""),
                            subject="", creator="", producer="")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
