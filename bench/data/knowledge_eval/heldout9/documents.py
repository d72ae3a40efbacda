"""Ninth held-out knowledge-search evaluation set ("heldout9"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (a small line markup, described above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts: a standard whose Annex A explains body sections under the same numbers ("A.5.3.2" explains 5.3.2, the
body marking them with an asterisk); a refrigerant pressure-temperature chart (one dense numeric grid, degrees F by
six refrigerants in psig, over two pages); a completed inspection checklist with Pass / Fail / N/A columns and a
deficiency-code legend; an installation manual with a three-level 1. / a. / i. list and a specifications table whose
header spans two rows; a submittal sheet with a revision block and a dimension table in inches and millimetres; a
test procedure whose every paragraph carries a note in the LEFT MARGIN beside it, under a running footer.

The text documents add a service policy letter in plain prose, a controller parameter reference in Markdown tables
(code / description / default / min / max), a translated manual in non-native English, a building code section with
"Exception No. 1" paragraphs, and a plain-text procedure whose steps are ALL-CAPS headings.

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
    "brackwater-mechanical-service-policy-letter-2027.txt":
        "Brackwater Mechanical - 2027 Service Agreement Policy Letter",
    "norrvik-nrc-340-case-controller-parameters.md": "Norrvik NRC-340 Case Controller - Parameter Reference",
    "jinsol-jas-20-aspirating-detector-user-manual.txt": "Jinsol JAS-20 Aspirating Smoke Detector - User Manual",
    "ashgrove-building-code-716-opening-protectives.md":
        "City of Ashgrove Building Code - Section 716 Opening Protectives",
    "emberguard-kx-3-kitchen-system-semiannual-service.txt": None,
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "clss-407-water-mist-systems-standard.pdf": "clss407.pdfsrc",
    "arvane-refrigerant-pressure-temperature-chart.pdf": "arvane.pdfsrc",
    "dunmere-form-q4-wet-pipe-sprinkler-inspection-calder-library.pdf": "dunmere.pdfsrc",
    "tovenlund-erv-450-700-installation-manual.pdf": "tovenlund.pdfsrc",
    "merriden-cfc-fan-coil-submittal.pdf": "merriden.pdfsrc",
    "stanwick-tower-stair-pressurization-test-procedure.pdf": "stanwick.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata), style (sheet|reg), header_left, header_right and footer (may
#                     hold {chapter}: the last H1 set on the page), page_label (may hold {n}), margin (left margin
#                     in inches, wider for a document with margin notes)
#   T / ST / CL text  cover title, subtitle, cover line (set at the top of page 1, under the running header)
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   STEP n :: text    numbered item as a hanging indent; STEP1 / STEP2 / STEP3 indent it by level (1. / a. / i.)
#   NOTE / EXCEPTION text        notice: bold label, then text, indented
#   WARNING / CAUTION text       the same label and text inside a ruled box
#   RUN label :: text run-in paragraph: the bold label, then the text on the same line
#   MARGIN note :: text          a body paragraph with `note` set in small italic in the LEFT MARGIN beside it
#   FN text           small type
#   TABLE caption     then optional `@widths a,b,c`, `@grid` or `@rule`, `@head n` (header rows, repeated on a new
#                     page), `@span r c0 c1` (merge row r's cells c0..c1: a header spanning columns), then rows split
#                     on " | " ("-" alone is an empty cell), then END
#   PAGEBREAK
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "STEP", "STEP1", "STEP2", "STEP3", "NOTE", "EXCEPTION",
            "WARNING", "CAUTION", "RUN", "MARGIN", "FN", "TABLE", "PAGEBREAK", "END")
BOXED = ("WARNING", "CAUTION")


def _markup(text: str) -> str:
    return escape(text)


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer, \
        Table, TableStyle

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
        "T": ParagraphStyle("ct", fontName=bold_font, fontSize=18, leading=23, alignment=TA_CENTER, spaceAfter=6),
        "ST": ParagraphStyle("cst", fontName=bold_font, fontSize=12, leading=16, alignment=TA_CENTER, spaceAfter=4),
        "CL": ParagraphStyle("cl", fontName=body_font, fontSize=8, leading=10, alignment=TA_CENTER, spaceAfter=8),
    }
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8, leading=9.8)
    cell_h = ParagraphStyle("cellh", fontName=bold_font, fontSize=8, leading=9.8, alignment=TA_CENTER)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=3,
                             keepWithNext=1)
    small = ParagraphStyle("fn", fontName=body_font, fontSize=7.5, leading=9.5, spaceAfter=1.5)
    margin_note = ParagraphStyle("mnote", fontName="Helvetica-Oblique", fontSize=7, leading=8.5)

    left = float(meta.get("margin", "0.75")) * inch
    right = 0.75 * inch
    top, bottom = 0.8 * inch, 0.75 * inch
    width = LETTER[0] - left - right
    gutter = left - 0.5 * inch  # room for a margin note: from half an inch off the paper's edge to the text

    class MarginParagraph(Flowable):
        """A body paragraph with its note drawn in the left margin, level with the paragraph's first line."""

        def __init__(self, note: str, text: str) -> None:
            super().__init__()
            self.note = Paragraph(_markup(note), margin_note)
            self.text = Paragraph(_markup(text), body)

        def wrap(self, avail_width, avail_height):  # noqa: ANN001 (reportlab's signature)
            self.note_h = self.note.wrap(gutter - 0.15 * inch, avail_height)[1]
            self.text_h = self.text.wrap(avail_width, avail_height)[1]
            self.height = max(self.note_h, self.text_h) + body.spaceAfter
            return avail_width, self.height

        def draw(self) -> None:
            self.note.drawOn(self.canv, -gutter, self.height - body.spaceAfter - self.note_h)
            self.text.drawOn(self.canv, 0, self.height - body.spaceAfter - self.text_h)

    class Doc(BaseDocTemplate):
        chapter = ""

        def afterFlowable(self, flowable):  # noqa: N802 (reportlab's hook name)
            style = getattr(flowable, "style", None)
            if isinstance(flowable, Paragraph) and style is not None and style.name == "h1":
                self.chapter = flowable.getPlainText()

    def decorate(canvas, doc):
        n = doc.page
        page_w, page_h = canvas._pagesize
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        at = {"chapter": doc.chapter, "n": n}
        canvas.drawString(0.6 * inch, page_h - 0.45 * inch, meta.get("header_left", "").format(**at))
        canvas.drawRightString(page_w - right, page_h - 0.45 * inch, meta.get("header_right", "").format(**at))
        canvas.drawString(0.6 * inch, 0.4 * inch, meta.get("footer", "").format(**at))
        canvas.drawRightString(page_w - right, 0.4 * inch, meta.get("page_label", "Page {n}").format(**at))
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
            story.append(Paragraph(_markup(b[1]), small))
        elif kind == "RUN":
            label, _, text = b[1].partition(" :: ")
            story.append(Paragraph(f'<font name="{bold_font}">{_markup(label)}</font> {_markup(text)}', body))
        elif kind == "MARGIN":
            note, _, text = b[1].partition(" :: ")
            story.append(MarginParagraph(note, text))
        elif kind.startswith("STEP"):
            number, _, text = b[1].partition(" :: ")
            level = int(kind[4:] or 0)
            hang = ParagraphStyle(f"step{level}", parent=body, leftIndent=22 + 18 * level, firstLineIndent=-22,
                                  spaceAfter=2.5)
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
        elif kind == "TABLE":
            _, cap, opts, rows = b
            head = opts["head"]
            data, cws = table_cells(rows, widths=opts["widths"], width=width, head=head, markup=_markup,
                                     cell=cell, cell_head=cell_h, where=f"{src}: {cap!r}")
            commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
            commands += [("SPAN", (c0, r), (c1, r)) for r, c0, c1 in opts["spans"]]
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
    doc = Doc(buf, pagesize=LETTER, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
              title=title or "", author=meta.get("author", ""), subject="", creator="", producer="")
    frame = Frame(left, bottom, width, LETTER[1] - top - bottom, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("body", [frame], onPageEnd=decorate, pagesize=LETTER)])
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
