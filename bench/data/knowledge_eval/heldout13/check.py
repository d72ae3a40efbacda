"""Check the thirteenth held-out knowledge-search evaluation set ("heldout13").

    python bench/data/knowledge_eval/heldout13/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout13/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-4 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout13-NNN, and the layouts this set exists for (`LAYOUTS`): the charging chart's eleven rows of
outdoor temperature by nine wet bulb columns; the ITM schedule's Weekly / Monthly / Quarterly / Annual / 5-Year
header on a landscape page; the troubleshooting table's Symptom / Possible cause / Remedy header on two pages; the
IOM's MCA / MOCP and RLA / LRA columns under three supply voltages; the parts list's callouts 1-12; the backflow
rule in a serif face on pages labelled "B-n"; and in the text documents the ordinance's eight SECTIONs, the
e-mail's headers over a quoted original, the sequence's numbered paragraphs and the reference card's torque table.
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

from documents import DOCS, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, page_texts, pdf_pages  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "regulation", "counted", "chatty")


def _chart(data: bytes) -> str | None:
    """Outdoor dry bulb 65-115 F down the side, each row followed by nine superheat cells (a number or "--")."""
    raw = pdf_pages(data)[0][0]
    rows = re.findall(r"^(\d{2,3})\n(?:(?:--|\d{1,2})\n){8}(?:--|\d{1,2})$", raw, flags=re.MULTILINE)
    ok = rows == [str(t) for t in range(65, 120, 5)] and "Indoor wet bulb at the return air (F)" in raw
    return None if ok else f"chart rows {rows}"


def _schedule(data: bytes) -> str | None:
    """The frequency table on a landscape page under its five interval columns."""
    reader = PdfReader(io.BytesIO(data))
    wide = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
    header = [bool(re.search(r"weekly monthly quarterly annual 5-year notes", p)) for p in page_texts(data)]
    ok = any(w and h for w, h in zip(wide, header))
    return None if ok else f"landscape pages {wide}, interval header on pages {header}"


def _troubleshooting(data: bytes) -> str | None:
    """The Symptom / Possible cause / Remedy header on two pages: the table runs over a page break."""
    heads = [p.count("symptom possible cause remedy") for p in page_texts(data)]
    return None if sum(heads) >= 2 and heads[-1] >= 1 else f"table header per page {heads}"


def _electrical(data: bytes) -> str | None:
    """Three supply voltages as column groups, each with MCA / MOCP, and with RLA / LRA."""
    text = " ".join(page_texts(data))
    groups = "model 208/230-1-60 208/230-3-60 460-3-60"
    ok = text.count(groups) == 2 and "mca mocp mca mocp mca mocp" in text and "rla lra rla lra rla lra" in text
    return None if ok else "voltage column groups or MCA / MOCP / RLA / LRA sub-columns missing"


def _callouts(data: bytes) -> str | None:
    """Every callout 1-12 starts a row of the parts table with a VH- part number."""
    raw = pdf_pages(data)[0][0]
    numbers = sorted({int(n) for n in re.findall(r"^(\d{1,2})\nVH-\d{4}\n", raw, flags=re.MULTILINE)})
    return None if numbers == list(range(1, 13)) else f"callouts {numbers}"


def _rule(data: bytes) -> str | None:
    raw, fonts = pdf_pages(data)
    labels = all(f"B-{i}" in page for i, page in enumerate(raw, 1))
    ok = labels and {"/Times-Roman", "/Times-Bold"} <= fonts
    return None if ok else f"labels {labels}, fonts {sorted(fonts)}"


LAYOUTS = {
    "tavira-tsc-condensing-unit-charging-guide.pdf": _chart,
    "halvorsen-fire-protection-itm-frequency-schedule.pdf": _schedule,
    "frostline-flc-4-walk-in-controller-troubleshooting.pdf": _troubleshooting,
    "oberlin-oph-packaged-heat-pump-iom.pdf": _electrical,
    "vandermeer-vb-boiler-burner-gas-train-parts-list.pdf": _callouts,
    "cascade-valley-wd-backflow-field-test-procedures.pdf": _rule,
}


def _text_layouts() -> list[str]:
    problems = []
    ordinance = (DOCS / "fairhaven-springs-ordinance-2026-14-code-adoption.txt").read_text(encoding="utf-8")
    if [int(n) for n in re.findall(r"^SECTION (\d)\. ", ordinance, flags=re.MULTILINE)] != list(range(1, 9)):
        problems.append("ordinance: SECTION 1. to 8. not all present in order")
    mail = (DOCS / "fw-carrow-sb-24-117-inducer-pressure-switch-email.txt").read_text(encoding="utf-8")
    if not re.match(r"From: .+\nTo: .+\nDate: .+\nSubject: FW: ", mail) or "-----Original Message-----" not in mail:
        problems.append("e-mail: headers or quoted original missing")
    sequence = (DOCS / "lakeview-ms-ahu-3-gym-sequence-of-operation.md").read_text(encoding="utf-8")
    if len(re.findall(r"^\d\.\d \S", sequence, flags=re.MULTILINE)) < 15:
        problems.append("sequence: fewer than 15 numbered paragraphs")
    card = (DOCS / "pinecrest-mechanical-field-reference-flare-brazing-evacuation.md").read_text(encoding="utf-8")
    if len(re.findall(r"^\| [\d/]+ in\. \| \d{2} mm \|", card, flags=re.MULTILINE)) != 5:
        problems.append("reference card: torque table rows missing")
    return problems


if __name__ == "__main__":
    text_problems = _text_layouts()
    for problem in text_problems:
        print("text layout problem: " + problem)
    status = check_set(folder=HERE, documents=documents, id_prefix="heldout13", kinds=KINDS, pages=(1, 4),
                       text_bytes=(2048, 8192), evidence_words=(4, 20), metadata_title=True, layouts=LAYOUTS,
                       locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
