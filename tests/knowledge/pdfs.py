"""Tiny, valid PDFs for upload and layout tests: written by hand (a text page per list of lines, or a page with no
text), or drawn on one reportlab canvas where a test needs positions, fonts and sizes."""

from __future__ import annotations

import io
from typing import Any, Callable


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _assemble(objects: list[bytes]) -> bytes:
    """A PDF file of `objects`, numbered from 1 (the first is the catalog), with the cross-reference table and
    trailer a reader needs to find them."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_pdf(lines: list[str]) -> bytes:
    """One Letter page showing `lines` in Helvetica; an empty list gives a page with no text layer (like a scan)."""
    shown = " ".join(f"({_escape(line)}) Tj T*" for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 72 720 Td {shown} ET".encode() if lines else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _assemble(objects)


def make_long_pdf(pages: int, lines: list[str]) -> bytes:
    """`pages` Letter pages all showing `lines` (one shared content stream): a big document in a small file."""
    stream = f"BT /F1 11 Tf 14 TL 72 720 Td {' '.join(f'({_escape(line)}) Tj T*' for line in lines)} ET".encode()
    first_page = 5
    kids = " ".join(f"{first_page + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents 4 0 R >>")
    objects += [page] * pages
    return _assemble(objects)


def drawn_pdf(build: Callable[[Any], None]) -> bytes:
    """One Letter page that `build` draws on a reportlab canvas, byte-identical run after run (invariant mode)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=letter)
    build(page)
    page.save()
    return out.getvalue()


def table_pdf(rows: list[list[str]], widths: list[float], *, ruled: bool = False, page_width: float = 396.0) -> bytes:
    """A page (half-letter wide by default) with a paragraph, then `rows` as reportlab lays out a table of wrapped
    cells (the header first, bold and centred; `widths` in points), with a rule above and below the header when
    `ruled`, and a paragraph after it: the way a manual's tables without grid lines come out of a PDF library."""
    from reportlab import rl_config
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rl_config.invariant = 1
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.8)
    head = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=8, leading=9.8, alignment=TA_CENTER)
    data = [[Paragraph(text, head if number == 0 else cell) for text in row] for number, row in enumerate(rows)]
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if ruled:
        commands += [("LINEABOVE", (0, 0), (-1, 0), 0.6, "black"), ("LINEBELOW", (0, 0), (-1, 0), 0.4, "black")]
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=(page_width, 612.0), leftMargin=43, rightMargin=43, topMargin=54,
                            bottomMargin=50, title="", author="", subject="", creator="", producer="")
    doc.build([Paragraph("Check each unit against the table and act on what you find before you leave.", body),
               table, Paragraph("Write the finding and the action on the service ticket.", body)])
    return out.getvalue()
