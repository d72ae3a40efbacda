"""Sixth held-out knowledge-search evaluation set ("heldout6"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (a small line markup, described above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts: an installation manual whose answers sit in numbered figure callouts and in BOXED Warning / Caution /
Danger notices; a terminal schedule that runs over three pages with its header repeated; a spec sheet with models
as rows and superscript footnote markers on the limits; a town ordinance with (a)(1)(i) clauses that answer through
cross-references ("as provided in subsection (c)(2)"); a commissioning procedure with three-level step numbers
("Step 4.2.1"); a troubleshooting table whose symptom cell is MERGED DOWN over several cause / remedy rows (a real
vertical span, not empty cells); a service bulletin whose table gives the superseded and the new value side by side.

The text documents add a glossary (a term in bold, then its definition), a CMMS asset export as `key: value` lines
(uploaded without a title) and a controller's menu tree drawn with box-drawing characters in a Markdown code block.

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
    "penhallow-fire-and-mechanical-glossary.md": "Penhallow Fire & Mechanical - Field Glossary",
    "harrowby-medical-center-cmms-asset-export.txt": None,
    "vessian-vx-9-boiler-sequencer-menu-tree.md": "Vessian VX-9 Boiler Sequencer - Menu Tree",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "corrimont-crx-upblast-smoke-exhaust-fan-installation.pdf": "corrimont.pdfsrc",
    "pellcross-prp-3-releasing-panel-terminal-schedule.pdf": "pellcross.pdfsrc",
    "feldcrest-fcx-condensing-unit-specifications.pdf": "feldcrest.pdfsrc",
    "port-ambry-ordinance-2025-14-fire-alarm-systems.pdf": "portambry.pdfsrc",
    "ostlyn-ocr-40-co2-rack-commissioning-procedure.pdf": "ostlyn.pdfsrc",
    "lumarra-lci-central-inverter-troubleshooting.pdf": "lumarra.pdfsrc",
    "caskell-sb-0931-double-check-assembly-bulletin.pdf": "caskell.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata), style (sheet|reg), header_left, header_right and footer (may
#                     hold {chapter}: the last H1 set on the page), page_label (may hold {n})
#   T / ST / CL text  cover title, subtitle, cover line (a document with T gets a cover page without running header)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   STEP n :: text    numbered item as a hanging indent; STEP1 / STEP2 / STEP3 indent it by level
#   NOTE / EXCEPTION text        notice: bold label, then text, indented
#   WARNING / CAUTION / DANGER text   the same label and text inside a ruled box, as manuals print hazards
#   FIGURE caption    a framed drawing area with the caption inside it (the callouts follow as STEP items)
#   RUN label :: text run-in paragraph: the bold label, then the text on the same line
#   FN text           footnote: small type
#   TABLE caption     then optional `@widths a,b,c`, `@grid` or `@rule`, `@head n` (header rows, repeated on a new
#                     page), `@span r c0 c1` (merge row r's cells c0..c1), then rows split on " | " (a row opening
#                     with "| " has an empty first cell; "-" alone is an empty cell; "^" alone merges the cell
#                     into the one above it), then END
#   In any text `{sup x}` sets x as a superscript (a footnote marker).
#   PAGEBREAK
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "STEP", "STEP1", "STEP2", "STEP3", "NOTE", "EXCEPTION",
            "WARNING", "CAUTION", "DANGER", "FIGURE", "RUN", "FN", "TABLE", "PAGEBREAK", "END")
BOXED = ("WARNING", "CAUTION", "DANGER")
MERGED_ABOVE = "^"


def _markup(text: str) -> str:
    """Escaped text with `{sup x}` marks turned into reportlab superscripts."""
    return re.sub(r"\{sup ([^}]+)\}", lambda m: f"<super>{m.group(1)}</super>", escape(text))


def _vertical_spans(rows: list[list[str]]) -> tuple[list[list[str]], list[tuple]]:
    """The rows with every "^" cell emptied, and a SPAN command per run of "^" cells merging them into the cell
    above: a symptom printed once beside all of its causes, as troubleshooting charts are set."""
    commands = []
    cleared = [list(row) for row in rows]
    for c in range(len(rows[0])):
        r = 0
        while r < len(rows):
            end = r
            while end + 1 < len(rows) and rows[end + 1][c] == MERGED_ABOVE:
                end += 1
            if end > r:
                commands.append(("SPAN", (c, r), (c, end)))
                for below in range(r + 1, end + 1):
                    cleared[below][c] = ""
            r = end + 1
    return cleared, commands


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
                                table_options=("widths", "rule", "grid", "head", "span"), empty_cell="-")
    serif = meta.get("style", "sheet") == "reg"
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    size = 10 if serif else 9.5
    lead = size * 1.25

    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=lead, spaceAfter=4)
    heads = {
        "H1": ParagraphStyle("h1", fontName=bold_font, fontSize=14, leading=17, spaceBefore=8, spaceAfter=5,
                             keepWithNext=1),
        "H2": ParagraphStyle("h2", fontName=bold_font, fontSize=11, leading=14, spaceBefore=7, spaceAfter=3,
                             keepWithNext=1),
        "H3": ParagraphStyle("h3", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=2,
                             keepWithNext=1),
    }
    covers = {
        "T": ParagraphStyle("ct", fontName="Helvetica-Bold", fontSize=20, leading=26, alignment=TA_CENTER,
                            spaceBefore=90, spaceAfter=8),
        "ST": ParagraphStyle("cst", fontName="Helvetica-Bold", fontSize=13, leading=18, alignment=TA_CENTER,
                             spaceAfter=6),
        "CL": ParagraphStyle("cl", fontName="Helvetica", fontSize=8, leading=10, alignment=TA_CENTER, spaceAfter=6),
    }
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8, leading=9.8)
    cell_h = ParagraphStyle("cellh", fontName=bold_font, fontSize=8, leading=9.8, alignment=TA_CENTER)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=3,
                             keepWithNext=1)
    figure_caption = ParagraphStyle("figcap", fontName="Helvetica-Oblique", fontSize=8.5, leading=11,
                                    alignment=TA_CENTER)
    footnote = ParagraphStyle("fn", fontName=body_font, fontSize=7.5, leading=9.5, spaceAfter=1.5)

    margin = 0.75 * inch
    top, bottom = 0.75 * inch, 0.7 * inch
    width = LETTER[0] - 2 * margin
    cover = any(b[0] == "T" for b in blocks)

    class Doc(BaseDocTemplate):
        chapter = ""

        def afterFlowable(self, flowable):  # noqa: N802 (reportlab's hook name)
            style = getattr(flowable, "style", None)
            if isinstance(flowable, Paragraph) and style is not None and style.name == "h1":
                self.chapter = flowable.getPlainText()

    def decorate(canvas, doc):
        n = doc.page
        if cover and n == 1:
            return
        page_w, page_h = canvas._pagesize
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        at = {"chapter": doc.chapter, "n": n}
        canvas.drawString(margin, page_h - 0.45 * inch, meta.get("header_left", "").format(**at))
        canvas.drawRightString(page_w - margin, page_h - 0.45 * inch, meta.get("header_right", "").format(**at))
        canvas.drawString(margin, 0.4 * inch, meta.get("footer", "").format(**at))
        canvas.drawRightString(page_w - margin, 0.4 * inch, meta.get("page_label", "Page {n}").format(**at))
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
        elif kind == "RUN":
            label, _, text = b[1].partition(" :: ")
            story.append(Paragraph(f'<font name="{bold_font}">{_markup(label)}</font> {_markup(text)}', body))
        elif kind.startswith("STEP"):
            number, _, text = b[1].partition(" :: ")
            level = int(kind[4:] or 0)
            hang = ParagraphStyle(f"step{level}", parent=body, leftIndent=30 + 20 * level, firstLineIndent=-30,
                                  spaceAfter=3)
            story.append(Paragraph(f"{_markup(number)}&nbsp;&nbsp;{_markup(text)}", hang))
        elif kind in ("NOTE", "EXCEPTION"):
            notice = ParagraphStyle("notice", parent=body, leftIndent=14, rightIndent=8, spaceBefore=2)
            story.append(Paragraph(f'<font name="{bold_font}">{kind.title()}:</font> {_markup(b[1])}', notice))
        elif kind in BOXED:
            label = Paragraph(f'<font name="{bold_font}">{kind}</font>', body)
            box = Table([[label], [Paragraph(_markup(b[1]), body)]], colWidths=[width - 28], hAlign="CENTER")
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                                     ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
            story.extend([Spacer(1, 3), box, Spacer(1, 6)])
        elif kind == "FIGURE":
            frame = Table([[Paragraph(_markup(b[1]), figure_caption)]], colWidths=[width * 0.7],
                          rowHeights=[1.3 * inch], hAlign="CENTER")
            frame.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
            story.extend([Spacer(1, 3), frame, Spacer(1, 5)])
        elif kind == "TABLE":
            _, cap, opts, rows = b
            head = opts["head"]
            rows, merged = _vertical_spans(rows)
            data, cws = table_cells(rows, widths=opts["widths"], width=width, head=head, markup=_markup,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
            commands += [("SPAN", (c0, r), (c1, r)) for r, c0, c1 in opts["spans"]] + merged
            if opts["ruling"] == "grid":
                commands += [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                             ("BACKGROUND", (0, 0), (-1, head - 1), colors.HexColor("#e4e4e4"))]
            elif opts["ruling"] == "rule":
                commands += [("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.black),
                             ("LINEBELOW", (0, head - 1), (-1, head - 1), 0.4, colors.black)]
            t = Table(data, colWidths=cws, repeatRows=head, hAlign="LEFT")
            t.setStyle(TableStyle(commands))
            if cap:
                story.append(Paragraph(_markup(cap), caption))
            story.extend([t, Spacer(1, 6)])
    buf = io.BytesIO()
    title = meta.get("title")
    doc = Doc(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=top, bottomMargin=bottom,
              title=title or "", author=meta.get("author", ""), subject="", creator="", producer="")
    frame = Frame(margin, bottom, width, LETTER[1] - top - bottom, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("body", [frame], onPageEnd=decorate, pagesize=LETTER)])
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
