"""Fourth held-out knowledge-search evaluation set ("heldout4"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (a small line markup, described above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts: a PDF whose headings are bold text of the body's own size (no larger font anywhere); answers that sit
in "Note:" blocks, "Exception:" paragraphs and footnotes; a memo-style bulletin; a troubleshooting chart whose
symptom cell is empty for all but the first cause. It also sets fresh instances of layouts heldout2 introduced: a
regulation in TWO COLUMNS (here with (a)(1)(i) clauses as hanging indents), a fault-code table in a ruled grid that
runs over a page break (header repeated, no caption) and a spec sheet whose models are the COLUMNS (here with
superscript footnote markers inside the cells).

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
    "norbury-property-services-fls-inspection-frequency-schedule.md":
        "Norbury Property Services - Fire and Life Safety Inspection and Testing Frequency Schedule",
    "caldris-mechanical-sop-rf-04-refrigerant-leak-repair.txt": None,
    "thorncliff-tfa-1200-firmware-release-notes.txt":
        "Thorncliff TFA-1200 Fire Alarm Control Panel - Firmware Release Notes",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "tolverne-tcb-condensing-boiler-installation-manual.pdf": "tolverne.pdfsrc",
    "kelso-county-fire-prevention-code-chapter-9.pdf": "kelso.pdfsrc",
    "quenby-fsb-0712-qr56-sprinkler-bulletin.pdf": "quenby.pdfsrc",
    "wexley-wvx-vrf-indoor-unit-fault-codes.pdf": "wexley.pdfsrc",
    "ingleby-ihx-packaged-heat-pump-specifications.pdf": "ingleby.pdfsrc",
    "draycott-dng-nitrogen-generator-troubleshooting.pdf": "draycott.pdfsrc",
    "ravensby-rwc-kitchen-system-semiannual-service.pdf": "ravensby.pdfsrc",
    "penrose-portable-extinguisher-selection-and-placement.pdf": "penrose.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata), style (sheet|reg), columns (1|2), headings (sized|body: bold
#                     text of the body's size), header_left, header_right, footer
#   T / ST / CL text  cover title, subtitle, cover line (a document with T gets a cover page without running header)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   STEP n :: text    numbered step or clause as a hanging indent; STEP1 / STEP2 / STEP3 indent it by level
#   NOTE / CAUTION / WARNING / EXCEPTION text   notice: bold "Note:" style label, then text, indented, no box
#   FN text           footnote: small type, e.g. "1 Charge is factory..." under a table
#   TABLE caption     then optional `@widths a,b,c` (fractions), `@grid` (ruled grid) or `@rule` (a line under the
#                     header row), header row and rows split on " | " (a row opening with "| " has an empty
#                     first cell), then END
#   PAGEBREAK
# In any text, ^n sets n as a superscript footnote marker.
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "STEP", "STEP1", "STEP2", "STEP3", "NOTE", "CAUTION",
            "WARNING", "EXCEPTION", "FN", "TABLE", "PAGEBREAK", "END")


def _markup(text: str) -> str:
    """Escaped text with ^n footnote markers set as superscripts."""
    return re.sub(r"\^(\d+)", r"<super>\1</super>", escape(text))


@functools.lru_cache(maxsize=None)
def build_pdf(src: str, pdfsrc: Path = PDFSRC) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table, \
        TableStyle

    meta, blocks = parse_markup((pdfsrc / src).read_text(encoding="utf-8"), keywords=KEYWORDS,
                               table_options=("widths", "rule", "grid"))
    serif = meta.get("style", "sheet") == "reg"
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    size = 10 if serif else 9.5
    lead = size * 1.25

    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=lead, spaceAfter=4)
    if meta.get("headings") == "body":  # headings only bold, at the body's size
        heads = {h: ParagraphStyle(h, fontName=bold_font, fontSize=size, leading=lead, spaceBefore=6, spaceAfter=2,
                                   keepWithNext=1) for h in ("H1", "H2", "H3")}
    else:
        heads = {
            "H1": ParagraphStyle("h1", fontName=bold_font, fontSize=14, leading=17, spaceBefore=8, spaceAfter=5,
                                 keepWithNext=1),
            "H2": ParagraphStyle("h2", fontName=bold_font, fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=3,
                                 keepWithNext=1),
            "H3": ParagraphStyle("h3", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=2,
                                 keepWithNext=1),
        }
    covers = {
        "T": ParagraphStyle("ct", fontName="Helvetica-Bold", fontSize=22, leading=28, alignment=TA_CENTER,
                            spaceBefore=110, spaceAfter=8),
        "ST": ParagraphStyle("cst", fontName="Helvetica-Bold", fontSize=14, leading=19, alignment=TA_CENTER,
                             spaceAfter=6),
        "CL": ParagraphStyle("cl", fontName="Helvetica", fontSize=8, leading=10, alignment=TA_CENTER, spaceAfter=6),
    }
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8.5, leading=10.5)
    cell_h = ParagraphStyle("cellh", fontName=bold_font, fontSize=8.5, leading=10.5)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=3,
                             keepWithNext=1)
    footnote = ParagraphStyle("fn", fontName=body_font, fontSize=7.5, leading=9.5, spaceAfter=1.5)

    page_w, page_h = LETTER
    margin = 0.75 * inch
    frame_w = page_w - 2 * margin
    columns = int(meta.get("columns", "1"))
    gutter = 0.3 * inch
    column_w = (frame_w - gutter * (columns - 1)) / columns
    cover = any(b[0] == "T" for b in blocks)

    def decorate(canvas, doc):
        n = doc.page
        if cover and n == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        top = page_h - 0.5 * inch
        canvas.drawString(margin, top, meta.get("header_left", ""))
        canvas.drawRightString(page_w - margin, top, meta.get("header_right", ""))
        bottom = 0.45 * inch
        canvas.drawString(margin, bottom, meta.get("footer", ""))
        canvas.drawRightString(page_w - margin, bottom, meta.get("page_label", "Page {n}").format(n=n))
        canvas.restoreState()

    story: list = []
    for b in blocks:
        kind = b[0]
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind in covers:
            story.append(Paragraph(_markup(b[1]), covers[kind]))
        elif kind in heads:
            story.append(Paragraph(_markup(b[1]), heads[kind]))
        elif kind == "P":
            story.append(Paragraph(_markup(b[1]), body))
        elif kind == "FN":
            story.append(Paragraph(_markup(b[1]), footnote))
        elif kind.startswith("STEP"):
            number, _, text = b[1].partition(" :: ")
            level = int(kind[4:] or 0)
            hang = ParagraphStyle(f"step{level}", parent=body, leftIndent=20 + 16 * level, firstLineIndent=-20,
                                  spaceAfter=3)
            story.append(Paragraph(f"{_markup(number)}&nbsp;&nbsp;{_markup(text)}", hang))
        elif kind in ("NOTE", "CAUTION", "WARNING", "EXCEPTION"):
            notice = ParagraphStyle("notice", parent=body, leftIndent=14, rightIndent=8, spaceBefore=2)
            story.append(Paragraph(f'<font name="{bold_font}">{kind.title()}:</font> {_markup(b[1])}', notice))
        elif kind == "TABLE":
            _, cap, opts, rows = b
            ruling = opts["ruling"]
            data, cws = table_cells(rows, widths=opts["widths"], width=column_w, head=1, markup=_markup,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            pad = 3 if ruling == "grid" else 0
            commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), pad),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
            if ruling == "grid":
                commands += [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd"))]
            elif ruling == "rule":
                commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.black))
            t = Table(data, colWidths=cws, repeatRows=1, hAlign="LEFT")
            t.setStyle(TableStyle(commands))
            if cap:
                story.append(Paragraph(_markup(cap), caption))
            story.extend([t, Spacer(1, 6)])
    buf = io.BytesIO()
    title = meta.get("title")
    top, bottom = 0.75 * inch, 0.7 * inch
    doc = BaseDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=title or "", author=meta.get("author", ""), subject="",
                          creator="", producer="")
    frames = [Frame(margin + k * (column_w + gutter), bottom, column_w, page_h - top - bottom, id=f"col{k}",
                    leftPadding=0, rightPadding=0) for k in range(columns)]
    doc.addPageTemplates([PageTemplate("body", frames, onPage=decorate)])
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
