"""Check the fourth held-out knowledge-search evaluation set ("heldout4").

    python bench/data/knowledge_eval/heldout4/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout4/check.py --locate   # also print the pages where each PDF evidence is

Builds every document with `documents.documents()` twice (the PDFs must be byte-identical) and verifies:
- each document: upload keys, media type, unique filename; PDFs 1-8 pages, standard fonts only, no ligature or
  soft-hyphen characters in the extracted text, the upload title equal to the PDF's metadata title; Markdown and
  text files 2-8 KB;
- the layouts this set exists for (`LAYOUTS`): the regulation really set in two columns on every page, the
  procedure's headings really no larger than its body text, the fault-code table really running over a page
  break with its header repeated, the spec sheet's footnote markers really set as superscripts;
- each question of `questions.json`: id unique and of the form heldout4-NNN, kind valid, document known;
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


def _drawn(data: bytes) -> list[tuple[set[float], set[float], str]]:
    """Per page: the x offsets where reportlab places flowables, the font sizes of text actually drawn, and the
    raw content stream (reportlab writes one `1 0 0 1 x y cm` per flowable and one `Tf` per text block)."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        ops = page.get_contents().get_data().decode("latin-1")
        offsets = {float(x) for x in re.findall(r"1 0 0 1 ([\d.]+) [\d.-]+ cm", ops)}
        sizes = {float(size) for block in re.findall(r"BT(.*?)ET", ops, re.S) if "Tj" in block
                 for size in re.findall(r"/F\d+ ([\d.]+) Tf", block)}
        pages.append((offsets, sizes, ops))
    return pages


def _two_columns(data: bytes) -> str | None:
    half = 612 / 2  # US letter width in points
    lone = [n for n, (offsets, _, _) in enumerate(_drawn(data), 1) if not any(x > half for x in offsets)]
    return f"pages {lone} have no right-hand column" if lone else None


def _body_size_headings(data: bytes) -> str | None:
    largest = max(max(sizes) for _, sizes, _ in _drawn(data))
    bold = any(name.endswith("-Bold") for name in pdf_pages(data)[1])
    return None if largest <= 10 and bold else f"largest text {largest} pt, bold font used: {bold}"


def _table_over_page_break(data: bytes) -> str | None:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    headed = [n for n, text in enumerate(pages, 1) if "Likely cause" in text and "Check or remedy" in text]
    return None if len(headed) >= 2 else f"table header on pages {headed} only"


def _superscript_markers(data: bytes) -> str | None:
    rises = sum(len(re.findall(r" Ts\b", ops)) for _, _, ops in _drawn(data))
    return None if rises else "no raised (superscript) text"


LAYOUTS = {
    "kelso-county-fire-prevention-code-chapter-9.pdf": _two_columns,
    "ravensby-rwc-kitchen-system-semiannual-service.pdf": _body_size_headings,
    "wexley-wvx-vrf-indoor-unit-fault-codes.pdf": _table_over_page_break,
    "ingleby-ihx-packaged-heat-pump-specifications.pdf": _superscript_markers,
    "penrose-portable-extinguisher-selection-and-placement.pdf": _superscript_markers,
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
            if not 1 <= len(raw_pages) <= 8:
                problems.append(f"{name}: {len(raw_pages)} pages, expected 1-8")
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
    if not re.fullmatch(r"heldout4-\d{3}", qid):
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
