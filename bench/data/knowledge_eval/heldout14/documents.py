"""Fourteenth held-out knowledge-search evaluation set ("heldout14"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (the shared line markup and builder, unchanged),
deterministically (`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other sets'
styles: a portable extinguisher service manual whose internal-maintenance and hydrostatic-test intervals are one
table by extinguisher type; a city fire inspector's report and notice of violation, eleven numbered violations each
with Code / Location / Finding / Correction run-in labels citing code sections, and a corrections-due table; a duct
smoke detector guide on half-letter pages with two models side by side in a ratings table and a sampling-tube table
by duct width; a screw chiller controller's alarm list (number, display text, condition, trip point, delay, reset,
what to check) on a landscape page table that runs onto the next page under its repeated header; a combustion
analysis reference card whose target table has a two-row header (min / max under O2 and CO2); a CSI three-part
specification section (PART 1 / 1.01 / A. / 1.) for the elevator recall and shunt trip interface; a pre-action and
deluge releasing panel manual with a cover page and a program option table continued on the next page;
and a variable frequency drive's fault (F0002) and alarm (A101) lists with cause and remedy.

The text documents add a cooling tower water treatment program in Markdown with front matter, control ranges and a
completed service report; a thermostat's installer setup numbers as ASCII-ruled tables in plain text; a kitchen
exhaust cleaning contractor's field standard with a frequency table by cooking volume; and a refrigerant recovery
cylinder guide in plain text with underlined headings and a space-aligned size table (uploaded without a title).

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
    "clearpoint-cooling-tower-water-treatment-program-and-service-report.md":
        "Clearpoint - Ridgeline MOB cooling tower water treatment program",
    "halcyon-t9-pro-thermostat-installer-setup-numbers.txt": "Halcyon T9 Pro thermostat installer setup (ISU) list",
    "greasepoint-kitchen-exhaust-cleaning-service-standard.md": "GreasePoint KE-7 kitchen exhaust cleaning standard",
    "norland-refrigerant-recovery-cylinder-handling-guide.txt": None,
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "pyrecrest-psm-12-portable-extinguisher-service-manual.pdf": "pyrecrest.pdfsrc",
    "marlow-fpb-notice-of-violation-2026-04417.pdf": "marlow.pdfsrc",
    "sentrix-dsd-2w-dsd-4w-duct-smoke-detector-installation.pdf": "sentrix.pdfsrc",
    "coldhaven-cwx-screw-chiller-alarm-and-safety-reference.pdf": "coldhaven.pdfsrc",
    "tellaro-tca-40-combustion-analysis-field-reference.pdf": "tellaro.pdfsrc",
    "kelso-library-section-28-46-22-elevator-recall-interface.pdf": "kelso.pdfsrc",
    "aquilon-rp-2-releasing-control-panel-manual.pdf": "aquilon.pdfsrc",
    "drivon-dx2-hvac-drive-faults-and-alarms.pdf": "drivon.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it to prove a second build is byte-identical
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
