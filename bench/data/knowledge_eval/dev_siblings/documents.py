"""Development knowledge-search set of SIBLING documents ("dev_siblings"): the documents.

Four invented product families of two or three siblings each, adjacent models of one brand with the same section
structure and different values: Corrigan XR-200 / XR-300 / XR-400 fire pump controller manuals (PDF, the model in
the body, and each manual naming its siblings once), Aldmoor AHP-36H / AHP-36C rooftop unit spec sheets (PDF, models
that differ only in the suffix letter: heat pump and cooling only), Harcastle HDA-15 / HDA-25 dry system air
compressor sheets (PDF, the model ONLY in the title and the running header, never in the body) and Lumisk LX-60 /
LX-90 / LX-120 emergency lighting inverter manuals (Markdown). `documents()` returns them as uploads
(`../set_markup.py`); the PDFs are built here with reportlab from `pdfsrc/`, deterministically, with the builder of
heldout4 (imported from it: the same markup and keywords). A development set: tuned on, its misses studied.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # set_markup.py, shared by the sets, wherever this is loaded from

from set_markup import list_documents, upload_documents  # noqa: E402

DOCS = HERE / "docs"
PDFSRC = HERE / "pdfsrc"

# Markdown / text documents: filename -> title typed at upload.
TEXT_DOCS: dict[str, str | None] = {
    "lumisk-lx-60-emergency-lighting-inverter.md": "Lumisk LX-60 Central Emergency Lighting Inverter - Owner's Manual",
    "lumisk-lx-90-emergency-lighting-inverter.md": "Lumisk LX-90 Central Emergency Lighting Inverter - Owner's Manual",
    "lumisk-lx-120-emergency-lighting-inverter.md":
        "Lumisk LX-120 Central Emergency Lighting Inverter - Owner's Manual",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "corrigan-xr-200-fire-pump-controller-manual.pdf": "corrigan-xr200.pdfsrc",
    "corrigan-xr-300-fire-pump-controller-manual.pdf": "corrigan-xr300.pdfsrc",
    "corrigan-xr-400-fire-pump-controller-manual.pdf": "corrigan-xr400.pdfsrc",
    "aldmoor-ahp-36h-rooftop-unit-specifications.pdf": "aldmoor-ahp-36h.pdfsrc",
    "aldmoor-ahp-36c-rooftop-unit-specifications.pdf": "aldmoor-ahp-36c.pdfsrc",
    "harcastle-hda-15-dry-system-air-compressor.pdf": "harcastle-hda-15.pdfsrc",
    "harcastle-hda-25-dry-system-air-compressor.pdf": "harcastle-hda-25.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


def _heldout4_builder() -> Callable[..., tuple[str, bytes]]:
    """heldout4's PDF builder (the same markup and keywords), loaded under its own name: both sets' modules are
    called `documents`."""
    spec = importlib.util.spec_from_file_location("heldout4_documents", HERE.parent / "heldout4" / "documents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_pdf.__wrapped__  # uncached: this set's check builds twice and compares


_BUILD = _heldout4_builder()


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    return _BUILD(src, PDFSRC)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
