"""Check the seventeenth held-out knowledge-search evaluation set ("heldout17").

    python bench/data/knowledge_eval/heldout17/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout17/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once in its document and on its page, every fact inside it); this
set's own limits: PDFs 1-4 pages with the upload title equal to the PDF's metadata title, Markdown and text files
2-6 KB, evidence 3-22 words (a cell of an HTML table can be the whole evidence), ids heldout17-NNN, and the layouts
this set exists for (`LAYOUTS` and `_text_layouts`): the rooftop manual's 24-row electrical table running over a
page break under its repeated header; the rule's (a)(1)(i) clauses in Times citing its tag-colour table; the zone
panel's half-letter pages and terminal tables; the door report's 13 checklist items and 14 door rows; the spec
sheet's four model columns in two tables; the scan's running headers and page numbers mid-text and its space-aligned
nozzle chart; the support page's HTML tables, alert blocks and entities; the error list's sub-codes; the bulletin's
header block and serial ranges; the local law's lettered subsections 92-4(F) to (K); the cross-reference's two
Markdown tables; the panel printout's 41 fixed-width device lines. Prints the counts per kind and per document.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import DOCS, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, page_texts, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "regulation", "chatty")


def _electrical(data: bytes) -> str | None:
    """Eight models by three voltages, in order, with the table header on both pages the rows are on."""
    raw = pdf_pages(data)[0]
    rows = [re.findall(r"^(QRT-\d{3})\n(208/230-3|460-3|575-3)$", page, flags=re.MULTILINE) for page in raw]
    flat = [r for page in rows for r in page]
    expected = [(f"QRT-{m}", v) for m in ("036", "048", "060", "072", "090", "102", "120", "150")
                for v in ("208/230-3", "460-3", "575-3")]
    on = [i for i, page in enumerate(rows) if page]
    heads = [page.count("charge lb-oz") for page in page_texts(data)]
    ok = flat == expected and len(on) == 2 and all(heads[i] == 1 for i in on)
    return None if ok else f"rows on pages {on}, header counts {heads}, {len(flat)} rows"


def _rule(data: bytes) -> str | None:
    """Nested clauses (c)(2)(i)-(iii) and a table the clauses cite, set in Times."""
    raw, fonts = pdf_pages(data)
    text = " ".join(page_texts(data))
    ok = ("(c) size and material. (1)" in text and "(i) be attached" in text and "(iii) not obstruct" in text
          and text.count("table 212-7-4") >= 3 and "tag color condition found contractor action" in text
          and {"/Times-Roman", "/Times-Bold"} <= fonts)
    return None if ok else "clauses, table references or serif face missing"


def _terminals(data: bytes) -> str | None:
    """Half-letter pages, the TB1 terminal table and the zone terminal table."""
    reader = PdfReader(io.BytesIO(data))
    half = all(round(float(p.mediabox.width)) == 396 and round(float(p.mediabox.height)) == 612 for p in reader.pages)
    text = " ".join(page_texts(data))
    ok = half and "terminal connects to function wire" in text and "terminal connects to function tr " in text
    return None if ok else f"half-letter {half}, terminal tables missing"


def _doors(data: bytes) -> str | None:
    """The 13 checklist items and 14 door rows, each with a P or F result."""
    raw = "\n".join(pdf_pages(data)[0])
    doors = re.findall(r"^(D-\d{3})\n.*?\n\d{2} min\n([PF])$", raw, flags=re.MULTILINE | re.DOTALL)
    items = "13 hold-open devices release on alarm" in " ".join(page_texts(data))
    ok = len({d for d, _ in doors}) == 14 and items
    return None if ok else f"{len(doors)} door rows, item 13 {items}"


def _models(data: bytes) -> str | None:
    """The four sibling models as the columns of both specification tables."""
    text = " ".join(page_texts(data))
    return None if text.count("specification pcw-150 pcw-199 pcw-285 pcw-399") == 2 else "model columns missing"


LAYOUTS = {
    "quellmark-qrt-rooftop-unit-installation-service-manual.pdf": _electrical,
    "calloway-sfm-chapter-212-7-service-tags.pdf": _rule,
    "harrowgate-hz-6-zone-panel-wiring-guide.pdf": _terminals,
    "harbor-point-mob-fire-door-inspection-2026.pdf": _doors,
    "pellaton-pcw-condensing-water-heater-specifications.pdf": _models,
}


def _text_layouts() -> list[str]:
    def read(name: str) -> str:
        return (DOCS / name).read_text(encoding="utf-8")

    problems = []
    scan = read("fenwick-fr3-oil-burner-instructions-1979-scan.txt")
    chart = re.findall(r"^ {4}\d\.\d\d {10,}\d\.\d\d  \d\d [AB] {6}\d{3} PSI", scan, flags=re.MULTILINE)
    if len(chart) != 8 or scan.count("FENWICK FR-3 INSTRUCTIONS") != 2 or "trans-\nformer" not in scan:
        problems.append("scan: nozzle chart rows, running headers or line-end hyphen missing")
    page = read("ostrander-ogd-2-gas-detector-calibration-support-page.md")
    if page.count("<table") != 3 or page.count('<div class="alert') != 2 or "&gt;" not in page or "<ol>" not in page:
        problems.append("support page: HTML tables, alert blocks, entities or list missing")
    codes = read("aquavane-avx-tankless-water-heater-error-codes.md")
    if len(re.findall(r"^- \*\*E\d\d\.\d\*\* ", codes, flags=re.MULTILINE)) != 23:
        problems.append("error codes: 23 sub-code items expected")
    bulletin = read("sable-ridge-sb-26-014-srm-outdoor-fan-motor-connector.txt")
    if not re.match(r"SABLE RIDGE.*\nTECHNICAL SERVICE BULLETIN\n\nBulletin No\.: +SB-26-014\n", bulletin) \
            or len(re.findall(r"\d{4}[HJK]\d{5} through \d{4}[HJK]\d{5}", bulletin)) != 3:
        problems.append("bulletin: header block or serial ranges missing")
    law = read("eastbrook-local-law-3-2026-fire-code-amendments.txt")
    if re.findall(r"^  92-4\(([A-Z])\)", law, flags=re.MULTILINE) != list("FGHIJK"):
        problems.append("local law: subsections 92-4(F) to (K) missing")
    cross = read("dunmore-legacy-actuator-replacement-cross-reference.md")
    if len(re.findall(r"^\| Legacy model \|", cross, flags=re.MULTILINE)) != 2:
        problems.append("cross-reference: two tables expected")
    report = read("keystone-commons-facp-device-list-report.txt")
    if len(re.findall(r"^[12]-0\d\d {3}\S+ +.{34} (?:Z\d\d|--) ", report, flags=re.MULTILINE)) != 41:
        problems.append("device list: 41 fixed-width device lines expected")
    return problems


if __name__ == "__main__":
    text_problems = _text_layouts()
    for problem in text_problems:
        print("text layout problem: " + problem)
    status = check_set(folder=HERE, documents=documents, id_prefix="heldout17", kinds=KINDS, pages=(1, 4),
                       text_bytes=(2048, 6144), evidence_words=(3, 22), metadata_title=True, layouts=LAYOUTS,
                       locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
