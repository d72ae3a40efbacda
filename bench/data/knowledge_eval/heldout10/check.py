"""Check the tenth held-out knowledge-search evaluation set ("heldout10").

    python bench/data/knowledge_eval/heldout10/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout10/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-10 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout10-NNN, and the layouts this set exists for (`LAYOUTS`): the slide deck on landscape pages,
one slide title in big type and one "Speaker notes:" block per page, "Slide n of N" on each; the bilingual guide's
English and Spanish side by side on every page (text at both column origins, the Spanish in italics); the
catalogue's ordering-code table by position and at least eight accessory part numbers, pages labelled "D-n"; the
standard's 3.3.x definitions, its "shall" clauses and a frequency table whose lettered footnote markers each have
their footnote; the warranty's clauses numbered 1. to 12. in order, in a serif face; the start-up form's drawn
blanks and check boxes, with an expected reading in brackets beside most blanks; the drive manual's pages labelled
chapter-page ("3-2") and its section numbers restarting at 1. in every chapter; the knowledge-base article's
breadcrumbs, "Was this article helpful?" and related links; the service sheet's one table per model with the same
row labels; the plan-review checklist's check boxes; the wiring legend's dotted leaders and terminal lists.
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
from set_check import check_set, content_streams, page_texts, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "chatty")


def _slides(data: bytes) -> str | None:
    """Landscape pages, each one slide: a 26-point title, big bullets or a table, one speaker-notes block."""
    reader = PdfReader(io.BytesIO(data))
    wide = all(float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages)
    raw = pdf_pages(data)[0]
    titles = [len(re.findall(r"/F\d+ 26 Tf", s)) for s in content_streams(data)]
    notes = [page.count("Speaker notes:") for page in raw]
    labels = all(f"Slide {i} of {len(raw)}" in page for i, page in enumerate(raw, 1))
    ok = wide and len(raw) >= 8 and set(titles) == {1} and set(notes) == {1} and labels
    return None if ok else f"landscape {wide}, titles per page {titles}, notes per page {notes}, labels {labels}"


def _bilingual(data: bytes) -> str | None:
    """English in the left column and Spanish in italics in the right one, on every page."""
    streams = content_streams(data)
    right = [len(re.findall(r"1 0 0 1 252 [\d.]+ cm", s)) for s in streams]
    italic = [len(re.findall(r"/F3 9 Tf", s)) for s in streams]
    pages = page_texts(data)
    pairs = all(en in " ".join(pages) for en in ("1. safety 1. seguridad", "8. warranty 8. garantia"))
    ok = min(right) >= 5 and min(italic) >= 3 and pairs
    return None if ok else f"right-column blocks {right}, Spanish paragraphs {italic}, heading pairs {pairs}"


def _catalogue(data: bytes) -> str | None:
    text = " ".join(page_texts(data))
    positions = re.findall(r"\b(1-2|3|4-5|6-7|8|9) (family|sensing|supply voltage|relay outputs|housing|test option)\b",
                           text)
    parts = set(re.findall(r"\bq[ah]-[a-z0-9]+\b", text))
    labels = all(f"D-{i}" in page for i, page in enumerate(pdf_pages(data)[0], 1))
    ok = len(positions) == 6 and len(parts) >= 8 and labels
    return None if ok else f"{len(positions)} code positions, {len(parts)} part numbers, labels {labels}"


def _standard(data: bytes) -> str | None:
    """3.3.x definitions, "shall" clauses, and Table 6.2.1 whose footnote markers (a)-(c) each have a footnote."""
    raw = "\n".join(pdf_pages(data)[0])
    definitions = re.findall(r"^ ?3\.3\.\d+\s+[A-Z][\w/ -]+\. ", raw, flags=re.MULTILINE)
    shall = len(re.findall(r"\bshall\b", raw))
    markers = all(re.search(rf"\({m}\)\n", raw) and re.search(rf"^\({m}\) [A-Z]", raw, flags=re.MULTILINE)
                  for m in "abc")
    ok = len(definitions) >= 8 and shall >= 15 and markers and "Table 6.2.1 Inspection and Testing Frequency" in raw
    return None if ok else f"{len(definitions)} definitions, {shall} shall, footnotes {markers}"


def _clauses(data: bytes) -> str | None:
    raw = "\n".join(pdf_pages(data)[0])
    numbers = [int(n) for n in re.findall(r"^ ?(\d+)\.\s+[A-Z][A-Za-z ]+?\. ", raw, flags=re.MULTILINE)]
    fonts = pdf_pages(data)[1]
    ok = numbers == list(range(1, 13)) and {"/Times-Roman", "/Times-Bold"} <= fonts
    return None if ok else f"clauses {numbers}, fonts {sorted(fonts)}"


def _form(data: bytes) -> str | None:
    """Drawn fill-in blanks (a rule 110.88 pt long), drawn check boxes, expected readings in brackets."""
    streams = "\n".join(content_streams(data))
    blanks = len(re.findall(r"n 241\.92 0 m 352\.8 0 l S", streams))
    boxes = len(re.findall(r"n 0 0 m 10 0 l S", streams))  # the bottom edge of each box
    expected = len(re.findall(r"\[[^\]]+\]", " ".join(page_texts(data))))
    ok = blanks >= 20 and boxes >= 10 and expected >= 15
    return None if ok else f"{blanks} blanks, {boxes} check boxes, {expected} expected readings"


def _chapters(data: bytes) -> str | None:
    """Pages labelled chapter-page, a chapter over two pages, and section 1. restarting in every chapter."""
    raw = pdf_pages(data)[0]
    labels = [re.findall(r"^(\d)-(\d)$", page, flags=re.MULTILINE) for page in raw]
    chapters = [int(c) for c in re.findall(r"^Chapter (\d)$", "\n".join(raw), flags=re.MULTILINE)]
    firsts = len(re.findall(r"^1\. [A-Z]", "\n".join(raw), flags=re.MULTILINE))
    ok = [lab[0] for lab in labels if lab] == [("1", "1"), ("2", "1"), ("3", "1"), ("3", "2"), ("4", "1")] \
        and sorted(set(chapters)) == [1, 2, 3, 4] and firsts == 4
    return None if ok else f"labels {labels}, chapters {chapters}, {firsts} sections numbered 1."


LAYOUTS = {
    "corvelle-academy-module-4-economizer-commissioning-slides.pdf": _slides,
    "lorento-ldh-ductless-wall-unit-guide-english-spanish.pdf": _bilingual,
    "quorran-qds-duct-smoke-detector-catalogue.pdf": _catalogue,
    "dsc-805-fire-and-smoke-damper-inspection-standard-excerpt.pdf": _standard,
    "rushmere-rcb-boiler-limited-warranty.pdf": _clauses,
    "ellery-ews-water-source-heat-pump-start-up-report.pdf": _form,
    "sartham-svx-hvac-drive-user-manual.pdf": _chapters,
}


def _text_layouts() -> list[str]:
    problems = []
    kb = (DOCS / "wyncroft-kb-4471-wt-500-thermostat-no-power.txt").read_text(encoding="utf-8")
    if not kb.startswith("Home > Support > Knowledge Base > ") or "Was this article helpful?" not in kb \
            or len(re.findall(r"^  > KB-\d{4} ", kb, flags=re.MULTILINE)) < 3:
        problems.append("knowledge-base article: breadcrumbs, helpful prompt or related links missing")
    sheet = (DOCS / "ravelle-rgu-gas-unit-heater-service-data-by-model.md").read_text(encoding="utf-8")
    tables = re.findall(r"^## (RGU-\d+)\n\n\| Item \| \1 \|\n\|---\|---\|\n((?:\|.*\|\n)+)", sheet, flags=re.MULTILINE)
    rows = {tuple(re.findall(r"^\| ([^|]+?) \|", body, flags=re.MULTILINE)) for _, body in tables}
    if len(tables) < 5 or len(rows) != 1:
        problems.append(f"service sheet: {len(tables)} model tables, {len(rows)} different row lists")
    checklist = (DOCS / "marlow-heights-fpb-sprinkler-plan-review-checklist.md").read_text(encoding="utf-8")
    if len(re.findall(r"^- \[ \] \d\.\d ", checklist, flags=re.MULTILINE)) < 25:
        problems.append("checklist: fewer than 25 numbered check boxes")
    legend = (DOCS / "tenmoor-tcu-condensing-unit-wiring-diagram-legend.txt").read_text(encoding="utf-8")
    leaders = len(re.findall(r"^\S.*? \.{4,} \S", legend, flags=re.MULTILINE))
    terminals = len(re.findall(r"^TB[12]-", legend, flags=re.MULTILINE))
    if leaders < 25 or terminals < 7:
        problems.append(f"legend: {leaders} dotted-leader lines, {terminals} terminal lines")
    return problems


if __name__ == "__main__":
    text_problems = _text_layouts()
    for problem in text_problems:
        print("text layout problem: " + problem)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout10",
                       kinds=KINDS, pages=(1, 10), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
