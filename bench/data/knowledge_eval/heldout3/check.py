"""Check the third held-out knowledge-search evaluation set ("heldout3").

    python bench/data/knowledge_eval/heldout3/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout3/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-8 pages with the upload title equal to the PDF's metadata title and no ruling lines (no rectangles, at most 4
line segments a page: the rules under table headers), Markdown and text files 2-8 KB, evidence 4-15 words, ids
heldout3-NNN.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import PDF_DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation")


def _borderless(data: bytes) -> str | None:
    """No rectangles and at most 4 line segments a page (the rules under table headers). This set's tables are
    borderless on purpose, as data sheets are set: a grid or boxed table would make every table a ruled one again."""
    ruled = []
    for number, ops in enumerate(content_streams(data), 1):
        lines, rects = len(re.findall(r" l\b", ops)), len(re.findall(r" re\b", ops))
        if lines > 4 or rects:
            ruled.append(f"page {number} draws {lines} lines and {rects} rectangles")
    return "; ".join(ruled) or None


LAYOUTS = dict.fromkeys(PDF_DOCS, _borderless)


if __name__ == "__main__":
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout3",
                       kinds=KINDS, pages=(1, 8), text_bytes=(2048, 8192), evidence_words=(4, 15), metadata_title=True,
                       layouts=LAYOUTS, locate="--locate" in sys.argv[1:]))
