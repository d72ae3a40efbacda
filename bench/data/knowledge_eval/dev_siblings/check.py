"""Check the development knowledge-search set of sibling documents ("dev_siblings").

    python bench/data/knowledge_eval/dev_siblings/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/dev_siblings/check.py --locate   # also print the pages where each PDF evidence is

The shared checks of `../set_check.py` (documents built twice and byte-identical, standard fonts, no ligatures, each
question's evidence found exactly once on its page, every fact inside it), with this set's own: a `family` question
(it names only the brand) lists in `also` the siblings that state the same evidence, and the evidence must be found
exactly once in each of them too; every sibling of a family has the same section headings (the set exists for
documents alike in all but their values); the Harcastle sheets never name their model in the body (only the title
and the running header do).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import PDF_DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_documents, check_question, norm, pdf_pages  # noqa: E402

KINDS = ("typed", "compact", "spoken", "family")
FAMILIES = ("corrigan", "aldmoor", "harcastle", "lumisk")


def _headings(d: dict) -> list[str]:
    """A document's section headings (below its title) and table captions as written in its source, model numbers
    blanked: siblings' structure."""
    if d["media_type"] == "application/pdf":
        source = (HERE / "pdfsrc" / PDF_DOCS[d["filename"]]).read_text(encoding="utf-8")
        heads = re.findall(r"^(?:H[23]|TABLE) (.*)$", source, re.M)
    else:
        heads = re.findall(r"^#+ (.*)$", d["data"].decode("utf-8"), re.M)
    return [re.sub(r"\b[A-Z]+-\d+[A-Z]?\b", "MODEL", h) for h in heads]


def main() -> int:
    built = documents()
    build_pdf.cache_clear()
    problems: list[str] = []
    texts = check_documents(built, documents(), pages=(1, 3), text_bytes=(1024, 8192), metadata_title=True,
                            layouts={}, problems=problems)
    questions = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for q in questions:
        also = q.pop("also", [])
        if (q["kind"] == "family") != bool(also):
            problems.append(f"{q['id']}: a family question lists its siblings in `also`, no other does")
        check_question(q, texts, seen, id_prefix="dev_siblings", kinds=KINDS, evidence_words=(2, 20),
                       locate="--locate" in sys.argv[1:], problems=problems)
        for sibling in also:
            if sibling not in texts or texts[sibling][0].count(norm(q["evidence"])) != 1:
                problems.append(f"{q['id']}: evidence not found exactly once in sibling {sibling}")
    for family in FAMILIES:
        members = [d for d in built if d["filename"].startswith(family)]
        shapes = {tuple(_headings(d)) for d in members}
        if len(members) < 2 or len(shapes) != 1:
            problems.append(f"{family}: {len(members)} siblings with {len(shapes)} different heading structures")
    for d in built:
        if d["filename"].startswith("harcastle"):
            model = re.search(r"HDA-\d+", d["title"]).group(0)
            body = [page.split("\n", 4)[-1] for page in pdf_pages(d["data"])[0]]  # past the running header lines
            if any(model.lower() in norm(page) for page in body):
                problems.append(f"{d['filename']}: the model {model} is named in the body")
    print(f"{len(built)} documents, {len(questions)} questions, "
          + ", ".join(f"{k} {sum(q['kind'] == k for q in questions)}" for k in KINDS))
    for p in problems:
        print("  " + p)
    print("all checks passed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
