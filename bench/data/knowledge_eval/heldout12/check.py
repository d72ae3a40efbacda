"""Check the twelfth held-out knowledge-search evaluation set ("heldout12").

    python bench/data/knowledge_eval/heldout12/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout12/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-4 pages with the upload title equal to the PDF's metadata title, Markdown and text files 1.5-8 KB, evidence
3-24 words, ids heldout12-NNN, and the layouts this set exists for (`LAYOUTS`, and `TEXT_LAYOUTS` for the text
files): the data sheet's units in their own header row and its footnote marks; the standard's "N" markers, drawn
change bars and annex; the amendment's struck and underlined runs; the fault table over three pages under a
repeated header; the matrix's X marks; bold body-size headings only and the model family only in the running
header; the label's two languages; the terminal table; the bulletin's Q / A pairs, the runbook's nested numbered
steps, the export's `key=value` lines over CSV rows and the typewritten manual's PARA. numbers and dotted leaders.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, content_streams, page_texts  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "regulation")


def _units_row(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    units = "btu/h lb-oz in. in. db(a) lb bcu-024" in whole and "protection§ a a a a a bcu-024" in whole
    marks = all(m in whole for m in ("charge*", "power†", "1-1/8‡", "§ hacr", "¶ line sets"))
    return None if units and marks else f"units row: {units}, footnote marks: {marks}"


def _revision_marks(data: bytes) -> str | None:
    pages, streams = page_texts(data), content_streams(data)
    new = len(re.findall(r"\bn\b", " ".join(pages)))
    bars = streams[0].count(" l S") if streams else 0
    annex = "annex a explanatory material" in pages[-1] and "a.7.3.2" in pages[-1]
    return None if new >= 7 and bars >= 5 and annex else f"{new} N markers, {bars} drawn marks, annex: {annex}"


def _strike_underline(data: bytes) -> str | None:
    strokes = content_streams(data)[0].count(" l")
    text = page_texts(data)[0]
    both = "not less than 0.5 1.0 cubic feet" in text and "takes effect january 1, 2027 july 1, 2027" in text
    return None if strokes >= 20 and both else f"{strokes} drawn strokes, deleted beside added: {both}"


def _three_page_table(data: bytes) -> str | None:
    pages = page_texts(data)
    heads = [n for n, t in enumerate(pages, 1) if "code type meaning action" in t]
    spread = [n for n, t in enumerate(pages, 1) if re.search(r"\be(01|17|36)\b", t)]
    return None if heads == [1, 2, 3] and spread == [1, 2, 3] else f"header on pages {heads}, rows on {spread}"


def _matrix(data: bytes) -> str | None:
    text = page_texts(data)[0]
    head = "task monthly quarterly semi-annual annual 5 years" in text
    marks = len(re.findall(r" x(?= –| talvora| \d+\. )", text))
    return None if head and marks == 19 else f"header: {head}, {marks} X marks"


def _header_only_family(data: bytes) -> str | None:
    pages = page_texts(data)
    family = sum("ravenel rpz-700 series" in t for t in pages)
    body = " ".join(t.replace("ravenel rpz-700 series", "") for t in pages)
    h1 = "/F2 14 Tf" in content_streams(data)[0] or "/F2 11 Tf" in content_streams(data)[0]
    return None if family == len(pages) and "rpz-700" not in body and not h1 else \
        f"family in {family} headers, in body: {'rpz-700' in body}, large headings: {h1}"


def _two_languages(data: bytes) -> str | None:
    text = page_texts(data)[0]
    return None if "plaque signalétique" in text and "avertissement :" in text and "débit calorifique" in text else \
        "not English beside French"


def _terminals(data: bytes) -> str | None:
    text = page_texts(data)[0]
    rows = len(re.findall(r"\btb\d-\d", text))
    return None if "terminal label function wire size rating / notes" in text and rows >= 14 else f"{rows} terminals"


LAYOUTS = {
    "brennholt-bcu-series-condensing-units-product-data.pdf": _units_row,
    "nfsa-214-2025-chapter-7-periodic-testing-annex-a.pdf": _revision_marks,
    "westmarch-hb-1187-mechanical-code-amendments.pdf": _strike_underline,
    "kestrane-kcb-condensing-boiler-fault-codes.pdf": _three_page_table,
    "talvora-trv-rooftop-planned-maintenance-schedule.pdf": _matrix,
    "ravenel-is-rpz700-installation-testing-maintenance.pdf": _header_only_family,
    "halmstad-huh-unit-heater-rating-plate-label-en-fr.pdf": _two_languages,
    "orrin-omx-8-relay-module-wiring-terminals.pdf": _terminals,
}


def _q_and_a(text: str) -> str | None:
    qs, answers = re.findall(r"^\*\*Q(\d+)\.", text, re.M), len(re.findall(r"^A\. ", text, re.M))
    return None if qs == [str(n) for n in range(1, 11)] and answers == 10 else f"questions {qs}, {answers} answers"


def _nested_steps(text: str) -> str | None:
    levels = {len(m) for m in re.findall(r"^( *)\d+\. ", text, re.M)}
    return None if levels == {0, 3, 6} else f"step indents {sorted(levels)}"


def _export(text: str) -> str | None:
    pairs = len(re.findall(r"^[a-z_]+=", text, re.M))
    rows = len(re.findall(r"^AHU3-[A-Z-]+,[A-Z]{2}-\d+,", text, re.M))
    return None if pairs >= 6 and rows >= 18 else f"{pairs} key=value lines, {rows} CSV rows"


def _typewritten(text: str) -> str | None:
    paras = len(re.findall(r"^PARA\. \d-\d\.", text, re.M))
    leaders = len(re.findall(r"\.{8,} ", text))
    lower = len(re.findall(r"[a-z]", text))
    return None if paras >= 11 and leaders == 3 and lower == 0 else \
        f"{paras} PARA. numbers, {leaders} dotted leaders, {lower} lower-case letters"


TEXT_LAYOUTS = {
    "pellworth-tb-2611-pwx-pump-controller-questions.md": _q_and_a,
    "coldroom-defrost-failure-runbook.md": _nested_steps,
    "glenhollow-ms-ahu-3-bas-point-export.txt": _export,
    "ashcombe-model-40-oil-burner-1972-service-manual.txt": _typewritten,
}


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout12",
                       kinds=KINDS, pages=(1, 4), text_bytes=(1536, 8192), evidence_words=(3, 24),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
