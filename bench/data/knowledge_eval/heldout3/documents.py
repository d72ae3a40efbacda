"""Third held-out knowledge-search evaluation set ("heldout3"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (a small line markup, described above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts is the way most manufacturer data sheets are really set: TABLES WITHOUT RULING LINES (no grid, no cell
borders, at most one rule under the header row), so a table's columns are only positions on the page; numbered
procedures as hanging indents whose continuation lines sit under the text, not the number; and a PDF whose title
exists only in its metadata and a small cover line, never as a heading.

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
    "vestra-vca-clean-agent-cylinder-installation.md":
        "Vestra VCA Series Clean Agent Cylinder Assemblies - Installation Guide",
    "dunmore-dfc-30-fire-pump-controller-quick-reference.txt": None,
    "emergency-lighting-test-log-guide.md": "Emergency Lighting Test Log Guide",
    "pemberly-prg-rooftop-seasonal-inspection-checklist.txt":
        "Pemberly PRG Rooftop Unit - Seasonal Inspection Checklist",
    "marren-19-mac-437-extinguisher-service-firms.txt":
        "19 MAC 437 - Portable Fire Extinguisher and Emergency Lighting Service Firms",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "ashcombe-bps-n-nac-booster-power-supply.pdf": "ashcombe.pdfsrc",
    "quillan-qpv-4-preaction-valve-trim-and-reset.pdf": "quillan.pdfsrc",
    "halvorsen-sb-24-117-hvr-outdoor-unit-bulletin.pdf": "halvorsen.pdfsrc",
    "teskor-dfm-make-up-air-sequence-of-operation.pdf": "teskor.pdfsrc",
    "aldermoor-acx-air-cooled-chiller-product-data.pdf": "aldermoor.pdfsrc",
    "sorrell-sfp-2-fire-alarm-panel-indicators.pdf": "sorrell.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata only), style (sheet|reg), header_left, header_right, footer
#   T / ST / CL text  cover title, subtitle, cover line (a document with T gets a cover page without running header)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   STEP n :: text    numbered step as a hanging indent (the number in the margin, wrapped lines under the text);
#                     STEP1 / STEP2 indent it by level
#   NOTE / CAUTION / WARNING text   notice: bold label, then text, indented, no box
#   TABLE caption     then optional `@widths a,b,c` (fractions) and `@rule` (one thin line under the header row,
#                     the only rule a table may have), header row and rows split on " | ", then END
#   PAGEBREAK
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "STEP", "STEP1", "STEP2", "NOTE", "CAUTION", "WARNING",
            "TABLE", "PAGEBREAK", "END")


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table, \
        TableStyle

    meta, blocks = parse_markup((PDFSRC / src).read_text(encoding="utf-8"), keywords=KEYWORDS,
                               table_options=("widths", "rule"))
    serif = meta.get("style", "sheet") == "reg"
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    size = 10.5 if serif else 9.5
    lead = size * 1.28

    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=lead, spaceAfter=4)
    heads = {
        "H1": ParagraphStyle("h1", fontName=bold_font, fontSize=14, leading=17, spaceBefore=8, spaceAfter=5,
                             keepWithNext=1),
        "H2": ParagraphStyle("h2", fontName=bold_font, fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=3,
                             keepWithNext=1),
        "H3": ParagraphStyle("h3", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=2,
                             keepWithNext=1),
    }
    covers = {
        "T": ParagraphStyle("ct", fontName="Helvetica-Bold", fontSize=24, leading=30, alignment=TA_CENTER,
                            spaceBefore=120, spaceAfter=8),
        "ST": ParagraphStyle("cst", fontName="Helvetica-Bold", fontSize=15, leading=20, alignment=TA_CENTER,
                             spaceAfter=6),
        "CL": ParagraphStyle("cl", fontName="Helvetica", fontSize=8, leading=10, spaceAfter=6),
    }
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8.5, leading=10.5)
    cell_h = ParagraphStyle("cellh", fontName=bold_font, fontSize=8.5, leading=10.5)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=3,
                             keepWithNext=1)

    page_w, page_h = LETTER
    margin = 0.8 * inch
    frame_w = page_w - 2 * margin
    cover = any(b[0] == "T" for b in blocks)

    def decorate(canvas, doc):
        n = doc.page
        if cover and n == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        top = page_h - 0.55 * inch
        canvas.drawString(margin, top, meta.get("header_left", ""))
        canvas.drawRightString(page_w - margin, top, meta.get("header_right", ""))
        bottom = 0.5 * inch
        canvas.drawString(margin, bottom, meta.get("footer", ""))
        canvas.drawRightString(page_w - margin, bottom, f"{n}")
        canvas.restoreState()

    story: list = []
    for b in blocks:
        kind = b[0]
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind in covers:
            story.append(Paragraph(escape(b[1]), covers[kind]))
        elif kind in heads:
            story.append(Paragraph(escape(b[1]), heads[kind]))
        elif kind == "P":
            story.append(Paragraph(escape(b[1]), body))
        elif kind.startswith("STEP"):
            number, _, text = b[1].partition(" :: ")
            level = int(kind[4:] or 0)
            hang = ParagraphStyle(f"step{level}", parent=body, leftIndent=22 + 18 * level, firstLineIndent=-22,
                                  spaceAfter=3)
            story.append(Paragraph(f"{escape(number)}&nbsp;&nbsp;{escape(text)}", hang))
        elif kind in ("NOTE", "CAUTION", "WARNING"):
            notice = ParagraphStyle("notice", parent=body, leftIndent=18, rightIndent=18, spaceBefore=3)
            story.append(Paragraph(f'<font name="{bold_font}">{kind}:</font> {escape(b[1])}', notice))
        elif kind == "TABLE":
            _, cap, opts, rows = b
            data, cws = table_cells(rows, widths=opts["widths"], width=frame_w, head=1, markup=escape,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
            if opts["ruling"] == "rule":
                commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.black))
            t = Table(data, colWidths=cws, repeatRows=1, hAlign="LEFT")
            t.setStyle(TableStyle(commands))
            if cap:
                story.append(Paragraph(escape(cap), caption))
            story.extend([t, Spacer(1, 8)])
    buf = io.BytesIO()
    title = meta.get("title")
    top, bottom = 0.85 * inch, 0.8 * inch
    doc = BaseDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=title or "", author=meta.get("author", ""), subject="",
                          creator="", producer="")
    doc.addPageTemplates([PageTemplate("body", [Frame(margin, bottom, frame_w, page_h - top - bottom, id="body",
                                                      leftPadding=0, rightPadding=0)], onPage=decorate)])
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
