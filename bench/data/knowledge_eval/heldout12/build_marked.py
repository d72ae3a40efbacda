"""PDFs whose text carries revision marks: heldout12's builder for the two documents `../set_pdfsrc.py` cannot set
(a standard chapter with "N" new-text markers and "Δ" change bars in the margin, and a state code amendment whose
deletions are struck through and whose additions are underlined). reportlab, deterministically, standard fonts only.

The markup is `../set_markup.py`'s, with these keywords:
    @key value        title (PDF metadata), header_left, header_right, footer
    H1 / H2 / H3 text headings (bold, 13 / 11 / body size)
    P text            body paragraph
    PN text           new text: a bold "N" in the left margin beside the paragraph (it is in the text layer, as in a
                      real standard)
    PD text           changed text: a drawn triangle (Δ) and a vertical change bar in the left margin (drawn, so not
                      in the text layer)
    STEP n :: text    hanging-indent list item
    NOTE text         "Note:" in bold, then the text, indented
    FN text           small type
    TABLE caption     then `@widths`, `@grid`, `@head n`, rows split on " | ", END
    PAGEBREAK
In any text, `{del words}` is struck through and `{ins words}` underlined (a legislature's amendment style).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from set_markup import parse_markup, table_cells

KEYWORDS = ("H1", "H2", "H3", "P", "PN", "PD", "STEP", "NOTE", "FN", "TABLE", "END", "PAGEBREAK")


def _markup(text: str) -> str:
    text = escape(text)
    text = re.sub(r"\{del ([^}]+)\}", r"<strike>\1</strike>", text)
    return re.sub(r"\{ins ([^}]+)\}", r"<u>\1</u>", text)


def build_pdf(source: Path) -> tuple[str, bytes]:
    """The PDF's title (its `@title` line) and bytes."""
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    class Marked(Flowable):
        """A paragraph with a revision mark in the left margin: "N" (new) or a triangle and bar (changed)."""

        def __init__(self, para: Paragraph, mark: str):
            super().__init__()
            self.para, self.mark = para, mark

        def wrap(self, aw, ah):
            self.width, self.height = self.para.wrap(aw, ah)
            return self.width, self.height

        def split(self, aw, ah):
            return [Marked(p, self.mark) for p in self.para.split(aw, ah)]

        def getSpaceBefore(self):  # noqa: N802 (reportlab's name)
            return self.para.getSpaceBefore()

        def getSpaceAfter(self):  # noqa: N802 (reportlab's name)
            return self.para.getSpaceAfter()

        def draw(self):
            self.para.drawOn(self.canv, 0, 0)
            c = self.canv
            top = self.height - 8
            if self.mark == "N":
                c.setFont("Helvetica-Bold", 9)
                c.drawString(-22, top, "N")
            else:
                path = c.beginPath()
                path.moveTo(-24, top)
                path.lineTo(-16, top)
                path.lineTo(-20, top + 7)
                path.close()
                c.drawPath(path, stroke=1, fill=0)
                c.setLineWidth(1.2)
                c.line(-8, 0, -8, self.height)

    meta, blocks = parse_markup(source.read_text(encoding="utf-8"), keywords=KEYWORDS,
                               table_options=("widths", "grid", "head"), empty_cell="-")
    size, lead = 10, 12.5
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=size, leading=lead, spaceAfter=4)
    heads = {"H1": ParagraphStyle("h1", fontName="Times-Bold", fontSize=13, leading=16, spaceBefore=8, spaceAfter=5,
                                  keepWithNext=1),
             "H2": ParagraphStyle("h2", fontName="Times-Bold", fontSize=11, leading=14, spaceBefore=6, spaceAfter=3,
                                  keepWithNext=1),
             "H3": ParagraphStyle("h3", fontName="Times-Bold", fontSize=size, leading=lead, spaceBefore=4,
                                  spaceAfter=2, keepWithNext=1)}
    cell = ParagraphStyle("cell", fontName="Times-Roman", fontSize=8.5, leading=10)
    cell_h = ParagraphStyle("cellh", fontName="Times-Bold", fontSize=8.5, leading=10)
    small = ParagraphStyle("fn", fontName="Times-Roman", fontSize=8, leading=10, spaceAfter=2)
    margin = 0.9 * inch
    width = LETTER[0] - 2 * margin
    story: list = []
    for b in blocks:
        kind = b[0]
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind in heads:
            story.append(Paragraph(_markup(b[1]), heads[kind]))
        elif kind == "P":
            story.append(Paragraph(_markup(b[1]), body))
        elif kind in ("PN", "PD"):
            story.append(Marked(Paragraph(_markup(b[1]), body), "N" if kind == "PN" else "D"))
        elif kind == "FN":
            story.append(Paragraph(_markup(b[1]), small))
        elif kind == "STEP":
            number, _, text = b[1].partition(" :: ")
            hang = ParagraphStyle("step", parent=body, leftIndent=22, firstLineIndent=-22, spaceAfter=3)
            story.append(Paragraph(f"{_markup(number)}&nbsp;&nbsp;{_markup(text)}", hang))
        elif kind == "NOTE":
            note = ParagraphStyle("note", parent=body, leftIndent=16)
            story.append(Paragraph(f'<font name="Times-Bold">Note:</font> {_markup(b[1])}', note))
        else:  # TABLE
            _, cap, opts, rows = b
            data, cws = table_cells(rows, widths=opts["widths"], width=width, head=opts["head"], markup=_markup,
                                     cell=cell, cell_head=cell_h, where=f"{source.name}: {cap!r}")
            t = Table(data, colWidths=cws, repeatRows=opts["head"], hAlign="LEFT")
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
                                  if opts["ruling"] else [("VALIGN", (0, 0), (-1, -1), "TOP")]))
            if cap:
                story.append(Paragraph(_markup(cap), heads["H3"]))
            story.extend([t, Spacer(1, 6)])

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(margin, LETTER[1] - 0.55 * inch, meta.get("header_left", ""))
        canvas.drawRightString(LETTER[0] - margin, LETTER[1] - 0.55 * inch, meta.get("header_right", ""))
        canvas.drawString(margin, 0.5 * inch, meta.get("footer", ""))
        canvas.drawRightString(LETTER[0] - margin, 0.5 * inch, f"{doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    title = meta.get("title", "")
    doc = SimpleDocTemplate(buf, pagesize=LETTER, leftMargin=margin, rightMargin=margin, topMargin=0.85 * inch,
                            bottomMargin=0.8 * inch, title=title, author="", subject="", creator="", producer="")
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return title, buf.getvalue()
