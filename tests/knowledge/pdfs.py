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
