"""Eighth held-out knowledge-search evaluation set ("heldout8"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (the line markup described above its `KEYWORDS`, as
heldout5's), deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to
the other sets' layouts: a manufacturer service bulletin with affected serial-number ranges and a superseded-by
chain; a European metric-first boiler manual with comma decimals and a P01..P40 parameter list running over two
pages; a VRF installer guide of DIP-switch tables (ON / OFF positions) and wire-gauge-by-run-length tables; an
ignition control's LED flash-code table ("2 short, 1 long"); a fire alarm sequence-of-operations MATRIX on a
landscape page (inputs as rows, outputs as lettered columns, X marks, timings and note references in cells); a city
code chapter in statute style with clauses nested (a)(1)(A)(i) and cross-references; and two SIBLING sprinkler data
sheets (K-factor, temperature rating and bulb colour tables) that differ only by model.

The text documents add a plain-text OCR export of a 1980s manual (words hyphenated at line ends, running page
headers and footers, form feeds), firmware release notes in Markdown with HTML tables and nested lists, and an
owner's manual in Markdown whose warnings are numbered.

This set is HELD OUT: nobody tuning knowledge search may read its questions.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # set_markup.py, shared by the sets, wherever this is loaded from

import set_pdfsrc  # noqa: E402
from set_markup import list_documents, upload_documents  # noqa: E402

DOCS = HERE / "docs"
PDFSRC = HERE / "pdfsrc"

# Markdown / text documents: filename -> title (None: uploaded without one, as technicians often do).
TEXT_DOCS: dict[str, str | None] = {
    "bellcroft-rc-series-air-cooled-chiller-1987-manual-ocr.txt": None,
    "stellan-ngx-4-bacnet-gateway-firmware-release-notes.md": "Stellan NGX-4 BACnet Gateway - Firmware Release Notes",
    "ardentguard-ag-3-kitchen-suppression-owners-manual.md":
        "ArdentGuard AG-3 Kitchen Fire Suppression System - Owner's Manual",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "velmora-vsb-24-031-vcu-condenser-fan-capacitor-bulletin.pdf": "velmora.pdfsrc",
    "termoval-kondensa-k24-k32-boiler-installation-service-manual.pdf": "termoval.pdfsrc",
    "kazeyama-kvx-m-vrf-outdoor-unit-installer-guide.pdf": "kazeyama.pdfsrc",
    "calderon-ign-7-ignition-control-led-diagnostics.pdf": "calderon.pdfsrc",
    "larkmoor-library-fire-alarm-sequence-of-operations-matrix.pdf": "larkmoor.pdfsrc",
    "harwick-bay-municipal-code-chapter-9-24-fire-code-amendments.pdf": "harwick.pdfsrc",
    "quarrow-qs-4-k56-pendent-sprinkler-data-sheet.pdf": "quarrow-qs4.pdfsrc",
    "quarrow-qs-8-k80-pendent-sprinkler-data-sheet.pdf": "quarrow-qs8.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it after planting a wrong source
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
