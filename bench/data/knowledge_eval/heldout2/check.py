"""Check the second held-out knowledge-search evaluation set ("heldout2").

    python bench/data/knowledge_eval/heldout2/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout2/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-8 pages, Markdown and text files 2-8 KB, evidence 4-15 words, ids heldout2-NNN.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "table", "regulation")


if __name__ == "__main__":
    sys.exit(check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout2",
                       kinds=KINDS, pages=(1, 8), text_bytes=(2048, 8192), evidence_words=(4, 15), metadata_title=False,
                       locate="--locate" in sys.argv[1:]))
