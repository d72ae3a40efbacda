"""Check the sixteenth held-out knowledge-search evaluation set ("heldout16").

    python bench/data/knowledge_eval/heldout16/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout16/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-6 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout16-NNN, and the layouts this set exists for (`LAYOUTS`, and `TEXT_LAYOUTS` for the text
files): the smoke-control procedure's test matrix T-01..T-08 on page 2 and its six-floor record on page 3; the fire
marshal bulletin's numbered paragraphs 3.1..3.4 and 4.1..4.3 and its five fees; the pump table's ten 1770 rpm and
five 3550 rpm rows, one model number on several rows; the IOM's tables split by cabinet (1A/1B, 2A/2B, 3A/3B, each
holding only its cabinet's models); the impairment table's three duration columns and the Red Tag's three parts; the
start-up checklist's item codes A1..E5 in order; the pump curve sheet's twelve flow rows of nine heads with thirty
dash cells; the addendum's items 3-01..3-10 and Q1..Q4 answered; the chat export's 26 timestamped messages by named
people, uploaded without a title; the video transcript's 30 timestamped speaker lines; the compatibility matrix's
seven detector and five base rows with lettered and FW conditions; the label sheet's labels L1..L7 with English and
Spanish text. Prints the counts per kind and per document.
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


def _test_matrix(data: bytes) -> str | None:
    pages = page_texts(data)
    tests = [list(dict.fromkeys(re.findall(r"\bt-0(\d) [a-z]", p))) for p in pages]  # each test's first mention
    floors = re.findall(r"\b([1-6]) 0\.\d\d 0\.\d\d \d\d \d\d\b", pages[-1])
    return None if tests == [[], list("12345678"), []] and floors == list("123456") else \
        f"tests per page {tests}, record floors {floors}"


def _bulletin(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    paras = re.findall(r"\b([34]\.\d) (?:the|a|cables|oscillation)\b", whole)
    fees = re.findall(r"\$\d{2,3}\b", whole)
    return None if paras == ["3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3"] and len(fees) == 5 else \
        f"numbered paragraphs {paras}, {len(fees)} fees"


def _pump_points(data: bytes) -> str | None:
    first = page_texts(data)[0]
    slow, fast = (re.findall(rf"tsc \d+x\d+-{rpm} \d+ \d+ \d+ \d+ \d+\.\d\d \d+ \d+", first) for rpm in (1770, 3550))
    repeated = first.count("tsc 8x6-1770 ")
    return None if len(slow) == 10 and len(fast) == 5 and repeated == 3 else \
        f"{len(slow)} 1770 rpm rows, {len(fast)} 3550 rpm rows, TSC 8x6-1770 on {repeated} rows"


def _split_tables(data: bytes) -> str | None:
    """Each table is split by cabinet: "Table nA" then "Table nB", the A part holding only Cabinet A's models
    (HMA-1xx, also in its caption) and the B part, up to the next table, only Cabinet B's (HMA-2xx)."""
    whole = " ".join(page_texts(data))
    problems = []
    for n in "123":
        a, b = whole.find(f"table {n}a "), whole.find(f"table {n}b ")
        if a < 0 or b < a:
            problems.append(f"table {n}A / {n}B missing or out of order")
            continue
        after = whole.find("table ", b + 1)
        part_a, part_b = whole[a:b], whole[b:after if after > 0 else len(whole)]
        if "hma-2" in part_a or "hma-1" in part_b:
            problems.append(f"table {n}A / {n}B mix the cabinets")
    return "; ".join(problems) or None


def _impairment(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    columns = "precaution up to 4 hours 4 to 10 hours over 10 hours" in whole
    parts = re.findall(r"\bpart ([abc])\b", whole)[:3] == list("abc")
    return None if columns and parts else f"duration columns: {columns}, Red Tag parts A/B/C: {parts}"


def _checklist(data: bytes) -> str | None:
    items = re.findall(r"\b([a-e]\d) [a-z]", " ".join(page_texts(data)))
    wanted = [f"{s}{i}" for s, n in zip("abcde", (7, 5, 5, 6, 5)) for i in range(1, n + 1)]
    seen = [i for i in items if i in wanted]
    firsts = sorted(set(seen), key=seen.index)
    return None if firsts == wanted else f"item codes in order {firsts}"


LAYOUTS = {
    "quillon-smoke-control-acceptance-test-procedure-stair-pressurization.pdf": _test_matrix,
    "westmark-sfm-technical-bulletin-fm-tb-2026-04-errcs.pdf": _bulletin,
    "torvane-tsc-split-case-fire-pump-performance-data.pdf": _pump_points,
    "harlow-hma-direct-fired-make-up-air-iom.pdf": _split_tables,
    "granitehall-mutual-impairment-handling-procedure.pdf": _impairment,
    "kelbrook-cvx-centrifugal-chiller-start-up-checklist.pdf": _checklist,
}


def _pump_curves(text: str) -> str | None:
    rows = re.findall(r"^\| (\d+) \|((?: (?:\d+\.\d|-) \|){9})$", text, re.M)
    dashes = sum(r[1].count(" - ") for r in rows)
    return None if [r[0] for r in rows] == [str(f) for f in (*range(0, 21, 2), 24)] and dashes == 30 else \
        f"{len(rows)} flow rows, {dashes} dash cells"


def _addendum(text: str) -> str | None:
    items = re.findall(r"^\*\*Item (3-\d\d)\.\*\*", text, re.M)
    asked, answered = re.findall(r"^\*\*Q(\d)\.\*\*", text, re.M), re.findall(r"^\*\*A(\d)\.\*\*", text, re.M)
    return None if items == [f"3-{n:02d}" for n in range(1, 11)] and asked == answered == list("1234") else \
        f"items {items}, questions {asked}, answers {answered}"


def _chat(text: str) -> str | None:
    messages = len(re.findall(r"^\[2026-01-22 \d\d:\d\d\] [A-Z][a-z]+ [A-Z][a-z]+( \([a-z]+\))?: ", text, re.M))
    untitled = TEXT_DOCS["teams-chat-northgate-hospital-ahu-7-freezestat.txt"] is None
    return None if messages == 26 and untitled else f"{messages} messages, uploaded without a title: {untitled}"


def _transcript(text: str) -> str | None:
    lines = len(re.findall(r"^\[00:\d\d:\d\d\] (?:INSTRUCTOR|TRAINEE): [a-z]", text, re.M))
    return None if lines == 30 else f"{lines} timestamped speaker lines"


def _matrix(text: str) -> str | None:
    detectors = len(re.findall(r"^\| SD-\d\d[A-Z0-9]* \|", text, re.M))
    bases = len(re.findall(r"^\| B-\d[A-Z]? \|", text, re.M))
    notes = re.findall(r"^\(([a-d])\) ", text, re.M)
    return None if detectors == 7 and bases == 5 and notes == list("abcd") and "\nFW: " in text else \
        f"{detectors} detector rows, {bases} base rows, notes {notes}"


def _labels(text: str) -> str | None:
    labels = re.findall(r"^LABEL (L\d) - ", text, re.M)
    en, es = len(re.findall(r"^EN: ", text, re.M)), len(re.findall(r"^ES: ", text, re.M))
    return None if labels == [f"L{n}" for n in range(1, 8)] and en == es == 5 else \
        f"labels {labels}, {en} English and {es} Spanish paragraphs"


TEXT_LAYOUTS = {
    "veloria-hc-circulator-pump-curves.md": _pump_curves,
    "addendum-03-marlow-elementary-mechanical-fire-protection.md": _addendum,
    "teams-chat-northgate-hospital-ahu-7-freezestat.txt": _chat,
    "training-video-transcript-dry-pipe-valve-trip-test.txt": _transcript,
    "sentrix-detector-base-panel-compatibility-matrix.md": _matrix,
    "aldermoor-agf-furnace-label-sheet-en-es.txt": _labels,
}


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout16",
                       kinds=KINDS, pages=(1, 6), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
