"""Check the held-out knowledge-search evaluation set.

    python bench/data/knowledge_eval/heldout/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout/check.py --locate   # also print the pages where each PDF evidence is

Builds every document with `documents.documents()` and verifies each question of `questions.json`:
- id unique and of the form heldout-NNN, kind valid, document known;
- evidence 4-15 words, found in the document's extracted text (PDF: pypdf text of the page named by `page`,
  whitespace collapsed, case-insensitive; Markdown/text: the raw text without `**`, `|`, `#`) exactly once;
- every fact found in the evidence (case-insensitive);
- `page` is a 1-based page number for PDFs and null otherwise; `section` is a non-empty string.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from documents import documents  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation")
MEDIA = ("application/pdf", "text/markdown", "text/plain")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def texts(doc: dict) -> tuple[str, list[str] | None]:
    """(whole normalized text, normalized text per page or None)."""
    if doc["media_type"] == "application/pdf":
        from pypdf import PdfReader

        pages = [norm(p.extract_text() or "") for p in PdfReader(io.BytesIO(doc["data"])).pages]
        return " ".join(pages), pages
    raw = doc["data"].decode("utf-8")
    for mark in ("**", "|", "#"):
        raw = raw.replace(mark, " ")
    return norm(raw), None


def main(locate: bool) -> int:
    docs = documents()
    problems: list[str] = []
    by_name: dict[str, tuple[str, list[str] | None]] = {}
    for d in docs:
        if set(d) != {"filename", "media_type", "data", "title"}:
            problems.append(f"{d.get('filename')}: keys {sorted(d)}")
        if d["media_type"] not in MEDIA:
            problems.append(f"{d['filename']}: media type {d['media_type']}")
        if d["filename"] in by_name:
            problems.append(f"{d['filename']}: duplicate filename")
        by_name[d["filename"]] = texts(d)
        if d["media_type"] == "application/pdf":
            n = len(by_name[d["filename"]][1])
            if not 4 <= n <= 15:
                problems.append(f"{d['filename']}: {n} pages, expected 4-15")

    questions = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for q in questions:
        qid = q.get("id", "?")
        where = f"{qid}"
        expected = {"id", "query", "kind", "document", "evidence", "facts", "section", "page"}
        if set(q) != expected:
            problems.append(f"{where}: keys {sorted(q)}")
            continue
        if not re.fullmatch(r"heldout-\d{3}", qid):
            problems.append(f"{where}: id format")
        if qid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(qid)
        if q["kind"] not in KINDS:
            problems.append(f"{where}: kind {q['kind']!r}")
        if not q["query"].strip():
            problems.append(f"{where}: empty query")
        if not isinstance(q["section"], str) or not q["section"].strip():
            problems.append(f"{where}: empty section")
        if q["document"] not in by_name:
            problems.append(f"{where}: unknown document {q['document']!r}")
            continue
        whole, pages = by_name[q["document"]]
        ev = norm(q["evidence"])
        words = len(ev.split())
        if not 4 <= words <= 15:
            problems.append(f"{where}: evidence has {words} words")
        count = whole.count(ev)
        if count != 1:
            problems.append(f"{where}: evidence found {count} times in {q['document']}")
        if pages is None:
            if q["page"] is not None:
                problems.append(f"{where}: page must be null for a text document")
        else:
            found = [i + 1 for i, p in enumerate(pages) if ev in p]
            if locate:
                print(f"{qid}: pages {found}")
            if not isinstance(q["page"], int) or q["page"] not in found:
                problems.append(f"{where}: page {q['page']} but evidence is on pages {found}")
        if not q["facts"] or not isinstance(q["facts"], list):
            problems.append(f"{where}: no facts")
        for fact in q["facts"]:
            if norm(fact) not in ev:
                problems.append(f"{where}: fact {fact!r} not in evidence")

    kinds = Counter(q["kind"] for q in questions)
    per_doc = Counter(q["document"] for q in questions)
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
