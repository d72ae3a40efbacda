"""Tenth held-out knowledge-search evaluation set ("heldout10"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built here with reportlab from the sources in `pdfsrc/` (the shared line markup, keywords listed above `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts: a training SLIDE DECK exported to PDF (landscape pages, one topic per page in big bullets, speaker
notes under a rule); a BILINGUAL manual with English and Spanish side by side, paragraph for paragraph; a product
CATALOGUE with an ordering-code breakdown by position and accessory part numbers; a standard's chapter with a
3.3.x DEFINITIONS section and an inspection frequency table with lettered footnotes; a WARRANTY in numbered
clauses; a START-UP REPORT form with blanks and the expected reading beside each; a manual whose section numbers
RESTART IN EVERY CHAPTER, paged "4-3".

The text documents add a web knowledge-base article saved as text (breadcrumbs, "Was this article helpful?",
related links), a Markdown service sheet repeating ONE TABLE PER MODEL with only the values changing, an
authority's plan-review checklist with check boxes, and a wiring-diagram legend with a terminal list.

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
    "wyncroft-kb-4471-wt-500-thermostat-no-power.txt": None,
    "ravelle-rgu-gas-unit-heater-service-data-by-model.md": "Ravelle RGU Gas Unit Heaters - Service Data by Model",
    "marlow-heights-fpb-sprinkler-plan-review-checklist.md":
        "Marlow Heights Fire Prevention Bureau - Sprinkler Plan Review Checklist",
    "tenmoor-tcu-condensing-unit-wiring-diagram-legend.txt": "Tenmoor TCU Condensing Unit - Wiring Diagram Legend",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "corvelle-academy-module-4-economizer-commissioning-slides.pdf": "corvelle.pdfsrc",
    "lorento-ldh-ductless-wall-unit-guide-english-spanish.pdf": "lorento.pdfsrc",
    "quorran-qds-duct-smoke-detector-catalogue.pdf": "quorran.pdfsrc",
    "dsc-805-fire-and-smoke-damper-inspection-standard-excerpt.pdf": "dsc805.pdfsrc",
    "rushmere-rcb-boiler-limited-warranty.pdf": "rushmere.pdfsrc",
    "ellery-ews-water-source-heat-pump-start-up-report.pdf": "ellery.pdfsrc",
    "sartham-svx-hvac-drive-user-manual.pdf": "sartham.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


# --------------------------------------------------------------------------------------------------------------
# PDF sources: the line markup of ../set_markup.py (blocks, continuation lines, tables), with these keywords.
#   @key value        settings: title (PDF metadata), style (sheet|std|legal|form|slides), header_left,
#                     header_right, footer, page_label (may hold {n}; with chapters, {c} and {p}: "4-3")
#   SLIDE text        a slide's title (slides style: a new landscape page, big bold type)
#   BULLET text       a bullet (big type on slides)
#   SPEAKER text      the slide's speaker notes, under a rule at the foot of the slide, labelled "Speaker notes:"
#   BI en :: es       one paragraph in English and its Spanish beside it, in two columns
#   BIH en :: es      a heading in both languages, side by side
#   CHAPTER n :: text a new chapter: a new page, "Chapter n" and its title; pages are then labelled n-1, n-2, ...
#   H1 / H2 / H3 text headings
#   P text            body paragraph
#   DEF n :: text     a numbered definition or clause as a hanging indent, the number bold
#   FIELD label :: expected   a form line: the label, a blank to fill in, and the expected reading in brackets
#   CHECK text        a form line with a check box
#   NOTE text         notice: bold label, then text, indented
#   FOOT text         a table footnote in small type
#   TABLE caption     then optional `@widths a,b,c`, `@grid` or `@rule`, `@head n`, then rows split on " | "
#                     ("-" alone is an empty cell), then END
#   PAGEBREAK
# --------------------------------------------------------------------------------------------------------------

KEYWORDS = ("SLIDE", "BULLET", "SPEAKER", "BI", "BIH", "CHAPTER", "H1", "H2", "H3", "P", "DEF", "FIELD", "CHECK",
            "NOTE", "FOOT", "TABLE", "PAGEBREAK", "END")


def _markup(text: str) -> str:
    return escape(text)


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    from reportlab import rl_config

    rl_config.invariant = 1
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, PageBreak, PageTemplate, \
        Paragraph, Spacer, Table, TableStyle

    meta, blocks = parse_markup((PDFSRC / src).read_text(encoding="utf-8"), keywords=KEYWORDS,
                                table_options=("widths", "rule", "grid", "head"), empty_cell="-")
    style = meta.get("style", "sheet")
    slides = style == "slides"
    serif = style in ("std", "legal")
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    italic_font = "Times-Italic" if serif else "Helvetica-Oblique"
    size = 9.5 if style == "legal" else 9
    lead = size * 1.3
    pagesize = landscape(LETTER) if slides else LETTER

    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=lead, spaceAfter=4)
    heads = {
        "H1": ParagraphStyle("h1", fontName=bold_font, fontSize=13, leading=16, spaceBefore=8, spaceAfter=5,
                             keepWithNext=1),
        "H2": ParagraphStyle("h2", fontName=bold_font, fontSize=10.5, leading=13, spaceBefore=7, spaceAfter=3,
                             keepWithNext=1),
        "H3": ParagraphStyle("h3", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=2,
                             keepWithNext=1),
    }
    slide_title = ParagraphStyle("slide", fontName="Helvetica-Bold", fontSize=26, leading=31, spaceAfter=16)
    bullet = ParagraphStyle("bullet", fontName="Helvetica", fontSize=18, leading=23, leftIndent=28,
                            firstLineIndent=-18, spaceAfter=9)
    small_bullet = ParagraphStyle("sbullet", parent=body, leftIndent=14, firstLineIndent=-9, spaceAfter=2)
    speaker = ParagraphStyle("speaker", fontName="Helvetica", fontSize=9, leading=11.5, spaceBefore=2)
    chapter_no = ParagraphStyle("chno", fontName=bold_font, fontSize=12, leading=15, spaceAfter=2)
    chapter_title = ParagraphStyle("chti", fontName=bold_font, fontSize=20, leading=24, spaceAfter=12)
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=8, leading=9.8)
    cell_h = ParagraphStyle("cellh", fontName=bold_font, fontSize=8, leading=9.8)
    caption = ParagraphStyle("cap", fontName=bold_font, fontSize=size, leading=lead, spaceBefore=5, spaceAfter=3,
                             keepWithNext=1)
    foot = ParagraphStyle("foot", fontName=body_font, fontSize=7.5, leading=9, leftIndent=8, spaceAfter=1)
    bi_body = ParagraphStyle("bi", parent=body, spaceAfter=0)
    bi_es = ParagraphStyle("bies", parent=bi_body, fontName=italic_font)
    bi_head = ParagraphStyle("bih", fontName=bold_font, fontSize=10.5, leading=13)

    margin = 0.6 * inch if slides else 0.75 * inch
    top, bottom = (0.6 * inch, 0.6 * inch) if slides else (0.75 * inch, 0.7 * inch)
    full = pagesize[0] - 2 * margin
    height = pagesize[1] - top - bottom
    chapter = {"n": "", "start": 1}  # the chapter being set, and the page it began on

    class ChapterMark(Flowable):
        """Zero-size: when drawn, pages from here on are labelled with this chapter and counted from 1."""

        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

        def wrap(self, *_: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            chapter["n"], chapter["start"] = self.number, self.canv.getPageNumber()

    def decorate(canvas, doc):
        n = doc.page
        page_w, page_h = canvas._pagesize
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        at = {"n": n, "c": chapter["n"], "p": n - chapter["start"] + 1}
        canvas.drawString(margin, page_h - 0.4 * inch, meta.get("header_left", "").format(**at))
        canvas.drawRightString(page_w - margin, page_h - 0.4 * inch, meta.get("header_right", "").format(**at))
        canvas.drawString(margin, 0.35 * inch, meta.get("footer", "").format(**at))
        canvas.drawRightString(page_w - margin, 0.35 * inch, meta.get("page_label", "Page {n}").format(**at))
        canvas.restoreState()

    def ruled(data: list, widths: list[float], commands: list) -> Table:
        t = Table(data, colWidths=widths, hAlign="LEFT")
        t.setStyle(TableStyle(commands))
        return t

    story: list = []
    started = False
    for b in blocks:
        kind = b[0]
        if kind == "PAGEBREAK":
            story.append(PageBreak())
        elif kind == "SLIDE":
            if started:
                story.append(PageBreak())
            started = True
            story.append(Paragraph(_markup(b[1]), slide_title))
        elif kind == "BULLET":
            story.append(Paragraph(f"\u2022&nbsp;&nbsp;{_markup(b[1])}", bullet if slides else small_bullet))
        elif kind == "SPEAKER":
            notes = Paragraph(f'<font name="Helvetica-Bold">Speaker notes:</font> {_markup(b[1])}', speaker)
            story.append(Spacer(1, 10))
            story.append(ruled([[notes]], [full], [("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
                                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                                   ("TOPPADDING", (0, 0), (-1, -1), 5)]))
        elif kind in ("BI", "BIH"):
            en, _, es = b[1].partition(" :: ")
            left, right = (bi_head, bi_head) if kind == "BIH" else (bi_body, bi_es)
            row = [[Paragraph(_markup(en), left), Paragraph(_markup(es), right)]]
            gap = 0.3 * inch
            story.append(ruled(row, [(full - gap) / 2 + gap / 2] * 2,
                               [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), gap / 2),
                                ("TOPPADDING", (0, 0), (-1, -1), 5 if kind == "BIH" else 1),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        elif kind == "CHAPTER":
            number, _, text = b[1].partition(" :: ")
            if started:
                story.append(PageBreak())
            started = True
            story.extend([ChapterMark(number), Paragraph(f"Chapter {_markup(number)}", chapter_no),
                          Paragraph(_markup(text), chapter_title)])
        elif kind in heads:
            story.append(Paragraph(_markup(b[1]), heads[kind]))
        elif kind == "P":
            story.append(Paragraph(_markup(b[1]), body))
        elif kind == "DEF":
            number, _, text = b[1].partition(" :: ")
            hang = ParagraphStyle("def", parent=body, leftIndent=40, firstLineIndent=-40, spaceAfter=4)
            story.append(Paragraph(f'<font name="{bold_font}">{_markup(number)}</font>&nbsp;&nbsp;{_markup(text)}',
                                   hang))
        elif kind == "FIELD":
            label, _, expected = b[1].partition(" ::")  # "label ::" alone: a blank with no expected reading
            expected = expected.strip()
            row = [[Paragraph(_markup(label), body), "", Paragraph(_markup(f"[{expected}]"), body) if expected
                    else ""]]
            story.append(ruled(row, [full * 0.48, full * 0.22, full * 0.30],
                               [("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (2, 0), (2, 0), 8)]))
        elif kind == "CHECK":
            row = [["", Paragraph(_markup(b[1]), body)]]
            story.append(ruled(row, [10, full - 20],
                               [("BOX", (0, 0), (0, 0), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (1, 0), (1, 0), 6), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
            story.append(Spacer(1, 2))
        elif kind == "NOTE":
            notice = ParagraphStyle("notice", parent=body, leftIndent=12, rightIndent=6, spaceBefore=2)
            story.append(Paragraph(f'<font name="{bold_font}">Note:</font> {_markup(b[1])}', notice))
        elif kind == "FOOT":
            story.append(Paragraph(_markup(b[1]), foot))
        elif kind == "TABLE":
            _, cap, opts, rows = b
            head = opts["head"]
            big = slides and len(rows[0]) <= 4
            data, cws = table_cells(rows, widths=opts["widths"], width=full * (0.8 if slides else 1), head=head,
                                     markup=_markup,
                                     cell=ParagraphStyle("bigcell", parent=cell, fontSize=13, leading=16)
                                     if big else cell,
                                     cell_head=ParagraphStyle("bigcellh", parent=cell_h, fontSize=13, leading=16)
                                     if big else cell_h, where=f"{src}: {cap!r}")
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
            if cap:
                story.extend([CondPageBreak(1.2 * inch), Paragraph(_markup(cap), caption)])
            story.extend([t, Spacer(1, 6)])
    buf = io.BytesIO()
    title = meta.get("title")
    doc = BaseDocTemplate(buf, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=top,
                          bottomMargin=bottom, title=title or "", author=meta.get("author", ""), subject="",
                          creator="", producer="")
    frame = Frame(margin, bottom, full, height, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("body", [frame], onPageEnd=decorate, pagesize=pagesize)])
    doc.build(story)
    return title, buf.getvalue()


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
