"""Check the eighth held-out knowledge-search evaluation set ("heldout8").

    python bench/data/knowledge_eval/heldout8/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout8/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-6 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout8-NNN, and the layouts this set exists for (`LAYOUTS`, and `TEXT_LAYOUTS` for the text
files): the bulletin's serial ranges and superseded-by chain, the boiler manual's comma decimals and its parameter
list really running from one page onto the next, the VRF guide's ON / OFF switch tables and wire gauge by run
length, the flash-code table, the matrix really on a landscape page under lettered columns, the city code's
(a)(1)(A)(i) nesting and cross-references, the two sprinkler sheets really siblings (the same sections, different
values); the OCR export's form feeds, running header and words hyphenated at line ends, the release notes' HTML
tables and nested lists, the owner's manual's numbered warnings.
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

from documents import DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, page_texts  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "spoken", "terse", "chatty", "two_fact",
         "negation", "regulation")


def _bulletin(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    chain = whole.count("superseded by vsb-")
    ranges = len(re.findall(r"vcu-0\d\d vl\d{4}-\d{5} vl\d{4}-\d{5}", whole))
    return None if chain >= 2 and ranges == 3 else f"{chain} superseded-by rows, {ranges} serial range rows"


def _metric_parameters(data: bytes) -> str | None:
    pages = page_texts(data)
    first = next((n for n, t in enumerate(pages) if "p01 boiler type" in t), None)
    last = next((n for n, t in enumerate(pages) if "p40 reset parameters" in t), None)
    commas = len(re.findall(r"\d,\d+ bar", " ".join(pages)))
    if first is None or last is None or last != first + 1:
        return f"parameter list from page {first} to page {last}, not over two pages"
    return None if commas >= 4 else f"{commas} comma-decimal bar values"


def _dip_switches(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    ons = len(re.findall(r"\bon\b", whole))
    gauge = whole.count("up to 50 ft 51 - 100 ft 101 - 150 ft 151 - 200 ft")
    return None if ons >= 20 and gauge == 2 else f"{ons} ON cells, {gauge} wire gauge tables"


def _flash_codes(data: bytes) -> str | None:
    first = page_texts(data)[0]
    return None if "led meaning what to check" in first and "2 short, 1 long gas valve relay" in first else \
        "no flash-code table"


def _matrix(data: bytes) -> str | None:
    reader = PdfReader(io.BytesIO(data))
    wide = [n for n, page in enumerate(reader.pages, 1) if float(page.mediabox.width) > float(page.mediabox.height)]
    head = "no. input a b c d e f g h i j k l remarks"
    at = [n for n, text in enumerate(page_texts(data), 1) if head in text]
    return None if wide == [2] and at == [2] else f"landscape pages {wide}, matrix on pages {at}"


def _nested_code(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    levels = all(re.search(p, whole) for p in (r"\(c\) contents", r"\(1\) keys", r"\(a\) the fire alarm", r"\(ii\) "))
    refs = len(re.findall(r"section 9\.24\.0\d0\([a-d]\)", whole))
    return None if levels and refs >= 4 else f"nesting down to (i): {levels}, {refs} cross-references"


def _siblings(data: bytes) -> str | None:
    other = {"QS-4": "quarrow-qs8.pdfsrc", "QS-8": "quarrow-qs4.pdfsrc"}
    mine = page_texts(data)
    model = "QS-4" if "model qs-4 quick" in mine[0] else "QS-8"
    theirs = page_texts(build_pdf(other[model])[1])
    heads = ("technical data", "temperature ratings", "approvals", "installation", "care and maintenance", "ordering")
    same = all(h in " ".join(mine) and h in " ".join(theirs) for h in heads) and len(mine) == len(theirs)
    return None if same and mine != theirs else "not two sibling sheets with the same sections"


LAYOUTS = {
    "velmora-vsb-24-031-vcu-condenser-fan-capacitor-bulletin.pdf": _bulletin,
    "termoval-kondensa-k24-k32-boiler-installation-service-manual.pdf": _metric_parameters,
    "kazeyama-kvx-m-vrf-outdoor-unit-installer-guide.pdf": _dip_switches,
    "calderon-ign-7-ignition-control-led-diagnostics.pdf": _flash_codes,
    "larkmoor-library-fire-alarm-sequence-of-operations-matrix.pdf": _matrix,
    "harwick-bay-municipal-code-chapter-9-24-fire-code-amendments.pdf": _nested_code,
    "quarrow-qs-4-k56-pendent-sprinkler-data-sheet.pdf": _siblings,
    "quarrow-qs-8-k80-pendent-sprinkler-data-sheet.pdf": _siblings,
}


def _ocr_export(text: str) -> str | None:
    feeds = text.count("\f")
    headers = text.count("BELLCROFT RC SERIES          OPERATION AND MAINTENANCE")
    hyphens = len(re.findall(r"[a-z]-\n[a-z]", text))
    return None if feeds >= 4 and headers == feeds + 1 and hyphens >= 8 else \
        f"{feeds} form feeds, {headers} page headers, {hyphens} words hyphenated at line ends"


def _html_tables(text: str) -> str | None:
    tables, nested = text.count("<table>"), len(re.findall(r"^ {2,}(- |\d\. )", text, re.M))
    return None if tables == 2 and nested >= 8 else f"{tables} HTML tables, {nested} nested list items"


def _numbered_warnings(text: str) -> str | None:
    found = re.findall(r"^\d\. \*\*WARNING (\d)\.\*\*", text, re.M)
    return None if found == [str(n) for n in range(1, 7)] else f"numbered warnings {found}"


TEXT_LAYOUTS = {
    "bellcroft-rc-series-air-cooled-chiller-1987-manual-ocr.txt": _ocr_export,
    "stellan-ngx-4-bacnet-gateway-firmware-release-notes.md": _html_tables,
    "ardentguard-ag-3-kitchen-suppression-owners-manual.md": _numbered_warnings,
}


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout8",
                       kinds=KINDS, pages=(1, 6), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
