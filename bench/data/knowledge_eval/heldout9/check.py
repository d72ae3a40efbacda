"""Check the ninth held-out knowledge-search evaluation set ("heldout9").

    python bench/data/knowledge_eval/heldout9/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout9/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 2-4 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout9-NNN, and the layouts this set exists for (`LAYOUTS`): the standard's Annex A sections each
mirroring an asterisked body section of the same number; the pressure-temperature grid's 39 rows of seven numbers
running over a page break with its header repeated; the checklist's Pass / Fail / N/A header on both pages and its
deficiency legend; the installation manual's 1. / a. / i. levels and its two-row specification header; the
submittal's revision block and its inch / millimetre dimension header; the test procedure's margin notes drawn
left of the text on every page under the running footer.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams, page_texts, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "spoken", "terse", "two_fact", "negation",
         "regulation", "note")


def _annex_mirrors_body(data: bytes) -> str | None:
    """Every "A.n.n" paragraph of Annex A explains a body section printed with an asterisk under the same number, so
    two passages share each number."""
    whole = " ".join(page_texts(data))
    body, _, annex = whole.partition("annex a explanatory material")
    annexed = re.findall(r"\ba\.(\d+(?:\.\d+)+) ", annex)
    starred = set(re.findall(r"(?:^| )(\d+(?:\.\d+)+)\* ", body))
    missing = [n for n in annexed if n not in starred]
    return None if len(annexed) >= 10 and not missing else f"{len(annexed)} annex items, unmatched {missing}"


def _pressure_grid(data: bytes) -> str | None:
    """The chart: one row per 5 deg F from -40 to 150 with six pressures each, its header on both pages it spans."""
    pages = page_texts(data)
    whole = " ".join(pages)
    rows = re.findall(r"(?:^| )(-?\d{1,3})((?: \d+\.\d\*?){6})(?= )", whole)
    temps = [int(t) for t, _ in rows]
    heads = [p.count("temp deg f r-22 r-134a r-410a r-404a r-32 r-454b") for p in pages]
    ok = temps == list(range(-40, 155, 5)) and heads[:2] == [1, 1]
    return None if ok else f"{len(temps)} grid rows, header per page {heads}"


def _checklist_columns(data: bytes) -> str | None:
    pages = page_texts(data)
    heads = [p.count("no. item inspected pass fail n/a def. code") for p in pages]
    legend = "code meaning priority" in pages[-1]
    return None if heads[0] >= 2 and heads[1] >= 1 and legend else f"checklist headers {heads}, legend {legend}"


def _nested_list_and_two_row_header(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    levels = [len(re.findall(rf"(?:^| ){pattern} ", whole)) for pattern in (r"\d\.", r"[a-c]\.", r"i{1,3}\.")]
    header = "model airflow (cfm) electrical recovery efficiency weight min max volts/ph fla sensible total lb" in whole
    ok = min(levels) >= 4 and header
    return None if ok else f"list items per level {levels}, two-row header {header}"


def _revision_block_and_dimensions(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    revisions = "rev date description by a 2026-05-04" in whole
    units = "d duct collar in mm in mm in mm in mm" in whole
    return None if revisions and units else f"revision block {revisions}, in / mm header {units}"


def _margin_notes(data: bytes) -> str | None:
    """Each page carries the running footer and at least one note in 7 pt italic drawn an inch or more left of the
    text column (which starts 2 in. from the paper's edge): in the margin, not above or inside the paragraph."""
    footer = [("sp-2 rev 4 - stair a and stair b pressurization" in p) for p in page_texts(data)]
    drawn_left = r"1 0 0 1 -(\d+(?:\.\d+)?) [\d.]+ cm\s+q\s+0 0 0 rg\s+BT 1 0 0 1 0 [\d.]+ Tm /F\d+ 7 Tf"
    notes = [sum(float(x) >= 72 for x in re.findall(drawn_left, s)) for s in content_streams(data)]
    italic = "/Helvetica-Oblique" in pdf_pages(data)[1]
    ok = all(footer) and all(n >= 1 for n in notes) and italic
    return None if ok else f"footer per page {footer}, margin notes per page {notes}, italic {italic}"


LAYOUTS = {
    "clss-407-water-mist-systems-standard.pdf": _annex_mirrors_body,
    "arvane-refrigerant-pressure-temperature-chart.pdf": _pressure_grid,
    "dunmere-form-q4-wet-pipe-sprinkler-inspection-calder-library.pdf": _checklist_columns,
    "tovenlund-erv-450-700-installation-manual.pdf": _nested_list_and_two_row_header,
    "merriden-cfc-fan-coil-submittal.pdf": _revision_block_and_dimensions,
    "stanwick-tower-stair-pressurization-test-procedure.pdf": _margin_notes,
}


if __name__ == "__main__":
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout9",
                       kinds=KINDS, pages=(2, 4), text_bytes=(2048, 8192), evidence_words=(4, 20), metadata_title=True,
                       layouts=LAYOUTS, locate="--locate" in sys.argv[1:]))
