"""Check the seventh held-out knowledge-search evaluation set ("heldout7").

    python bench/data/knowledge_eval/heldout7/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout7/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-4 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout7-NNN, and the layouts this set exists for (`LAYOUTS`): the two sibling compressor manuals
really set in two newspaper columns on every page under a full-width band, with the same section headings and
different values; the tube heater manual's headings across the page over text balanced in two columns; the ITM
program's "Component | Activity | Frequency | Reference" header on each of its pages; the Safety Data Sheet's
sixteen "SECTION n:" parts in order; the gas controller manual's headings as ALL-CAPS lines without numbers, its
"Doc 44-118 Rev C  Page n of N" footers and its typography (en-dash ranges, fractions, "±", "°F", dual units); the
insurer data sheet's four-level numbers with Commentary paragraphs between them; the letter's lack of any heading
(one serif text font, no bold); the e-mail thread's quoted lines and its answers in replies; the Markdown matrix's
`<br>` cells.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams, page_texts, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "regulation", "note", "spoken",
         "two_fact", "units", "negation")

LEFT_X, RIGHT_X = 54, (317, 306)  # the left margin, and where the right column starts (banded / balanced layout)


def _x_origins(stream: str) -> Counter:
    """How many blocks a page draws at each x origin (reportlab places each paragraph or cell with a `cm`)."""
    return Counter(round(float(x)) for x in re.findall(r"1 0 0 1 ([\d.]+) [\d.]+ cm", stream))


def _two_columns(data: bytes, right: int) -> str | None:
    pages = [_x_origins(stream) for stream in content_streams(data)]
    short = [n + 1 for n, xs in enumerate(pages) if xs[LEFT_X] < 2 or xs[right] < 2]
    return f"pages without text in both columns: {short}" if short else None


def _section_titles(data: bytes) -> list[str]:
    return re.findall(r"^(\d) ([A-Z][A-Za-z -]+)$", "\n".join(pdf_pages(data)[0]), flags=re.MULTILINE)


def _sibling_columns(data: bytes) -> str | None:
    """Two newspaper columns on every page, the model's name in the full-width band atop page 1, and the same
    numbered sections 1-9 as its sibling (same structure, different values)."""
    if problem := _two_columns(data, RIGHT_X[0]):
        return problem
    first = pdf_pages(data)[0][0].splitlines()[0]
    sibling = {"XR-200": "brisvane300.pdfsrc", "XR-300": "brisvane200.pdfsrc"}
    model = next((m for m in sibling if m in first), None)
    if model is None:
        return f"band line {first!r}"
    other = build_pdf(sibling[model])[1]
    mine, theirs = _section_titles(data), _section_titles(other)
    if len(mine) != 9 or mine != theirs:
        return f"sections {mine} against the sibling's {theirs}"
    return None if page_texts(data) != page_texts(other) else "same text as the sibling"


def _balanced_columns(data: bytes) -> str | None:
    if problem := _two_columns(data, RIGHT_X[1]):
        return problem
    spanning = len(_section_titles(data))
    return None if spanning >= 8 else f"{spanning} headings across the page"


def _program_table(data: bytes) -> str | None:
    heads = [text.count("component activity frequency reference") for text in page_texts(data)]
    return None if len(heads) >= 2 and all(h == 1 for h in heads) else f"program table header per page {heads}"


def _sds_sections(data: bytes) -> str | None:
    numbers = [int(n) for n in re.findall(r"section (\d+): ", " ".join(page_texts(data)))]
    return None if numbers == list(range(1, 17)) else f"SDS sections {numbers}"


def _caps_headings_and_typography(data: bytes) -> str | None:
    raw_pages = pdf_pages(data)[0]
    lines = [line.strip() for page in raw_pages for line in page.splitlines()]
    caps = [line for line in lines if len(line) > 6 and line == line.upper() and re.fullmatch(r"[A-Z0-9 -]+", line)
            and not re.search(r"\d", line) and line not in ("HALBROOK DETECTION SYSTEMS",)]
    n = len(raw_pages)
    footers = [f"Doc 44-118 Rev C  Page {i} of {n}" in page for i, page in enumerate(raw_pages, 1)]
    whole = " ".join(raw_pages)
    marks = {mark: mark in whole for mark in ("–", "±", "°F", "½", "¼", "¾", "(1.2–1.8 m)")}
    # the headings are the 10-point bold lines: none of them numbered, all in capitals
    heads = [h for stream in content_streams(data) for h in re.findall(r"/F2 10 Tf [\d.]+ TL \((.*?)\) Tj", stream)]
    numbered = len(heads) < 12 or any(re.match(r"\d", h) or h != h.upper() for h in heads)
    ok = len(caps) >= 12 and all(footers) and all(marks.values()) and not numbered
    return None if ok else f"{len(caps)} caps headings, footers {footers}, marks {marks}, numbered {bool(numbered)}"


def _recommendations_and_commentary(data: bytes) -> str | None:
    raw = "\n".join(pdf_pages(data)[0])
    fourth = re.findall(r"^ ?(\d\.\d\.\d\.\d)  ", raw, flags=re.MULTILINE)
    comments = len(re.findall(r"^Commentary: ", raw, flags=re.MULTILINE))
    # each Commentary follows a recommendation, not a heading
    after = re.findall(r"(\S+)[^\n]*\n(?:[^\n]*\n)*?Commentary: ", raw)
    ok = len(fourth) >= 12 and comments >= 6 and len(set(fourth)) == len(fourth)
    return None if ok else f"{len(fourth)} four-level numbers, {comments} commentaries ({len(after)})"


def _letter_without_headings(data: bytes) -> str | None:
    """One serif text font and no bold or larger type anywhere in the body: a letter, not a manual."""
    pages, fonts = pdf_pages(data)
    sizes = {size for stream in content_streams(data) for size in re.findall(r"/F\d+ ([\d.]+) Tf", stream)}
    ok = fonts == {"/Times-Roman", "/Helvetica"} and sizes <= {"11", "7", "12"} and len(pages) >= 2
    return None if ok else f"fonts {sorted(fonts)}, sizes {sorted(sizes)}, {len(pages)} pages"


LAYOUTS = {
    "brisvane-xr-200-dry-system-air-compressor-manual.pdf": _sibling_columns,
    "brisvane-xr-300-dry-system-air-compressor-manual.pdf": _sibling_columns,
    "vennick-vrt-infrared-tube-heater-installation-and-service.pdf": _balanced_columns,
    "wrenfield-logistics-building-3-owner-itm-program.pdf": _program_table,
    "norvane-nr-32-refrigerant-safety-data-sheet.pdf": _sds_sections,
    "halbrook-hgc-8-garage-gas-detection-controller-manual.pdf": _caps_headings_and_typography,
    "ardwick-mutual-data-sheet-7-14-cooling-towers.pdf": _recommendations_and_commentary,
    "tenbury-fire-letter-calder-court-annual-inspection.pdf": _letter_without_headings,
}


def _text_layouts() -> list[str]:
    """The thread quotes earlier messages with "> " and answers below the quote; the matrix joins lines with <br>."""
    problems = []
    thread = (DOCS / "quayside-controls-support-thread-zb-14-damper-actuators.txt").read_text(encoding="utf-8")
    quoted = len(re.findall(r"^> \S", thread, flags=re.MULTILINE))
    replies = len(re.findall(r"^Subject: RE: ", thread, flags=re.MULTILINE))
    if quoted < 5 or replies < 5:
        problems.append(f"thread: {quoted} quoted lines, {replies} replies")
    matrix = (DOCS / "marlstone-hospital-bas-alarm-response-matrix.md").read_text(encoding="utf-8")
    rows = [line for line in matrix.splitlines() if line.startswith("| `")]
    if len(rows) < 12 or sum("<br>" in row for row in rows) < 10:
        problems.append(f"matrix: {len(rows)} rows, {sum('<br>' in r for r in rows)} with <br>")
    return problems


if __name__ == "__main__":
    text_problems = _text_layouts()
    for problem in text_problems:
        print("text layout problem: " + problem)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout7",
                       kinds=KINDS, pages=(1, 4), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
