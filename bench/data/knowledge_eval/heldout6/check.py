"""Check the sixth held-out knowledge-search evaluation set ("heldout6").

    python bench/data/knowledge_eval/heldout6/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout6/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-6 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout6-NNN, and the layouts this set exists for (`LAYOUTS`): the fan manual's boxed Warning /
Caution / Danger notices and its two figures with numbered callouts, the terminal table really running over three
pages with its header repeated on each, the spec sheet's footnote markers really set as superscripts, the
ordinance's (a)(1)(i) clauses and its cross-references, the commissioning procedure's three- and four-level step
numbers under a running header that names the current step, the troubleshooting chart's symptoms each printed once
over a merged cell, and the bulletin's Was / Now columns.
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

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation", "note", "spoken", "two_fact",
         "step", "negation")


def _boxes_and_figures(data: bytes) -> str | None:
    """Each hazard notice is set as a boxed block, its upper-case label alone on the first line (an inline notice
    reads "Warning: ..."), and the callouts 1-14 follow their two figure captions."""
    raw = "\n".join(pdf_pages(data)[0])
    labels = len(re.findall(r"^(WARNING|CAUTION|DANGER)$", raw, flags=re.MULTILINE))
    whole = " ".join(page_texts(data))
    figures = whole.count("figure 1. crx fan") + whole.count("figure 2. belt drive")
    callouts = all(re.search(rf"(^| ){n} [a-z]", whole) for n in range(1, 15))
    ok = labels >= 4 and figures == 2 and callouts
    return None if ok else f"{labels} boxed notices, {figures} figures, callouts {callouts}"


def _three_page_terminal_table(data: bytes) -> str | None:
    heads = [text.count("block term. function rating wiring notes") for text in page_texts(data)]
    return None if heads[:3] == [1, 1, 1] else f"terminal table header per page {heads}"


def _superscript_markers(data: bytes) -> str | None:
    """reportlab sets <super> with a text rise (`Ts`); a marker typed inline would have none."""
    rises = sum(len(re.findall(r"\d+(\.\d+)? Ts", stream)) for stream in content_streams(data))
    return None if rises >= 12 else f"{rises} superscript text rises"


def _clauses_and_references(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    deepest = len(re.findall(r"\((i|ii)\) ", whole))
    references = len(re.findall(r"sec\. 11-4\d\([a-z]\)|subsection \([a-z]\)", whole))
    return None if deepest >= 2 and references >= 4 else f"{deepest} (i)-level clauses, {references} cross-references"


def _nested_steps(data: bytes) -> str | None:
    pages = page_texts(data)
    whole = " ".join(pages)
    third = len(re.findall(r"step \d\.\d\.\d ", whole))
    fourth = len(re.findall(r"step \d\.\d\.\d\.\d ", whole))
    headers = {m.group(1) for text in pages if (m := re.search(r"cp-40-02 - (step \d [a-z ]+?) ", text))}
    ok = third >= 10 and fourth >= 1 and len(headers) == len(pages)
    return None if ok else f"{third} three-level steps, {fourth} four-level, running headers {sorted(headers)}"


def _merged_symptoms(data: bytes) -> str | None:
    """Each symptom printed once, above the first of its cause rows, and more cause rows than symptoms: the symptom
    cell is merged down over its causes (a chart repeating the symptom per row would fail the first test)."""
    first = page_texts(data)[0]
    symptoms = ("display reads low batt", "inverter will not transfer", "emergency lights flicker",
                "unit shuts off after 20", "fan runs all the time", "alarm horn sounds")
    counts = [first.count(s) for s in symptoms]
    causes = len(re.findall(r"(replace|set|wait|hold|move|cool|lvd|clean|wash|megger) ", first))
    ok = counts == [1] * len(symptoms) and causes >= 15 and "^" not in first
    return None if ok else f"symptom counts {counts}, {causes} remedies"


def _was_now_table(data: bytes) -> str | None:
    return None if "item was (sb-0877) now (sb-0931) remark" in page_texts(data)[0] else "no Was / Now table"


LAYOUTS = {
    "corrimont-crx-upblast-smoke-exhaust-fan-installation.pdf": _boxes_and_figures,
    "pellcross-prp-3-releasing-panel-terminal-schedule.pdf": _three_page_terminal_table,
    "feldcrest-fcx-condensing-unit-specifications.pdf": _superscript_markers,
    "port-ambry-ordinance-2025-14-fire-alarm-systems.pdf": _clauses_and_references,
    "ostlyn-ocr-40-co2-rack-commissioning-procedure.pdf": _nested_steps,
    "lumarra-lci-central-inverter-troubleshooting.pdf": _merged_symptoms,
    "caskell-sb-0931-double-check-assembly-bulletin.pdf": _was_now_table,
}


if __name__ == "__main__":
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout6",
                       kinds=KINDS, pages=(1, 6), text_bytes=(2048, 8192), evidence_words=(4, 20), metadata_title=True,
                       layouts=LAYOUTS, locate="--locate" in sys.argv[1:]))
