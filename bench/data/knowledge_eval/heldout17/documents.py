"""Seventeenth held-out knowledge-search evaluation set ("heldout17"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built from the sources in `pdfsrc/` by the shared line-markup builder `../set_pdfsrc.py` (reportlab, deterministic,
standard fonts only). The PDFs: a rooftop unit IOM whose ELECTRICAL AND CHARGE TABLE lists eight models by three
voltages (24 rows) and runs over a page break under its repeated header, beside a gas heat table keyed by heat option
and an LED flash table; a state fire marshal's rule on SERVICE TAGS with (a)(1)(i) clauses and a tag-colour table
the clauses cross-reference; a zone damper panel's TERMINAL TABLES on half-letter pages (equipment strip, zone strip,
DIP switches); a completed FIRE DOOR INSPECTION REPORT (a 13-item checklist, a door-by-door result table citing item
numbers, a corrections and quotes table); a SPEC SHEET comparing four sibling water heaters as columns.

The text documents: a SCANNED 1979 oil burner manual's OCR text layer (space-aligned nozzle chart, page numbers and
running headers mid-text, a word hyphenated at a line end); a gas detector calibration page saved as HTML-ISH
MARKDOWN (`<table>`, `<div class="alert">`, `<ol>`, entities); a tankless heater's FAULT CODES WITH SUB-CODES
(E12.3) as nested lists; a SERVICE BULLETIN with serial ranges, a superseded bulletin and a labor allowance; a
village's LOCAL LAW amending fire code sections by lettered subsections; a discontinued-actuator REPLACEMENT
CROSS-REFERENCE in Markdown tables; a fire alarm panel's DEVICE LIST printout in fixed-width columns, uploaded
without a title.

This set is HELD OUT: nobody tuning knowledge search may read its questions.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # set_markup.py and set_pdfsrc.py, shared by the sets

from set_markup import list_documents, upload_documents  # noqa: E402
from set_pdfsrc import build_pdf as build_source  # noqa: E402

DOCS = HERE / "docs"
PDFSRC = HERE / "pdfsrc"

# Markdown / text documents: filename -> title (None: uploaded without one, as a panel printout saved to a file is).
TEXT_DOCS: dict[str, str | None] = {
    "fenwick-fr3-oil-burner-instructions-1979-scan.txt":
        "Fenwick Model FR-3 Oil Burner Installation and Service Instructions (1979, scanned)",
    "ostrander-ogd-2-gas-detector-calibration-support-page.md":
        "Ostrander OGD-2 Fixed Gas Detector - Bump Testing and Calibration",
    "aquavane-avx-tankless-water-heater-error-codes.md":
        "Aquavane AVX Commercial Tankless Water Heaters - Error Codes and Sub-Codes",
    "sable-ridge-sb-26-014-srm-outdoor-fan-motor-connector.txt":
        "Sable Ridge Service Bulletin SB-26-014 - SRM Outdoor Fan Stop, Error P7",
    "eastbrook-local-law-3-2026-fire-code-amendments.txt":
        "Village of Eastbrook Local Law No. 3 of 2026 - Fire Code Amendments",
    "dunmore-legacy-actuator-replacement-cross-reference.md":
        "Dunmore Controls Legacy Actuator Replacement Cross-Reference",
    "keystone-commons-facp-device-list-report.txt": None,
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "quellmark-qrt-rooftop-unit-installation-service-manual.pdf": "quellmark.pdfsrc",
    "calloway-sfm-chapter-212-7-service-tags.pdf": "calloway.pdfsrc",
    "harrowgate-hz-6-zone-panel-wiring-guide.pdf": "harrowgate.pdfsrc",
    "harbor-point-mob-fire-door-inspection-2026.pdf": "harborpoint.pdfsrc",
    "pellaton-pcw-condensing-water-heater-specifications.pdf": "pellaton.pdfsrc",
}


def build_pdf(src: str) -> tuple[str, bytes]:
    """One source of `pdfsrc/` built by the shared builder: its title and bytes."""
    return build_source(PDFSRC / src)


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
