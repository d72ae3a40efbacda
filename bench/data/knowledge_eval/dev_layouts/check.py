"""Check the development set "dev_layouts".

    python bench/data/knowledge_eval/dev_layouts/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/dev_layouts/check.py --locate   # also print the pages where each evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-5 pages with the upload title equal to the PDF's metadata title, evidence 4-20 words, ids dev_layouts-NNN,
and the layouts the set exists for (`LAYOUTS`): text really drawn at two or three column origins where the source
sets columns, landscape slide pages, English and Spanish side by side, the form's drawn rule and check boxes.
"""

from __future__ import annotations

import io
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "note", "spoken", "two_fact",
         "units", "negation")


def _origins(data: bytes) -> list[Counter]:
    """Per page, how many blocks are drawn at each x origin (reportlab places each paragraph with a `cm`)."""
    return [Counter(round(float(x)) for x in re.findall(r"1 0 0 1 ([\d.]+) [\d.]+ cm", s))
            for s in content_streams(data)]


def _columns(count: int):
    def check(data: bytes) -> str | None:
        at = sorted({x for page in _origins(data) for x, n in page.items() if n >= 2 and x >= 54})
        return None if len(at) >= count else f"blocks drawn at x {at}, expected {count} columns"
    check.__name__ = f"_{count}_columns"
    return check


def _landscape(data: bytes) -> str | None:
    from pypdf import PdfReader

    boxes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(data)).pages]
    return None if all(w > h for w, h in boxes) and len(boxes) >= 4 else f"page boxes {boxes}"


def _side_by_side(data: bytes) -> str | None:
    """The table's cells are placed from its own origin: the English at 0, the Spanish half the width on."""
    first = _origins(data)[0]
    left, right = first[0], sum(n for x, n in first.items() if 240 <= x <= 260)
    return None if left >= 8 and right >= 8 else f"{left} blocks on the left, {right} on the right"


def _drawn_form(data: bytes) -> str | None:
    stream = content_streams(data)[0]
    boxes = len(re.findall(r" 8 8 re", stream))
    return None if boxes >= 20 and "372 " in stream else f"{boxes} check boxes"


LAYOUTS = {
    "hestmoor-hx-40-duct-smoke-detector-data-sheet.pdf": _columns(2),
    "lindqvale-clearair-service-plans-brochure.pdf": _columns(3),
    "tollan-kw-12-ductless-indoor-unit-guide-en-es.pdf": _side_by_side,
    "brakefield-kitchen-hood-suppression-training-slides.pdf": _landscape,
    "ostrey-vx-series-control-valve-catalogue-and-price-list.pdf": _columns(2),
    "marrick-standard-for-emergency-lighting-excerpt.pdf": _columns(2),
    "caldra-rtu-start-up-report-form.pdf": _drawn_form,
}


if __name__ == "__main__":
    build_pdf.cache_clear()
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="dev_layouts",
                       kinds=KINDS, pages=(1, 5), text_bytes=None, evidence_words=(4, 20), metadata_title=True,
                       layouts=LAYOUTS, locate="--locate" in sys.argv[1:]))
