"""Check the fifth held-out knowledge-search evaluation set ("heldout5").

    python bench/data/knowledge_eval/heldout5/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout5/check.py --locate   # also print the pages where each PDF evidence is

Builds every document with `documents.documents()` twice (the PDFs must be byte-identical) and verifies:
- each document: upload keys, media type, unique filename; PDFs 1-30 pages, standard fonts only, no ligature or
  soft-hyphen characters in the extracted text, the upload title equal to the PDF's metadata title; Markdown and
  text files 2-8 KB;
- the layouts this set exists for (`LAYOUTS`): the merged two-level header and the units row really in the unit
  heater's table, the parts list's tables really on landscape pages, the long manual really 20+ pages with its
  contents, index and a running header that changes with the chapter, the form's empty check-box columns, the state
  amendment's "§" sections and "shall be amended to read" clauses, the bulletin's revision table and the alarm
  codes really set as paragraphs (no table on the page);
- each question of `questions.json`: id unique and of the form heldout5-NNN, kind valid, document known;
  evidence 4-20 words, found in the document's extracted text (PDF: pypdf text of the page named by `page`,
  whitespace collapsed, case-insensitive; Markdown/text: the raw text without `**`, `|`, `#`) exactly once;
  every fact found in the evidence (case-insensitive); `page` a 1-based page number for PDFs and null otherwise;
  `section` a non-empty string.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from documents import build_pdf, documents  # noqa: E402  (imported from beside this file, wherever it is run from)

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation", "note", "spoken", "two_fact")
MEDIA = ("application/pdf", "text/markdown", "text/plain")
STANDARD_FONTS = {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique", "/Times-Roman", "/Times-Bold",
                  "/Times-Italic"}
FORBIDDEN = "\ufb00\ufb01\ufb02\ufb03\ufb04\u00ad"  # ff, fi, fl, ffi, ffl ligatures and the soft hyphen


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_pages(data: bytes) -> tuple[list[str], set[str]]:
    reader = PdfReader(io.BytesIO(data))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return [page.extract_text() or "" for page in reader.pages], fonts


def _texts(data: bytes) -> list[str]:
    return [norm(page) for page in pdf_pages(data)[0]]


def _merged_header(data: bytes) -> str | None:
    """The group label runs on one line over its sub-columns (a one-column cell would wrap it), and the units row
    follows the sub-column headers."""
    raw = pdf_pages(data)[0][0]
    one_line = "Hot water, 200 °F entering water" in raw
    units = "mbh gpm ft of water °f mbh lb/h ft" in norm(raw)
    return None if one_line and units else f"group label on one line: {one_line}, units row: {units}"


def _landscape_tables(data: bytes) -> str | None:
    reader = PdfReader(io.BytesIO(data))
    wide = [n for n, page in enumerate(reader.pages, 1) if float(page.mediabox.width) > float(page.mediabox.height)]
    tables = [n for n, text in enumerate(_texts(data), 1) if text.startswith("table ")]
    return None if wide and wide == tables else f"landscape pages {wide}, pages opening with a table {tables}"


def _long_manual(data: bytes) -> str | None:
    pages = _texts(data)
    chapters = {m.group(1) for text in pages if (m := re.search(r"threnmoor tfp-8 (\d+ [a-z ]+?) document", text))}
    problems = []
    if len(pages) < 20:
        problems.append(f"{len(pages)} pages")
    if not pages[1].startswith("contents") or not any(text.startswith("index") for text in pages[-2:]):
        problems.append("no contents on page 2 or no index on the last two pages")
    if len(chapters) < 8:
        problems.append(f"running header names only {len(chapters)} chapters")
    return "; ".join(problems) or None


def _check_box_form(data: bytes) -> str | None:
    heads = sum(text.count("freq. yes no n/a remarks") for text in _texts(data))
    return None if heads >= 3 else f"{heads} tables with Yes / No / N/A columns"


def _amendment(data: bytes) -> str | None:
    whole = " ".join(_texts(data))
    sections, amended = whole.count("§ 18-9-1"), whole.count("shall be amended to read")
    return None if sections >= 14 and amended >= 7 else f"{sections} § sections, {amended} amended-to-read clauses"


def _revision_table(data: bytes) -> str | None:
    return None if "revision history rev. date change a " in _texts(data)[0] else "no revision table"


def _codes_as_paragraphs(data: bytes) -> str | None:
    ops = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    codes = len(re.findall(r"code \d+, ", _texts(data)[0]))
    return None if codes >= 15 and " re " not in ops.replace("\n", " ") else f"{codes} run-in codes or a ruled table"


LAYOUTS = {
    "garroch-ghx-hydronic-unit-heater-installation.pdf": _merged_header,
    "auldmere-aerv-energy-recovery-ventilator-parts-list.pdf": _landscape_tables,
    "threnmoor-tfp-8-fire-alarm-panel-operation-manual.pdf": _long_manual,
    "brackenridge-fire-pump-test-report-form.pdf": _check_box_form,
    "vantry-state-fire-code-amendments-title-18.pdf": _amendment,
    "kestrelle-sb-2217-dry-sprinkler-bulletin.pdf": _revision_table,
    "sallowfield-scb-boiler-controller-alarm-codes.pdf": _codes_as_paragraphs,
}


def check_documents(docs: list[dict], problems: list[str]) -> dict[str, tuple[str, list[str] | None]]:
    """Per document: (whole normalised text, normalised text per page or None for Markdown/text)."""
    build_pdf.cache_clear()
    again = documents()
    texts: dict[str, tuple[str, list[str] | None]] = {}
    for d, d2 in zip(docs, again):
        name = d.get("filename")
        if set(d) != {"filename", "media_type", "data", "title"}:
            problems.append(f"{name}: keys {sorted(d)}")
        if d["media_type"] not in MEDIA:
            problems.append(f"{name}: media type {d['media_type']}")
        if name in texts:
            problems.append(f"{name}: duplicate filename")
        if d["data"] != d2["data"]:
            problems.append(f"{name}: two builds differ (not deterministic)")
        if d["media_type"] == "application/pdf":
            raw_pages, fonts = pdf_pages(d["data"])
            if not 1 <= len(raw_pages) <= 30:
                problems.append(f"{name}: {len(raw_pages)} pages, expected 1-30")
            if fonts - STANDARD_FONTS:
                problems.append(f"{name}: non-standard fonts {sorted(fonts - STANDARD_FONTS)}")
            if any(ch in page for page in raw_pages for ch in FORBIDDEN):
                problems.append(f"{name}: ligature or soft hyphen in extracted text")
            if PdfReader(io.BytesIO(d["data"])).metadata.title != d["title"]:
                problems.append(f"{name}: upload title differs from the PDF metadata title")
            layout = LAYOUTS.get(name)
            if layout and (problem := layout(d["data"])):
                problems.append(f"{name}: {layout.__name__.strip('_').replace('_', ' ')}: {problem}")
            pages = [norm(p) for p in raw_pages]
            texts[name] = (" ".join(pages), pages)
        else:
            if not 2048 <= len(d["data"]) <= 8192:
                problems.append(f"{name}: {len(d['data'])} bytes, expected 2-8 KB")
            raw = d["data"].decode("utf-8")
            for mark in ("**", "|", "#"):
                raw = raw.replace(mark, " ")
            texts[name] = (norm(raw), None)
    return texts


def check_question(q: dict, texts: dict, seen: set[str], locate: bool, problems: list[str]) -> None:
    qid = q.get("id", "?")
    expected = {"id", "query", "kind", "document", "evidence", "facts", "section", "page"}
    if set(q) != expected:
        problems.append(f"{qid}: keys {sorted(q)}")
        return
    if not re.fullmatch(r"heldout5-\d{3}", qid):
        problems.append(f"{qid}: id format")
    if qid in seen:
        problems.append(f"{qid}: duplicate id")
    seen.add(qid)
    if q["kind"] not in KINDS:
        problems.append(f"{qid}: kind {q['kind']!r}")
    if not q["query"].strip():
        problems.append(f"{qid}: empty query")
    if not isinstance(q["section"], str) or not q["section"].strip():
        problems.append(f"{qid}: empty section")
    if q["document"] not in texts:
        problems.append(f"{qid}: unknown document {q['document']!r}")
        return
    whole, pages = texts[q["document"]]
    ev = norm(q["evidence"])
    words = len(ev.split())
    if not 4 <= words <= 20:
        problems.append(f"{qid}: evidence has {words} words")
    count = whole.count(ev)
    if count != 1:
        problems.append(f"{qid}: evidence found {count} times in {q['document']}")
    if pages is None:
        if q["page"] is not None:
            problems.append(f"{qid}: page must be null for a text document")
    else:
        found = [i + 1 for i, p in enumerate(pages) if ev in p]
        if locate:
            print(f"{qid}: pages {found}")
        if not isinstance(q["page"], int) or q["page"] not in found:
            problems.append(f"{qid}: page {q['page']} but evidence is on pages {found}")
    if not q["facts"] or not isinstance(q["facts"], list):
        problems.append(f"{qid}: no facts")
        return
    for fact in q["facts"]:
        if norm(fact) not in ev:
            problems.append(f"{qid}: fact {fact!r} not in evidence")


def main(locate: bool) -> int:
    docs = documents()
    problems: list[str] = []
    texts = check_documents(docs, problems)
    questions = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for q in questions:
        check_question(q, texts, seen, locate, problems)

    kinds = Counter(q.get("kind") for q in questions)
    per_doc = Counter(q.get("document") for q in questions)
    print(f"{len(docs)} documents, {len(questions)} questions")
    print("per kind:")
    for k in KINDS:
        print(f"  {k:12} {kinds.get(k, 0):3}")
    print("per document:")
    for d in docs:
        media = d["media_type"].split("/")[1]
        print(f"  {d['filename']:58} {media:9} {per_doc.get(d['filename'], 0):3}")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main("--locate" in sys.argv[1:]))
