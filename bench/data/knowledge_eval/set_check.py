"""What every evaluation set's `check.py` shares: proving each question answerable from the text Clara would extract.

`check_set` builds the set's documents twice (the PDFs must be byte-identical) and verifies:
- each document: upload keys, media type, unique filename; PDFs within the set's page range, standard fonts only,
  no ligature or soft-hyphen characters in the extracted text, and where the set asks for it the upload title equal
  to the PDF's metadata title; Markdown and text files within the set's byte range (when it has one); then the
  set's own layout checks (`layouts`: filename -> check, each returning a problem or None);
- each question of `questions.json`: exactly the expected keys, id unique and `<set>-NNN`, kind one of the set's,
  document known; evidence within the set's word range, found exactly once in the document's extracted text (PDF:
  pypdf text, whitespace collapsed, case-insensitive, on the page named by `page`; Markdown/text: the raw text
  without `**`, `|`, `#`); every fact inside the evidence; `page` a 1-based page for PDFs and null otherwise;
  `section` a non-empty string.
It prints the counts per kind and per document, and "all checks passed" or the problems (exit status 1).
A set's parameters carry its differences; it never prints a question's text, so held-out sets stay unread.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

MEDIA = ("application/pdf", "text/markdown", "text/plain")
STANDARD_FONTS = {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique", "/Times-Roman", "/Times-Bold",
                  "/Times-Italic"}
FORBIDDEN = "\ufb00\ufb01\ufb02\ufb03\ufb04\u00ad"  # ff, fi, fl, ffi, ffl ligatures and the soft hyphen
QUESTION_KEYS = {"id", "query", "kind", "document", "evidence", "facts", "section", "page"}

Layout = Callable[[bytes], str | None]  # a set's own layout check: the problem, or None
Texts = dict[str, tuple[str, list[str] | None]]  # filename -> (whole text, text per page or None)


def norm(text: str) -> str:
    """Whitespace collapsed and lower case: how an evidence string is matched against extracted text."""
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_pages(data: bytes) -> tuple[list[str], set[str]]:
    """The text pypdf extracts from each page (what Clara's ingest reads), and every font the PDF uses."""
    reader = PdfReader(io.BytesIO(data))
    fonts: set[str] = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return [page.extract_text() or "" for page in reader.pages], fonts


def page_texts(data: bytes) -> list[str]:
    """Normalised text per page, for layout checks."""
    return [norm(page) for page in pdf_pages(data)[0]]


def content_streams(data: bytes) -> list[str]:
    """Each page's raw content stream, for layout checks that look at what is drawn (rules, offsets, fonts)."""
    return [page.get_contents().get_data().decode("latin-1") for page in PdfReader(io.BytesIO(data)).pages]


def _check_pdf(d: dict, *, pages: tuple[int, int], metadata_title: bool, layout: Layout | None,
               problems: list[str]) -> list[str]:
    name = d["filename"]
    raw_pages, fonts = pdf_pages(d["data"])
    if not pages[0] <= len(raw_pages) <= pages[1]:
        problems.append(f"{name}: {len(raw_pages)} pages, expected {pages[0]}-{pages[1]}")
    if fonts - STANDARD_FONTS:
        problems.append(f"{name}: non-standard fonts {sorted(fonts - STANDARD_FONTS)}")
    if any(ch in page for page in raw_pages for ch in FORBIDDEN):
        problems.append(f"{name}: ligature or soft hyphen in extracted text")
    if metadata_title and PdfReader(io.BytesIO(d["data"])).metadata.title != d["title"]:
        problems.append(f"{name}: upload title differs from the PDF metadata title")
    if layout and (problem := layout(d["data"])):
        problems.append(f"{name}: {layout.__name__.strip('_').replace('_', ' ')}: {problem}")
    return [norm(p) for p in raw_pages]


def check_documents(built: list[dict], rebuilt: list[dict], *, pages: tuple[int, int],
                    text_bytes: tuple[int, int] | None, metadata_title: bool, layouts: dict[str, Layout],
                    problems: list[str]) -> Texts:
    """Per document: (whole normalised text, normalised text per page or None for Markdown/text)."""
    texts: Texts = {}
    for d, again in zip(built, rebuilt):
        name = d.get("filename")
        if set(d) != {"filename", "media_type", "data", "title"}:
            problems.append(f"{name}: keys {sorted(d)}")
        if d["media_type"] not in MEDIA:
            problems.append(f"{name}: media type {d['media_type']}")
        if name in texts:
            problems.append(f"{name}: duplicate filename")
        if d["data"] != again["data"]:
            problems.append(f"{name}: two builds differ (not deterministic)")
        if d["media_type"] == "application/pdf":
            page_list = _check_pdf(d, pages=pages, metadata_title=metadata_title, layout=layouts.get(name),
                                   problems=problems)
            texts[name] = (" ".join(page_list), page_list)
        else:
            if text_bytes and not text_bytes[0] <= len(d["data"]) <= text_bytes[1]:
                problems.append(f"{name}: {len(d['data'])} bytes, expected {text_bytes[0]}-{text_bytes[1]}")
            raw = d["data"].decode("utf-8")
            for mark in ("**", "|", "#"):
                raw = raw.replace(mark, " ")
            texts[name] = (norm(raw), None)
    return texts


def check_question(q: dict, texts: Texts, seen: set[str], *, id_prefix: str, kinds: tuple[str, ...],
                   evidence_words: tuple[int, int], locate: bool, problems: list[str]) -> None:
    """Every problem with one question; with `locate`, print the pages a PDF evidence is on."""
    qid = q.get("id", "?")
    if set(q) != QUESTION_KEYS:
        problems.append(f"{qid}: keys {sorted(q)}")
        return
    if not re.fullmatch(rf"{re.escape(id_prefix)}-\d{{3}}", qid):
        problems.append(f"{qid}: id format")
    if qid in seen:
        problems.append(f"{qid}: duplicate id")
    seen.add(qid)
    if q["kind"] not in kinds:
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
    if not evidence_words[0] <= words <= evidence_words[1]:
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


def check_set(*, folder: Path, documents: Callable[[], list[dict]], fresh: Callable[[], None] | None = None,
              id_prefix: str, kinds: tuple[str, ...], pages: tuple[int, int], text_bytes: tuple[int, int] | None,
              evidence_words: tuple[int, int], metadata_title: bool, layouts: dict[str, Layout] | None = None,
              locate: bool = False) -> int:
    """Check one set (see the module docstring); `fresh` forgets a builder's cache so the second build is a real
    one. Returns the exit status."""
    built = documents()
    if fresh:
        fresh()
    problems: list[str] = []
    texts = check_documents(built, documents(), pages=pages, text_bytes=text_bytes, metadata_title=metadata_title,
                            layouts=layouts or {}, problems=problems)
    questions = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for q in questions:
        check_question(q, texts, seen, id_prefix=id_prefix, kinds=kinds, evidence_words=evidence_words,
                       locate=locate, problems=problems)

    per_kind = Counter(q.get("kind") for q in questions)
    per_doc = Counter(q.get("document") for q in questions)
    print(f"{len(built)} documents, {len(questions)} questions")
    print("per kind:")
    for k in kinds:
        print(f"  {k:12} {per_kind.get(k, 0):3}")
    print("per document:")
    for d in built:
        media = d["media_type"].split("/")[1]
        print(f"  {d['filename']:58} {media:9} {per_doc.get(d['filename'], 0):3}")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1
    print("\nall checks passed")
    return 0
