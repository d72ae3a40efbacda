"""Check the fifth held-out knowledge-search evaluation set ("heldout5").

    python bench/data/knowledge_eval/heldout5/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout5/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-30 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout5-NNN, and the layouts this set exists for (`LAYOUTS`): the merged two-level header and the
units row really in the unit heater's table, the parts list's tables really on landscape pages, the long manual
really 20+ pages with its contents, index and a running header that changes with the chapter, the form's empty
check-box columns, the state amendment's "§" sections and "shall be amended to read" clauses, the bulletin's
revision table and the alarm codes really set as paragraphs (no table on the page).
Prints the counts per kind and per document.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams, norm, page_texts, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation", "note", "spoken", "two_fact")


def _merged_header(data: bytes) -> str | None:
    """The group label runs on one line over its sub-columns (a one-column cell would wrap it), and the units row
    follows the sub-column headers."""
    raw = pdf_pages(data)[0][0]
    one_line = "Hot water, 200 °F entering water" in raw
    units = "mbh gpm ft of water °f mbh lb/h ft" in norm(raw)
    return None if one_line and units else f"group label on one line: {one_line}, units row: {units}"


def _landscape_tables(data: bytes) -> str | None:
    reader = PdfReader(io.BytesIO(data))
    wide = [n for n, page in enumerate(reader.pages, 1) if float(page.mediabox.width) > float(page.mediabox.height)]
    tables = [n for n, text in enumerate(page_texts(data), 1) if text.startswith("table ")]
    return None if wide and wide == tables else f"landscape pages {wide}, pages opening with a table {tables}"


def _long_manual(data: bytes) -> str | None:
    pages = page_texts(data)
    chapters = {m.group(1) for text in pages if (m := re.search(r"threnmoor tfp-8 (\d+ [a-z ]+?) document", text))}
    problems = []
    if len(pages) < 20:
        problems.append(f"{len(pages)} pages")
    if not pages[1].startswith("contents") or not any(text.startswith("index") for text in pages[-2:]):
        problems.append("no contents on page 2 or no index on the last two pages")
    if len(chapters) < 8:
        problems.append(f"running header names only {len(chapters)} chapters")
    return "; ".join(problems) or None


def _check_box_form(data: bytes) -> str | None:
    heads = sum(text.count("freq. yes no n/a remarks") for text in page_texts(data))
    return None if heads >= 3 else f"{heads} tables with Yes / No / N/A columns"


def _amendment(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    sections, amended = whole.count("§ 18-9-1"), whole.count("shall be amended to read")
    return None if sections >= 14 and amended >= 7 else f"{sections} § sections, {amended} amended-to-read clauses"


def _revision_table(data: bytes) -> str | None:
    return None if "revision history rev. date change a " in page_texts(data)[0] else "no revision table"


def _codes_as_paragraphs(data: bytes) -> str | None:
    ops = content_streams(data)[0]
    codes = len(re.findall(r"code \d+, ", page_texts(data)[0]))
    return None if codes >= 15 and " re " not in ops.replace("\n", " ") else f"{codes} run-in codes or a ruled table"


LAYOUTS = {
    "garroch-ghx-hydronic-unit-heater-installation.pdf": _merged_header,
    "auldmere-aerv-energy-recovery-ventilator-parts-list.pdf": _landscape_tables,
    "threnmoor-tfp-8-fire-alarm-panel-operation-manual.pdf": _long_manual,
    "brackenridge-fire-pump-test-report-form.pdf": _check_box_form,
    "vantry-state-fire-code-amendments-title-18.pdf": _amendment,
    "kestrelle-sb-2217-dry-sprinkler-bulletin.pdf": _revision_table,
    "sallowfield-scb-boiler-controller-alarm-codes.pdf": _codes_as_paragraphs,
}


if __name__ == "__main__":
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout5",
                       kinds=KINDS, pages=(1, 30), text_bytes=(2048, 8192), evidence_words=(4, 20), metadata_title=True,
                       layouts=LAYOUTS, locate="--locate" in sys.argv[1:]))
