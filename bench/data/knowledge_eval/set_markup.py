"""What every held-out evaluation set's `documents.py` shares: reading its PDF line markup, and handing its documents
over as an upload would carry them. Each set keeps only its own layout (how a parsed source is set in reportlab), so
a new set that adds a layout changes its own builder and none of the others' bytes.

The line markup (each set's `documents.py` lists the keywords it sets and what they look like on the page):

    @key value          a document setting (title, style, header_left, ...), kept as a string
    KEYWORD text        a block; following non-blank lines that open with no keyword, `@` or `//` continue it
    BARE                a keyword with no text (PAGEBREAK, COLBREAK, TOC, ...)
    TABLE caption       then table options (`@widths a,b,c`, `@rule`, `@grid`, `@head n`, `@span r c0 c1`, each
                        set allowing only those its builder honours), then rows split on " | " (a row opening with
                        "| " has an empty first cell), then END
    // comment          ignored, as are blank lines
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reportlab is imported by each set only after it has made reportlab deterministic
    from reportlab.lib.styles import ParagraphStyle

MEDIA_TYPES = {".md": "text/markdown", ".txt": "text/plain"}


def _table(lines: list[str], i: int, *, options: Iterable[str], empty_cell: str | None) -> tuple[dict, list, int]:
    """The options and rows of the table whose first line is `lines[i]`, and the index after its END."""
    opts: dict = {"widths": None, "ruling": "", "head": 1, "spans": []}
    rows: list[list[str]] = []
    while True:
        row = lines[i].strip()
        i += 1
        if row == "END":
            return opts, rows, i
        if not row:
            continue
        if row.startswith("@"):
            key, *values = row[1:].split()
            if key not in options:
                raise ValueError(f"table option @{key} is not one this set's builder honours")
            if key == "widths":
                opts["widths"] = [float(x) for x in values[0].split(",")]
            elif key in ("rule", "grid"):
                opts["ruling"] = key
            elif key == "head":
                opts["head"] = int(values[0])
            else:
                opts["spans"].append(tuple(int(x) for x in values[:3]))
            continue
        cells = [c.strip() for c in (" " + row).split(" | ")]
        rows.append(["" if c == empty_cell else c for c in cells])


def parse_markup(text: str, *, keywords: Iterable[str], bare: Iterable[str] = ("PAGEBREAK",),
                 table_options: Iterable[str] = ("widths",), empty_cell: str | None = None
                 ) -> tuple[dict[str, str], list[tuple]]:
    """(settings, blocks) of a PDF source. A block is `(keyword,)` for a bare keyword, `("TABLE", caption, options,
    rows)` for a table (options: widths, ruling "" / "rule" / "grid", head rows, spans) and `(keyword, text)`
    otherwise. `empty_cell` is the cell text that stands for an empty cell (None: every cell is printed as written).
    An unknown keyword or table option raises, so a typo in a source cannot silently become body text."""
    keywords, bare, table_options = set(keywords) | {"TABLE", "END"}, set(bare), set(table_options)
    meta: dict[str, str] = {}
    blocks: list[tuple] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if not line.strip() or line.startswith("//"):
            continue
        if line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            meta[key] = value.strip()
            continue
        word, _, rest = line.partition(" ")
        if word not in keywords:
            raise ValueError(f"unknown keyword in line {i}: {line!r}")
        if word in bare:
            blocks.append((word,))
            continue
        if word == "TABLE":
            opts, rows, i = _table(lines, i, options=table_options, empty_cell=empty_cell)
            blocks.append(("TABLE", rest.strip(), opts, rows))
            continue
        body = [rest.strip()]
        while i < len(lines) and lines[i].strip() and lines[i].split(" ", 1)[0] not in keywords \
                and not lines[i].startswith("@") and not lines[i].startswith("//"):
            body.append(lines[i].strip())
            i += 1
        blocks.append((word, " ".join(body)))
    return meta, blocks


def table_cells(rows: list[list[str]], *, widths: list[float] | None, width: float, head: int,
                markup: Callable[[str], str], cell: ParagraphStyle, cell_head: ParagraphStyle, where: str
                ) -> tuple[list[list], list[float]]:
    """A parsed table set as reportlab wants it: every cell a Paragraph of `markup(text)` (the first `head` rows in
    `cell_head`), and the column widths, `widths` being fractions of `width` (None: equal columns). A row with a
    different number of cells raises: it would shift every cell after it into the wrong column."""
    from reportlab.platypus import Paragraph  # the set has made reportlab deterministic before it builds a table

    ncol = len(rows[0])
    if any(len(r) != ncol for r in rows):
        raise ValueError(f"{where}: ragged table")
    fr = widths or [1 / ncol] * ncol
    data = [[Paragraph(markup(c), cell_head if r < head else cell) for c in row] for r, row in enumerate(rows)]
    return data, [width * f / sum(fr) for f in fr]


def upload_documents(*, docs: Path, text_docs: dict[str, str | None], pdf_docs: dict[str, str],
                     build_pdf: Callable[[str], tuple[str, bytes]]) -> list[dict]:
    """Every document of a set as the upload form would send it (`filename`, `media_type`, `data`, `title`): the
    Markdown and text files of `docs/` under the titles a technician would type (None: left blank), then each PDF
    built from its source by the set's `build_pdf` (which returns the title written in the source, and the bytes)."""
    out: list[dict] = [{"filename": name, "media_type": MEDIA_TYPES[Path(name).suffix],
                        "data": (docs / name).read_bytes(), "title": title} for name, title in text_docs.items()]
    for name, src in pdf_docs.items():
        title, data = build_pdf(src)
        out.append({"filename": name, "media_type": "application/pdf", "data": data, "title": title})
    return out


def list_documents(documents: list[dict], argv: list[str]) -> None:
    """`python documents.py [folder]`: print each document's size, and write the files into `folder` if given."""
    out = Path(argv[1]) if len(argv) > 1 else None
    for d in documents:
        print(f"{d['filename']:62} {d['media_type']:16} {len(d['data']):8} bytes")
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / d["filename"]).write_bytes(d["data"])

