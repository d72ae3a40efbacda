"""Check the "dev" knowledge-evaluation set: every question must be answerable from the text Clara would extract.

Builds the documents (twice, to prove the PDFs are byte-identical), extracts PDF text page by page with pypdf, and
checks each question of questions.json: id unique, kind valid, document known, evidence 4-15 words found exactly
once in its document (on the stated page for PDFs, after whitespace normalisation and ignoring case, and with the
Markdown markup `**`, `|` and `#` removed for Markdown and text), every fact inside the evidence, section named.
It also checks each PDF for 4-15 pages, standard fonts only and no ligature or soft-hyphen characters. Prints the
counts per kind and per document; exits 1 on any failure.

    python bench/data/knowledge_eval/dev/check.py
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

from documents import documents  # noqa: E402  (imported from beside this file, wherever it is run from)

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation")
STANDARD_FONTS = {"/Helvetica", "/Helvetica-Bold", "/Times-Roman", "/Times-Bold", "/Times-Italic", "/Helvetica-Oblique"}
FORBIDDEN = "\ufb00\ufb01\ufb02\ufb03\ufb04\u00ad"  # ff, fi, fl, ffi, ffl ligatures and the soft hyphen


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def markdown_text(text: str) -> str:
    return normalise(text.replace("**", " ").replace("|", " ").replace("#", " "))


def pdf_pages(data: bytes) -> tuple[list[str], set[str]]:
    reader = PdfReader(io.BytesIO(data))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return [page.extract_text() or "" for page in reader.pages], fonts


def check_documents(built: list[dict], rebuilt: list[dict], problems: list[str]) -> dict[str, list[str]]:
    """Per document, its normalised text per page (one entry for Markdown and text)."""
    texts: dict[str, list[str]] = {}
    for document, again in zip(built, rebuilt):
        name = document["filename"]
        if document["data"] != again["data"]:
            problems.append(f"{name}: two builds differ (not deterministic)")
        if document["media_type"] == "application/pdf":
            pages, fonts = pdf_pages(document["data"])
            if not 4 <= len(pages) <= 15:
                problems.append(f"{name}: {len(pages)} pages, want 4-15")
            if fonts - STANDARD_FONTS:
                problems.append(f"{name}: non-standard fonts {sorted(fonts - STANDARD_FONTS)}")
            if any(ch in page for page in pages for ch in FORBIDDEN):
                problems.append(f"{name}: ligature or soft hyphen in extracted text")
            texts[name] = [normalise(page) for page in pages]
        else:
            texts[name] = [markdown_text(document["data"].decode("utf-8"))]
    if len(texts) != len(built):
        problems.append("two documents share a filename")
    return texts


def check_question(question: dict, texts: dict[str, list[str]], media: dict[str, str], problems: list[str]) -> None:
    qid = question.get("id", "?")
    for key in ("id", "query", "kind", "document", "evidence", "facts", "section", "page"):
        if key not in question:
            problems.append(f"{qid}: missing {key}")
            return
    if not re.fullmatch(r"dev-\d{3}", qid):
        problems.append(f"{qid}: id must look like dev-001")
    if question["kind"] not in KINDS:
        problems.append(f"{qid}: kind {question['kind']!r} not one of {KINDS}")
    if not question["query"].strip() or not str(question["section"]).strip():
        problems.append(f"{qid}: empty query or section")
    name = question["document"]
    if name not in texts:
        problems.append(f"{qid}: unknown document {name}")
        return
    evidence = normalise(question["evidence"])
    if not 4 <= len(evidence.split()) <= 15:
        problems.append(f"{qid}: evidence has {len(evidence.split())} words, want 4-15")
    pages = texts[name]
    occurrences = sum(page.count(evidence) for page in pages)
    if occurrences != 1:
        problems.append(f"{qid}: evidence found {occurrences} times in {name}, want exactly once")
    if media[name] == "application/pdf":
        page = question["page"]
        if not isinstance(page, int) or not 1 <= page <= len(pages):
            problems.append(f"{qid}: page {page!r} is not a page of {name}")
        elif evidence not in pages[page - 1]:
            found = [n for n, text in enumerate(pages, start=1) if evidence in text]
            problems.append(f"{qid}: evidence not on page {page} of {name} (found on {found})")
    elif question["page"] is not None:
        problems.append(f"{qid}: page must be null for {media[name]}")
    if not question["facts"]:
        problems.append(f"{qid}: no facts")
    for fact in question["facts"]:
        if normalise(fact) not in evidence:
            problems.append(f"{qid}: fact {fact!r} not in evidence")


def main() -> int:
    built, rebuilt = documents(), documents()
    problems: list[str] = []
    texts = check_documents(built, rebuilt, problems)
    media = {document["filename"]: document["media_type"] for document in built}
    questions = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    ids = Counter(question.get("id") for question in questions)
    problems += [f"{qid}: id used {count} times" for qid, count in ids.items() if count > 1]
    for question in questions:
        check_question(question, texts, media, problems)

    print(f"{len(built)} documents, {len(questions)} questions")
    print("per kind:")
    for kind in KINDS:
        print(f"  {kind:<12} {sum(q.get('kind') == kind for q in questions):>3}")
    print("per document:")
    for document in built:
        name = document["filename"]
        pages = f"{len(texts[name])} pages" if document["media_type"] == "application/pdf" else document["media_type"]
        count = sum(q.get("document") == name for q in questions)
        print(f"  {name:<58} {pages:<14} {count:>3} questions")
    for problem in problems:
        print(f"FAIL {problem}")
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
