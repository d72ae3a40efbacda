"""The documents of the "dev_runin" knowledge-evaluation set: entries set with run-in titles, as troubleshooting guides,
FAQs and service bulletins write them ("**Release will not reset.** The cocking lever must travel...", "**Why won't
the horns silence?** ..."), in Markdown with the bold lead-ins that are not titles beside them ("**Note:**",
"**Bulletin number:** SB-0419", "**Warning.**", "1. **Clean up:** ...", a bold word mid-sentence), and a plain-text
pump guide whose run-in titles have no bold. 30 questions, half saying an entry's title and many naming no product,
against the shipped standards that share their words (NFPA 17A, NFPA 72, NFPA 20). Written in session 21 to tune how
run-in titles are read (`clara.knowledge.blocks`). Every product and brand is invented."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent / "docs"
MEDIA_TYPES = {".md": "text/markdown", ".txt": "text/plain"}


def documents() -> list[dict]:
    """Every document of the set, as the upload form would send it."""
    return [{"filename": path.name, "media_type": MEDIA_TYPES[path.suffix], "data": path.read_bytes(), "title": None}
            for path in sorted(DOCS.iterdir())]
