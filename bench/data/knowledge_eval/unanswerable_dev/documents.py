"""Development unanswerable set ("unanswerable_dev"): heldout9's documents, uploaded as that set uploads them.

Its questions (`questions.json`) are asked of those documents and the shipped corpus, and none of them is answered
there: another model's figure, a code or part not listed, a procedure or book that is not uploaded, a site's own
record. Studied: the confidence is fitted on it (bench/fit_ranker.py) beside dev, dev_spans and shipped.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "heldout9"


def documents() -> list[dict]:
    spec = importlib.util.spec_from_file_location("eval_heldout9_documents", SOURCE / "documents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.documents()
