"""PDFs built from a line-markup source (`pdfsrc/*.pdfsrc`), shared by the sets whose authors wrote their sources in
it (heldout5, heldout8, heldout11): reportlab, deterministically (`rl_config.invariant = 1`), with the standard fonts only.

The markup (blocks, continuation lines, tables) is `set_markup.py`'s; the keywords this builder knows follow.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from set_markup import parse_markup, table_cells

if TYPE_CHECKING:  # reportlab is imported only after it has been made deterministic (build_pdf)
    from reportlab.lib.styles import ParagraphStyle


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata), style (sheet|reg), pagesize (letter|half), header_left,
#                     header_right and footer (may hold {chapter}: the last chapter heading set on the page),
#                     page_label (may hold {n})
#   T / ST / CL text  cover title, subtitle, cover line (a document with T gets a cover page without running header)
#   H1 / H2 / H3 text headings (H1 and H2 go into the table of contents when there is one)
#   P text            body paragraph
#   STEP n :: text    numbered item as a hanging indent; STEP1 / STEP2 / STEP3 indent it by level
#   NOTE / CAUTION / WARNING / EXCEPTION text   notice: bold label, then text, indented
#   RUN label :: text run-in paragraph: the bold label, then the text on the same line
#   FIELD text        a form line: label then a blank rule to fill in
#   FN text           footnote: small type
#   TABLE caption     then optional `@widths a,b,c`, `@grid` or `@rule`, `@head n` (header rows, repeated on a new
#                     page), `@span r c0 c1` (merge row r's cells c0..c1), then rows split on " | " (a row opening
#                     with "| " has an empty first cell; "-" alone is an empty cell), then END
#   TOC / INDEX       table of contents / back-of-book index; in any text `{ix term}` adds an index entry
#   LANDSCAPE / PORTRAIT   the following pages turn (a page break)
#   PAGEBREAK
#   FIG caption :: A=x,y; B=x,y; ...   a drawn figure (an outline of the part) with each lettered callout in a circle
#                     at x,y (fractions of the figure), and its caption under it
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("T", "ST", "CL", "H1", "H2", "H3", "P", "STEP", "STEP1", "STEP2", "STEP3", "NOTE", "CAUTION",
            "WARNING", "EXCEPTION", "RUN", "FIELD", "FN", "TABLE", "TOC", "INDEX", "LANDSCAPE", "PORTRAIT",
            "PAGEBREAK", "END", "FIG")
BARE = ("TOC", "INDEX", "LANDSCAPE", "PORTRAIT", "PAGEBREAK")


def _markup(text: str) -> str:
    """Escaped text with `{ix term}` index marks turned into reportlab index tags."""
    return re.sub(r"\{ix ([^}]+)\}", lambda m: f'<index item="{m.group(1)}"/>', escape(text))


def _figure(spec: str, *, width: float, caption: ParagraphStyle, markup: Callable[[str], str]) -> list:
    """A line drawing of a hood-like outline with lettered callouts, then its caption. As in a real manual, the
    drawing leaves only its letters in the text layer: the legend and the text that cite "callout E" name the parts."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
    from reportlab.platypus import Paragraph

    cap, _, marks = spec.partition(" :: ")
    w, h = min(width, 360.0), 150.0
    d = Drawing(w, h)
    d.add(Polygon([0.1 * w, 0.2 * h, 0.9 * w, 0.2 * h, 0.8 * w, 0.75 * h, 0.2 * w, 0.75 * h],
                  strokeWidth=1, fillColor=None))
    d.add(Rect(0.42 * w, 0.75 * h, 0.16 * w, 0.2 * h, strokeWidth=1, fillColor=None))
    for mark in marks.split(";"):
        letter, _, at = mark.strip().partition("=")
        x, y = (float(v) for v in at.split(","))
        d.add(Line(x * w, y * h, 0.5 * w + (x - 0.5) * 0.6 * w, 0.48 * h, strokeWidth=0.5))
        d.add(Circle(x * w, y * h, 7, strokeWidth=0.8, fillColor=None))
        d.add(String(x * w - 3, y * h - 3, letter, fontName="Helvetica-Bold", fontSize=8))
    return [d, Paragraph(markup(cap), caption)]


def build_pdf(source: Path) -> tuple[str, bytes]:
    """The PDF's title (from its `@title` line) and bytes."""
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import LETTER, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph, \
        Spacer, Table, TableStyle
    from reportlab.platypus.tableofcontents import SimpleIndex, TableOfContents

    meta, blocks = parse_markup(source.read_text(encoding="utf-8"), keywords=KEYWORDS, bare=BARE,
                               table_options=("widths", "rule", "grid", "head", "span"), empty_cell="-")
    serif = meta.get("style", "sheet") == "reg"
    half = meta.get("pagesize") == "half"
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    size = 10 if serif else (9 if half else 9.5)
    lead = size * 1.25

    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=lead, spaceAfter=4)
    heads = {
        "H1": ParagraphStyle("h1", fontName=bold_font, fontSize=13 if half else 14, leading=17, spaceBefore=8,
                             spaceAfter=5, keepWithNext=1),
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
    footnote = ParagraphStyle("fn", fontName=body_font, fontSize=7.5, leading=9.5, spaceAfter=1.5)

    portrait_size = (5.5 * inch, 8.5 * inch) if half else LETTER
    margin = 0.6 * inch if half else 0.75 * inch
    top, bottom = (0.7 * inch, 0.65 * inch) if half else (0.75 * inch, 0.7 * inch)
    cover = any(b[0] == "T" for b in blocks)
    wants_toc = any(b[0] == "TOC" for b in blocks)
    index = SimpleIndex(headers=True) if any(b[0] == "INDEX" for b in blocks) else None

    class Doc(BaseDocTemplate):
        chapter = ""

        def beforeDocument(self):  # noqa: N802 (reportlab's hook; each pass of a multi-pass build starts afresh)
            self.chapter = ""

        def afterFlowable(self, flowable):  # noqa: N802 (reportlab's hook name)
            style = getattr(flowable, "style", None)
            if not isinstance(flowable, Paragraph) or style is None or style.name not in ("h1", "h2"):
                return
            text = flowable.getPlainText()
            if style.name == "h1":
                self.chapter = text
            if wants_toc:
                self.notify("TOCEntry", (0 if style.name == "h1" else 1, text, self.page))

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

    def frame_width(pagesize) -> float:
        return pagesize[0] - 2 * margin

    story: list = []
    width = frame_width(portrait_size)
    for b in blocks:
        kind = b[0]
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind in ("LANDSCAPE", "PORTRAIT"):
            wide = kind == "LANDSCAPE"
            width = frame_width(landscape(LETTER) if wide else portrait_size)
            story.extend([NextPageTemplate("wide" if wide else "body"), PageBreak()])
        elif kind == "TOC":
            toc = TableOfContents()
            toc.levelStyles = [ParagraphStyle("toc1", fontName=bold_font, fontSize=size, leading=lead + 2),
                               ParagraphStyle("toc2", fontName=body_font, fontSize=size - 0.5, leading=lead,
                                              leftIndent=14)]
            story.extend([Paragraph("Contents", heads["H3"]), toc])
        elif kind == "INDEX":
            story.extend([Paragraph("Index", heads["H3"]), index])
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
        elif kind == "FIELD":
            story.append(Paragraph(f"{_markup(b[1])} " + "_" * 28, body))
        elif kind.startswith("STEP"):
            number, _, text = b[1].partition(" :: ")
            level = int(kind[4:] or 0)
            hang = ParagraphStyle(f"step{level}", parent=body, leftIndent=20 + 16 * level, firstLineIndent=-20,
                                  spaceAfter=3)
            story.append(Paragraph(f"{_markup(number)}&nbsp;&nbsp;{_markup(text)}", hang))
        elif kind in ("NOTE", "CAUTION", "WARNING", "EXCEPTION"):
            notice = ParagraphStyle("notice", parent=body, leftIndent=14, rightIndent=8, spaceBefore=2)
            story.append(Paragraph(f'<font name="{bold_font}">{kind.title()}:</font> {_markup(b[1])}', notice))
        elif kind == "FIG":
            story.extend(_figure(b[1], width=width, caption=caption, markup=_markup))
        elif kind == "TABLE":
            _, cap, opts, rows = b
            head = opts["head"]
            data, cws = table_cells(rows, widths=opts["widths"], width=width, head=head, markup=_markup,
                                     cell=cell, cell_head=cell_h, where=f"{source.name}: {cap!r}")
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
    doc = Doc(buf, pagesize=portrait_size, leftMargin=margin, rightMargin=margin, topMargin=top,
              bottomMargin=bottom, title=title or "", author=meta.get("author", ""), subject="", creator="",
              producer="")

    def template(name: str, pagesize) -> PageTemplate:
        frame = Frame(margin, bottom, pagesize[0] - 2 * margin, pagesize[1] - top - bottom, id=name,
                      leftPadding=0, rightPadding=0)
        return PageTemplate(name, [frame], onPageEnd=decorate, pagesize=pagesize)

    doc.addPageTemplates([template("body", portrait_size), template("wide", landscape(LETTER))])
    if index is not None:  # the index's canvas collects its entries; reportlab's own canvas is the default
        doc.multiBuild(story, canvasmaker=index.getCanvasMaker())
    elif wants_toc:  # multiBuild given canvasmaker=None calls None: a TOC without an INDEX crashed the build
        doc.multiBuild(story)
    else:
        doc.build(story)
    return title, buf.getvalue()

