"""Check the fourth held-out knowledge-search evaluation set ("heldout4").

    python bench/data/knowledge_eval/heldout4/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout4/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-8 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout4-NNN, and the layouts this set exists for (`LAYOUTS`): the regulation really set in two
columns on every page, the procedure's headings really no larger than its body text, the fault-code table really
running over a page break with its header repeated, the spec sheet's footnote markers really set as superscripts.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation", "note", "spoken", "two_fact")


def _drawn(data: bytes) -> list[tuple[set[float], set[float], str]]:
    """Per page: the x offsets where reportlab places flowables, the font sizes of text actually drawn, and the
    raw content stream (reportlab writes one `1 0 0 1 x y cm` per flowable and one `Tf` per text block)."""
    pages = []
    for ops in content_streams(data):
        offsets = {float(x) for x in re.findall(r"1 0 0 1 ([\d.]+) [\d.-]+ cm", ops)}
        sizes = {float(size) for block in re.findall(r"BT(.*?)ET", ops, re.S) if "Tj" in block
                 for size in re.findall(r"/F\d+ ([\d.]+) Tf", block)}
        pages.append((offsets, sizes, ops))
    return pages


def _two_columns(data: bytes) -> str | None:
    half = 612 / 2  # US letter width in points
    lone = [n for n, (offsets, _, _) in enumerate(_drawn(data), 1) if not any(x > half for x in offsets)]
    return f"pages {lone} have no right-hand column" if lone else None


def _body_size_headings(data: bytes) -> str | None:
    largest = max(max(sizes) for _, sizes, _ in _drawn(data))
    bold = any(name.endswith("-Bold") for name in pdf_pages(data)[1])
    return None if largest <= 10 and bold else f"largest text {largest} pt, bold font used: {bold}"


def _table_over_page_break(data: bytes) -> str | None:
    pages = pdf_pages(data)[0]
    headed = [n for n, text in enumerate(pages, 1) if "Likely cause" in text and "Check or remedy" in text]
    return None if len(headed) >= 2 else f"table header on pages {headed} only"


def _superscript_markers(data: bytes) -> str | None:
    rises = sum(len(re.findall(r" Ts\b", ops)) for _, _, ops in _drawn(data))
    return None if rises else "no raised (superscript) text"


LAYOUTS = {
    "kelso-county-fire-prevention-code-chapter-9.pdf": _two_columns,
    "ravensby-rwc-kitchen-system-semiannual-service.pdf": _body_size_headings,
    "wexley-wvx-vrf-indoor-unit-fault-codes.pdf": _table_over_page_break,
    "ingleby-ihx-packaged-heat-pump-specifications.pdf": _superscript_markers,
    "penrose-portable-extinguisher-selection-and-placement.pdf": _superscript_markers,
}


if __name__ == "__main__":
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout4",
                       kinds=KINDS, pages=(1, 8), text_bytes=(2048, 8192), evidence_words=(4, 20), metadata_title=True,
                       layouts=LAYOUTS, locate="--locate" in sys.argv[1:]))
