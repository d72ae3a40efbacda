"""Eighteenth held-out knowledge-search evaluation set ("heldout18"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (heldout8's line markup, unchanged), deterministically
(`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other sets' kinds: a
high-pressure water mist system's ITM manual (a task table with a frequency and an O / S "by" column running over a
page break under its repeated header, normal readings, water quality limits, a flow test); a carbon dioxide special
hazard system's service manual (cylinder weights by model with a recharge weight, design concentrations by hazard,
run-in safety devices); a completed foam proportioning test report (a refractometer calibration curve and samples
per zone, a lean sample and its retest); a county inspector's kitchen hood and make-up air record with Yes / No /
N/A columns marked X, code sections and comments, measured airflow and a reinspection fee table; a sensor
resistance reference whose table of five curves by temperature runs over a page break under its repeated header;
a VRF heat recovery branch controller installation manual (models as rows, port and main pipe sizes by capacity
band, "1.1"-numbered steps); and a drawing sheet's mechanical schedules in capitals on a landscape page (rooftop
units, exhaust fans, grilles) with numbered schedule notes and a revision in the footer.

The text documents add a contractor's flat-rate price book in Markdown (task codes, standard and member prices,
book hours, pricing rules), a utility's heat pump rebate guide in Markdown, a supermarket rack's refrigerant leak
inspection record with leak-rate arithmetic, a technician's notes-app export of site quirks uploaded without a
title, and a distributor's warranty and stock return (RGA) policy in numbered plain-text clauses.

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
    "brennan-flat-rate-price-guide-2026.md": "Brennan Heating & Air flat-rate price guide 2026",
    "coastline-energy-2026-heat-pump-rebates.md": "Coastline Energy 2026 heat pump rebate program - contractor guide",
    "fairmont-market-rack-b-leak-inspection-record.md": "Fairmont Market #12 Rack B refrigerant leak record",
    "field-notes-export.txt": None,
    "ardell-rga-warranty-return-procedure.txt": "Ardell HVAC Distribution warranty returns and RGA procedure",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "halvard-hydrofog-hf-p60-water-mist-itm-manual.pdf": "halvard.pdfsrc",
    "kestrel-guard-kg-co2-service-manual.pdf": "kestrel.pdfsrc",
    "bellmont-foam-proportioning-test-report-ridgeway-terminal.pdf": "foamtest.pdfsrc",
    "tarnwell-county-kitchen-hood-mua-inspection-casa-verde.pdf": "tarnwell.pdfsrc",
    "veltra-tr-118-sensor-resistance-tables.pdf": "veltra.pdfsrc",
    "norvik-bc-series-branch-controller-installation.pdf": "norvik.pdfsrc",
    "greystone-ms-addition-m-601-mechanical-schedules.pdf": "schedules.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it after planting a wrong source
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
