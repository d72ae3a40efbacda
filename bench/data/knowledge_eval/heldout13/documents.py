"""Thirteenth held-out knowledge-search evaluation set ("heldout13"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built from the sources in `pdfsrc/` by the shared line-markup builder `../set_pdfsrc.py` (reportlab, deterministic,
standard fonts only). What this set adds, in the styles field technicians actually upload: a CHARGING CHART (a
two-dimensional lookup, outdoor dry bulb down the side by indoor wet bulb across, under a spanned header); a
contractor's ITM FREQUENCY SCHEDULE with Weekly / Monthly / Quarterly / Annual / 5-Year columns on a landscape
page; a hood suppression DESIGN MANUAL with nozzle flow points and coverage limits; a generator and transfer switch
EXERCISE AND LOAD TEST SOP with timer codes; an IOM whose ELECTRICAL DATA PUTS EACH SUPPLY VOLTAGE IN COLUMNS
(MCA / MOCP, RLA / LRA under a two-row header); a SYMPTOM / POSSIBLE CAUSE / REMEDY table running over a page
break with its header repeated; an ILLUSTRATED PARTS LIST with numbered callouts and per-model part numbers; a water
district's backflow TEST RULE with minimum passing readings.

The text documents add an ADOPTED-CODE ORDINANCE with local amendments (plain text), a manufacturer's SERVICE
BULLETIN FORWARDED IN AN E-MAIL (uploaded without a title), a project SEQUENCE OF OPERATION in numbered prose
(Markdown) and a company FIELD REFERENCE CARD with a torque table (Markdown).

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

# Markdown / text documents: filename -> title (None: uploaded without one, as a saved e-mail usually is).
TEXT_DOCS: dict[str, str | None] = {
    "fairhaven-springs-ordinance-2026-14-code-adoption.txt":
        "City of Fairhaven Springs Ordinance 2026-14 - Fire, Mechanical and Fuel Gas Code Adoption",
    "fw-carrow-sb-24-117-inducer-pressure-switch-email.txt": None,
    "lakeview-ms-ahu-3-gym-sequence-of-operation.md": "Lakeview Middle School AHU-3 Gym - Sequence of Operation",
    "pinecrest-mechanical-field-reference-flare-brazing-evacuation.md":
        "Pinecrest Mechanical Field Reference - Flare Torque, Brazing and Evacuation",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "tavira-tsc-condensing-unit-charging-guide.pdf": "tavira.pdfsrc",
    "halvorsen-fire-protection-itm-frequency-schedule.pdf": "halvorsen.pdfsrc",
    "kestrel-kr-200-hood-suppression-design-manual.pdf": "kestrel.pdfsrc",
    "northgate-sop-gen-07-generator-ats-exercise-load-test.pdf": "northgate.pdfsrc",
    "oberlin-oph-packaged-heat-pump-iom.pdf": "oberlin.pdfsrc",
    "frostline-flc-4-walk-in-controller-troubleshooting.pdf": "frostline.pdfsrc",
    "vandermeer-vb-boiler-burner-gas-train-parts-list.pdf": "vandermeer.pdfsrc",
    "cascade-valley-wd-backflow-field-test-procedures.pdf": "cascade.pdfsrc",
}


def build_pdf(src: str) -> tuple[str, bytes]:
    """One source of `pdfsrc/` built by the shared builder: its title and bytes."""
    return build_source(PDFSRC / src)


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
