"""Check the eleventh held-out knowledge-search evaluation set ("heldout11").

    python bench/data/knowledge_eval/heldout11/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout11/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-6 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout11-NNN, and the layouts this set exists for (`LAYOUTS`, and `TEXT_LAYOUTS` for the text
files): the federal-style rule's nesting down to (A) and its "Table 1 to paragraph (c)"; the panel manual's menu
paths and trouble messages; the hood manual's drawn figures and the text's references to their lettered callouts;
the selection guide's models as columns, with the footnote that changes one cell; the interpretation letter's
numbered questions, each with the quoted code text and an answer; the field notice's Rev. A / Rev. B comparison and
star sequence; the ERV manual's two tables really continuing on the next page under "(continued)" with the header
repeated; the errata sheet's page / location / reads / should read rows; the event-history export's settings block
and CSV lines; the command reference's man-page sections; the wiki page's alert blocks and collapsed sections.
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


def _federal_rule(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    sections = len(re.findall(r"§ 291\.14\d [a-z]", whole))
    levels = all(re.search(p, whole) for p in (r"\(c\) evacuation", r"\(2\) the levels", r"\(ii\) if leaks",
                                                r"\(c\) evacuate the leaking"))
    table = "table 1 to paragraph (c) - required levels" in whole
    return None if sections >= 7 and levels and table else \
        f"{sections} sections, nesting to (A): {levels}, Table 1 to paragraph (c): {table}"


def _menu_paths(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    paths = len(re.findall(r"menu > \d [a-z]+ > \d", whole))
    troubles = all(m in whole for m in ("gnd flt +", "gnd flt -", "dup addr dnnn", "nac 2 open"))
    return None if paths >= 15 and troubles else f"{paths} menu paths, trouble messages: {troubles}"


def _figure_callouts(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    refs = len(re.findall(r"\(figure 1, callout [a-h]\)", whole))
    letters = [re.findall(r"\(([A-L])\) Tj", stream) for stream in content_streams(data)]
    # Figure 1's letters are drawn in the figure and printed again in its legend; Figure 2's are drawn on page 2
    drawn = all(letters[0].count(x) == 2 for x in "ABCDEFGH") and set("JKL") <= set(letters[1])
    return None if refs >= 2 and drawn and "figure 2 replacing a baffle filter" in whole else \
        f"{refs} callout references, figures drawn with their lettered callouts: {drawn}"


def _models_as_columns(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    header = whole.count("uhx-45 uhx-60 uhx-75 uhx-100 uhx-125")
    footnoted = "vent length, ft (c) 50 50 50 50 35" in whole and "allows 60 ft equivalent length" in whole
    return None if header >= 2 and footnoted else f"{header} model header rows, footnote (c) on one cell: {footnoted}"


def _interpretation(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    asked = re.findall(r"question (\d) ", whole)
    quoted, answered = whole.count("code text: \""), whole.count("answer: ")
    return None if asked == ["1", "2", "3", "4"] and quoted == 4 and answered == 4 else \
        f"questions {asked}, {quoted} quoted code texts, {answered} answers"


def _superseding_notice(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    compared = "item rev. a (withdrawn) rev. b (current)" in whole and "35 ft-lb 50 ft-lb" in whole
    star = "1 - 5 - 3 - 7 - 2 - 6 - 4 - 8" in whole
    return None if compared and star and "supersedes: fn-0519 rev. a" in whole else \
        f"Rev. A / Rev. B table: {compared}, star order: {star}"


def _continued_tables(data: bytes) -> str | None:
    pages = page_texts(data)
    problems = []
    for caption, head in (("table 3-1 electrical data", "model volts / phase supply fan hp"),
                          ("table 6-1 maintenance schedule", "item interval what to do")):
        first = [n for n, t in enumerate(pages, 1) if f"{caption} {head}" in t]
        cont = [n for n, t in enumerate(pages, 1) if f"{caption} (continued) {head}" in t]
        if len(first) != 1 or cont != [first[0] + 1]:
            problems.append(f"{caption} on pages {first}, continued on {cont}")
    return "; ".join(problems) or None


def _errata(data: bytes) -> str | None:
    text = page_texts(data)[0]
    rows = len(re.findall(r"\b(\d{1,2})\*? (\d{1,2}) (table|figure|section|wiring)", text))
    return None if "item page location reads should read" in text and rows == 10 else f"{rows} errata rows"


LAYOUTS = {
    "part-291-subpart-c-refrigerant-recovery-and-leak-repair.pdf": _federal_rule,
    "corvane-cfp-216-fire-alarm-panel-programming-manual.pdf": _menu_paths,
    "vantrell-vh-series-kitchen-exhaust-hood-owners-manual.pdf": _figure_callouts,
    "osterly-uhx-gas-unit-heater-selection-guide.pdf": _models_as_columns,
    "calloway-state-fire-marshal-formal-interpretation-fi-25-014.pdf": _interpretation,
    "rexbury-fn-0519-rev-b-dry-valve-handhole-cover-torque.pdf": _superseding_notice,
    "halbrook-hrx-energy-recovery-ventilator-iom.pdf": _continued_tables,
    "norvell-nc-900-boiler-sequencer-manual-errata.pdf": _errata,
}


def _event_export(text: str) -> str | None:
    events = len(re.findall(r"^2025-\d\d-\d\d,\d\d:\d\d:\d\d,[A-Z ]+,[AE]\d{3},\d+,", text, re.M))
    leaders = len(re.findall(r"^[A-Z][a-z].* \.{5,} \S", text, re.M))
    header = "date,time,event,code,pressure_psi,detail" in text
    return None if events == 31 and leaders >= 8 and header else \
        f"{events} CSV events, {leaders} dotted settings lines, CSV header: {header}"


def _man_page(text: str) -> str | None:
    heads = re.findall(r"^([A-Z][A-Z ]+)$", text, re.M)
    wanted = ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "ALARM CODES", "EXIT STATUS", "EXAMPLES", "NOTES"]
    return None if heads == wanted else f"man-page sections {heads}"


def _wiki(text: str) -> str | None:
    alerts, details = len(re.findall(r"^> \[!(NOTE|IMPORTANT|WARNING)\]$", text, re.M)), text.count("<details>")
    return None if alerts == 3 and details == 3 else f"{alerts} alert blocks, {details} collapsed sections"


TEXT_LAYOUTS = {
    "brenmoor-fpc-50-fire-pump-controller-event-history-export.txt": _event_export,
    "tessaly-tsc-10-service-console-command-reference.txt": _man_page,
    "kestrel-backflow-wiki-testing-double-check-and-rp-assemblies.md": _wiki,
}


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout11",
                       kinds=KINDS, pages=(1, 6), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
