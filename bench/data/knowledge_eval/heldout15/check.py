"""Check the fifteenth held-out knowledge-search evaluation set ("heldout15").

    python bench/data/knowledge_eval/heldout15/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout15/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-6 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout15-NNN, and the layouts this set exists for (`LAYOUTS`, and `TEXT_LAYOUTS` for the text
files): the sprinkler guide's SIN table on a landscape page really running onto the next page under its repeated
header, beside the bulb-colour table; the VRF list's two-part codes with LED blink counts, also over a page break;
the repair kit book's two kit tables of eleven sizes each; the battery worksheet's three device tables with totals
and the formula; the licensing rules R 29.2101 to R 29.2112 in order, each with its "History:" line; the balance
report's outlet table over a page break; the JHA's ten step / hazard / control rows; the toolbox talk's quiz and
answer key; the PT chart's 31 rows of four numbers; the site log's dated entries with technician initials and no
upload title; the OCR scan's noise (l for 1, O for 0, words broken at line ends, page headers mid-text); the code
article's "Exception No." paragraphs and "Informational Note" blocks. Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import DOCS, TEXT_DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever run)
from set_check import check_set, page_texts  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "regulation", "chatty", "counted")


def _pages_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages, 1) if text in page]


def _sin_table(data: bytes) -> str | None:
    pages = page_texts(data)
    head = _pages_with(pages, "sin model response orientation k-factor thread temperatures, °f escutcheon wrench notes")
    rows = len(re.findall(r"\bar\d{4}e? ardent a-", " ".join(pages)))
    bulbs = "intermediate 200 150 green white" in pages[0]
    return None if head == [2, 3] and rows == 23 and bulbs else \
        f"SIN table header on pages {head}, {rows} SIN rows, bulb colour table: {bulbs}"


def _two_part_codes(data: bytes) -> str | None:
    pages = page_texts(data)
    head = _pages_with(pages, "main sub meaning found by led1 red led2 green reset what to check")
    rows = len(re.findall(r"\b[acefhjlpu][0-9a-f] \d\d [a-z].*?(?:indoor|outdoor) \d{1,2} (?:\d{1,2}|steady) "
                          r"(?:auto|remote|power|lockout)\b", " ".join(pages)))
    return None if head == [2, 3] and rows == 40 else f"code table header on pages {head}, {rows} code rows"


def _kit_tables(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    rp, dc = len(re.findall(r"rk975-\d+t \$", whole)), len(re.findall(r"rk850-\d+t \$", whole))
    return None if rp == 11 and dc == 11 else f"{rp} 975RP sizes, {dc} 850DC sizes"


def _battery_sheet(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    totals = all(t in whole for t in ("totals 473.2 2,263.0", "totals 35 3,596", "totals 35 3,952"))
    formula = "required ah = (standby current in a x 24 h + alarm current in a x 0.0833 h) x 1.20" in whole
    return None if totals and formula else f"three totals rows: {totals}, formula: {formula}"


def _licensing_rules(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    rules = re.findall(r"r 29\.(21\d\d) [a-z]", whole)
    history = whole.count("history: ")
    wanted = [str(n) for n in range(2101, 2113)]
    return None if rules == wanted and history == 12 else f"rules {rules}, {history} History lines"


def _outlet_table(data: bytes) -> str | None:
    pages = page_texts(data)
    head = _pages_with(pages, "outlet room box type size design cfm actual cfm percent")
    rows = len(re.findall(r"\b[se]-\d\d \d{3} ", " ".join(pages)))
    return None if head == [1, 2] and rows == 29 else f"outlet table header on pages {head}, {rows} outlet rows"


LAYOUTS = {
    "ardent-sprinkler-identification-guide-sin-cross-reference.pdf": _sin_table,
    "kyomura-kvx-vrf-error-code-and-led-list.pdf": _two_part_codes,
    "tallisker-975rp-850dc-backflow-repair-kits.pdf": _kit_tables,
    "brightwater-mob-facp-standby-battery-calculation.pdf": _battery_sheet,
    "wenlock-licensing-rules-r-29-2101-fire-protection-contractors.pdf": _licensing_rules,
    "alder-tab-air-balance-report-westfield-library.pdf": _outlet_table,
}


def _jha(text: str) -> str | None:
    rows = len(re.findall(r"^\| \d{1,2}\. [A-Z]", text, re.M))
    return None if "| Step | Hazards | Controls |" in text and rows == 10 else f"{rows} step rows"


def _toolbox(text: str) -> str | None:
    quiz, _, key = text.partition("## Answer key")
    asked = re.findall(r"^(\d)\. ", quiz.split("## Quiz")[-1], re.M)
    answered = re.findall(r"(?:^|\s)(\d)\. ", key)
    return None if asked == list("123456") and answered == list("123456") else \
        f"quiz questions {asked}, answers {answered}"


def _pt_chart(text: str) -> str | None:
    rows = re.findall(r"^\| (-?\d+) \| \d+\.\d \| \d+\.\d \| \d+\.\d \|$", text, re.M)
    return None if rows == [str(t) for t in range(-20, 135, 5)] else f"{len(rows)} chart rows"


def _site_log(text: str) -> str | None:
    entries = len(re.findall(r"^20\d\d-\d\d-\d\d  \d\d:\d\d  [A-Z]{2}$", text, re.M))
    untitled = TEXT_DOCS["site-log-harbor-point-tower.txt"] is None
    return None if entries == 15 and untitled else f"{entries} dated entries, uploaded without a title: {untitled}"


def _ocr_scan(text: str) -> str | None:
    noise = len(re.findall(r"\bl\d|\dl\b|\bl\b(?= [0-9/])|\bO\.\d|\d{1,2}O\b|-4O\b", text))
    broken = len(re.findall(r"[a-z]-\n[a-z]", text))
    headers = len(re.findall(r"^DAMPCO FSD-40 IOM-FSD40-94 +Page \d$", text, re.M))
    return None if noise >= 12 and broken >= 4 and headers == 2 else \
        f"{noise} OCR digit errors, {broken} words broken at line ends, {headers} page headers"


def _code_article(text: str) -> str | None:
    exceptions, notes = len(re.findall(r"^Exception No\. \d:", text, re.M)), \
        len(re.findall(r"^Informational Note( No\. \d)?:", text, re.M))
    return None if exceptions >= 6 and notes >= 6 else f"{exceptions} exceptions, {notes} informational notes"


TEXT_LAYOUTS = {
    "ridgeline-mechanical-jha-rtu-compressor-replacement.md": _jha,
    "pellham-fire-toolbox-talk-working-on-live-fire-alarm-systems.md": _toolbox,
    "coldmark-pt-chart-r454b-r32.md": _pt_chart,
    "site-log-harbor-point-tower.txt": _site_log,
    "dampco-1994-fire-smoke-damper-manual-scan.txt": _ocr_scan,
    "wenlock-electrical-code-article-760-fire-alarm-circuits.txt": _code_article,
}


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout15",
                       kinds=KINDS, pages=(1, 6), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
