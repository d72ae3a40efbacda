"""The documents of the "dev_spans" knowledge-evaluation set: two manuals whose answers sit mid-passage, written to
tune which sentence of a passage Clara says (the remedy after a symptom, the rule for "can I", the figure with the
asked unit), in styles the "dev" set has few of: long explanatory Markdown paragraphs and a plain-text procedure with
run-in numbered titles ("2.3 Block heater. Feel the engine block ..."). Every product and brand is invented."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent / "docs"
MEDIA_TYPES = {".md": "text/markdown", ".txt": "text/plain"}
TITLES = {"pellham-pac-dry-compressor.md": None, "quarry-ridge-generator-pm.txt": None}  # left blank, as often


def documents() -> list[dict]:
    """Every document of the set, as the upload form would send it."""
    return [{"filename": path.name, "media_type": MEDIA_TYPES[path.suffix], "data": path.read_bytes(),
             "title": TITLES[path.name]} for path in sorted(DOCS.iterdir())]
