"""The documents of the "dev" knowledge-evaluation set: what a company would upload, in styles Clara never wrote.

Markdown and plain-text documents are files in `docs/`, returned as they are. PDFs are built here with reportlab
from the sources in `pdf_src/`, so the set carries no binary files and every build is byte-identical
(`rl_config.invariant`). A source is plain text in a small line markup, one element per block:

    @file name.pdf / @title ... / @header ... / @footer ... / @font serif|sans     document settings
    @cover ... @endcover      cover page; its lines are `1 text` (largest) to `4 text` (smallest)
    # / ## / ###             headings, numbered in the text itself ("3.2 Mounting")
    :1 .. :4 text            a clause indented to that level ("(a)", "(1)", "(i)", "(A)")
    - text / 1. text         bullet or numbered step
    !WARNING text            a boxed notice (WARNING, CAUTION, NOTE, DANGER)
    @table Caption ... @endtable   a table: `| cell | cell |` rows, the first row is the header;
                             an optional `@widths 1,3,2` line inside gives relative column widths
    @pagebreak
    anything else            body text; consecutive lines form one paragraph

`**bold**` is honoured in body text and cells. Layout is real: running header and footer with "Page n of N",
headings in Helvetica-Bold, indented sub-clauses, tables with a repeated header row. Only the standard Type 1
fonts are used, and nothing hyphenates, so the text layer pypdf extracts is the text written here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config

rl_config.invariant = 1

from reportlab.lib import colors  # noqa: E402  (after invariant is set, so every object built is deterministic)
from reportlab.lib.enums import TA_CENTER  # noqa: E402
from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import inch  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
PDF_SOURCES = HERE / "pdf_src"
TEXT_DOCUMENTS = HERE / "docs"
MEDIA_TYPES = {".md": "text/markdown", ".txt": "text/plain"}

# Titles a technician would type into the upload form; None where they would leave it blank.
TEXT_TITLES: dict[str, str | None] = {
    "ostrander-opc40-controller.md": "Ostrander OPC-40 fire pump controller manual",
    "korrin-kms-minisplit.md": "Korrin KMS ductless mini-split installation and service manual",
    "seabright-sdh-heatpump.md": None,
    "calloway-hoodguard-wc3.md": "Calloway HoodGuard WC-3 kitchen fire suppression manual",
    "delmont-dts260-ats.txt": None,
    "westbrook-sb-2025-014.md": "Westbrook service bulletin SB-2025-014",
    "baird-tb-0419.md": None,
}

PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 0.9 * inch


@dataclass
class Source:
    """A PDF source after reading: its settings and the list of markup blocks in order."""

    filename: str = ""
    title: str = ""
    header: str = ""
    footer: str = ""
    font: str = "sans"
    cover: list[tuple[int, str]] = field(default_factory=list)
    blocks: list[tuple[str, object]] = field(default_factory=list)


def documents() -> list[dict]:
    """Every document of the set, PDFs first, each as the upload form would send it."""
    built = [build_pdf(read_source(path)) for path in sorted(PDF_SOURCES.glob("*.txt"))]
    for path in sorted(TEXT_DOCUMENTS.iterdir()):
        built.append({"filename": path.name, "media_type": MEDIA_TYPES[path.suffix], "data": path.read_bytes(),
                      "title": TEXT_TITLES[path.name]})
    return built


def read_source(path: Path) -> Source:
    source = Source()
    lines = path.read_text(encoding="utf-8").splitlines()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            source.blocks.append(("p", " ".join(paragraph)))
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        index += 1
        setting = re.match(r"@(file|title|header|footer|font) (.+)", line)
        if setting:
            setattr(source, "filename" if setting[1] == "file" else setting[1], setting[2].strip())
            continue
        if not line.strip():
            flush()
            continue
        if line == "@cover":
            while lines[index] != "@endcover":
                if lines[index].strip():
                    size, text = lines[index].split(" ", 1)
                    source.cover.append((int(size), text))
                index += 1
            index += 1
            continue
        if line.startswith("@table "):
            flush()
            caption, widths, rows = line[len("@table "):], None, []
            while lines[index] != "@endtable":
                row = lines[index].strip()
                if row.startswith("@widths "):
                    widths = [float(w) for w in row[len("@widths "):].split(",")]
                elif row:
                    rows.append([cell.strip() for cell in row.strip("|").split("|")])
                index += 1
            index += 1
            source.blocks.append(("table", (caption, widths, rows)))
            continue
        if line == "@pagebreak":
            flush()
            source.blocks.append(("pagebreak", None))
            continue
        heading = re.match(r"(#{1,3}) (.+)", line)
        clause = re.match(r":([1-4]) (.+)", line)
        notice = re.match(r"!(WARNING|CAUTION|NOTE|DANGER) (.+)", line)
        item = re.match(r"(- |\d+\. )(.+)", line)
        if heading:
            flush()
            source.blocks.append((f"h{len(heading[1])}", heading[2]))
        elif clause:
            flush()
            source.blocks.append((f"c{clause[1]}", clause[2]))
        elif notice:
            flush()
            source.blocks.append(("notice", (notice[1], notice[2])))
        elif item:
            flush()
            source.blocks.append(("item", (item[1].strip(), item[2])))
        elif paragraph or not source.blocks or source.blocks[-1][0] not in ("c1", "c2", "c3", "c4", "item"):
            paragraph.append(line.strip())
        else:  # a wrapped continuation line of the clause or list item just above
            kind, value = source.blocks[-1]
            if kind == "item":
                source.blocks[-1] = (kind, (value[0], f"{value[1]} {line.strip()}"))
            else:
                source.blocks[-1] = (kind, f"{value} {line.strip()}")
    flush()
    return source


def markup(text: str) -> str:
    """Escape for reportlab's paragraph parser, then turn **x** into bold."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(text))


def styles(font: str) -> dict[str, ParagraphStyle]:
    body_font = "Times-Roman" if font == "serif" else "Helvetica"
    size = 10.5 if font == "serif" else 9.5
    body = ParagraphStyle("body", fontName=body_font, fontSize=size, leading=size * 1.3, spaceAfter=5)
    found = {
        "body": body,
        "h1": ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=14, leading=18, spaceBefore=10,
                             spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11.5, leading=15, spaceBefore=8,
                             spaceAfter=4, keepWithNext=1),
        "h3": ParagraphStyle("h3", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=6,
                             spaceAfter=3, keepWithNext=1),
        "item": ParagraphStyle("item", parent=body, leftIndent=22, bulletIndent=8, spaceAfter=3),
        "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=8.5, leading=10.5),
        "caption": ParagraphStyle("caption", fontName="Helvetica-Bold", fontSize=9.5, leading=12, spaceBefore=6,
                                  spaceAfter=4, keepWithNext=1),
        "notice": ParagraphStyle("notice", fontName="Helvetica", fontSize=9, leading=11.5),
    }
    for level in range(1, 5):
        found[f"c{level}"] = ParagraphStyle(f"c{level}", parent=body, leftIndent=18 * (level - 1), spaceAfter=4)
    for level, size_ in ((1, 24), (2, 17), (3, 12), (4, 10)):
        found[f"cover{level}"] = ParagraphStyle(
            f"cover{level}", fontName="Helvetica-Bold" if level < 3 else "Helvetica", fontSize=size_,
            leading=size_ * 1.3, alignment=TA_CENTER, spaceAfter=size_ * 0.8)
    return found


def table_flowable(caption: str, widths: list[float] | None, rows: list[list[str]],
                   style: dict[str, ParagraphStyle]) -> list:
    usable = PAGE_WIDTH - 2 * MARGIN
    columns = len(rows[0])
    weights = widths or [1.0] * columns
    col_widths = [usable * w / sum(weights) for w in weights]
    cells = [[Paragraph(markup(cell), style["head" if r == 0 else "cell"]) for cell in row]
             for r, row in enumerate(rows)]
    table = Table(cells, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [CondPageBreak(1.2 * inch), Paragraph(markup(caption), style["caption"]), table, Spacer(1, 8)]


def notice_flowable(label: str, text: str, style: dict[str, ParagraphStyle]) -> Table:
    usable = PAGE_WIDTH - 2 * MARGIN
    box = Table([[Paragraph(f"<b>{label}</b>", style["notice"]), Paragraph(markup(text), style["notice"])]],
                colWidths=[0.95 * inch, usable - 0.95 * inch])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return KeepTogether([Spacer(1, 4), box, Spacer(1, 6)])


def story(source: Source) -> list:
    style = styles(source.font)
    flowables: list = []
    if source.cover:
        flowables.append(Spacer(1, 1.6 * inch))
        flowables += [Paragraph(markup(text), style[f"cover{size}"]) for size, text in source.cover]
        flowables.append(PageBreak())
    for kind, value in source.blocks:
        if kind in ("h1", "h2", "h3", "c1", "c2", "c3", "c4"):
            flowables.append(Paragraph(markup(value), style[kind]))
        elif kind == "p":
            flowables.append(Paragraph(markup(value), style["body"]))
        elif kind == "item":
            mark, text = value
            flowables.append(Paragraph(markup(text), style["item"], bulletText="\u2022" if mark == "-" else mark))
        elif kind == "notice":
            flowables.append(notice_flowable(*value, style))
        elif kind == "table":
            flowables += table_flowable(*value, style)
        elif kind == "pagebreak":
            flowables.append(PageBreak())
    return flowables


def numbered_canvas(source: Source) -> type[canvas.Canvas]:
    """A canvas that draws the running header and footer once the page count is known ("Page 3 of 9")."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802  (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                if not (source.cover and number == 1):
                    self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            self.setFont("Helvetica", 8)
            self.drawString(MARGIN, PAGE_HEIGHT - 0.6 * inch, source.header)
            self.line(MARGIN, PAGE_HEIGHT - 0.66 * inch, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 0.66 * inch)
            self.line(MARGIN, 0.72 * inch, PAGE_WIDTH - MARGIN, 0.72 * inch)
            self.drawString(MARGIN, 0.55 * inch, source.footer)
            self.drawRightString(PAGE_WIDTH - MARGIN, 0.55 * inch, f"Page {number} of {total}")

    return NumberedCanvas


def build_pdf(source: Source) -> dict:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=letter, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=0.95 * inch, bottomMargin=0.95 * inch, title=source.title,
                                 author=source.footer, creator="", producer="")
    document.build(story(source), canvasmaker=numbered_canvas(source))
    return {"filename": source.filename, "media_type": "application/pdf", "data": buffer.getvalue(),
            "title": source.title}
