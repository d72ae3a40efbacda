"""Fifth held-out knowledge-search evaluation set ("heldout5"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (a small line markup, described above its `KEYWORDS`),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other
sets' layouts: tables with a two-level header (merged group cells over sub-columns) and a units row under the
header, cells that wrap onto several lines; a parts list on LANDSCAPE pages; a long half-letter manual (20+ pages)
with a table of contents, a running header that names the chapter, a footer and a back-of-book index; a state
amendment to a fire code ("§ ... is amended to read"); a test report form with empty check-box columns and
frequencies; a sequence-of-operations narrative with a terminal designation table; a service bulletin with a
revision table; alarm codes set as run-in paragraphs rather than a table.

The text documents add an FAQ as plain "Q:" / "A:" lines, a plain-text manual in an I. / A. / 1. / a. outline
(uploaded without a title) and a troubleshooting decision tree as nested Markdown bullets.

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
    "zephron-rds-5-refrigerant-detector-faq.md":
        "Zephron RDS-5 Refrigerant Detection Sensor - Frequently Asked Questions",
    "oskarvale-olw-low-water-cutoff-manual.txt": None,
    "hollins-hgu-gas-unit-heater-no-heat-decision-tree.md":
        "Hollins HGU Gas-Fired Unit Heaters - No-Heat Decision Tree",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "garroch-ghx-hydronic-unit-heater-installation.pdf": "garroch.pdfsrc",
    "auldmere-aerv-energy-recovery-ventilator-parts-list.pdf": "auldmere.pdfsrc",
    "threnmoor-tfp-8-fire-alarm-panel-operation-manual.pdf": "threnmoor.pdfsrc",
    "vantry-state-fire-code-amendments-title-18.pdf": "vantry.pdfsrc",
    "brackenridge-fire-pump-test-report-form.pdf": "brackenridge.pdfsrc",
    "fairhold-tower-smoke-control-sequence-of-operations.pdf": "fairhold.pdfsrc",
    "kestrelle-sb-2217-dry-sprinkler-bulletin.pdf": "kestrelle.pdfsrc",
    "sallowfield-scb-boiler-controller-alarm-codes.pdf": "sallowfield.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it after planting a wrong source
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
