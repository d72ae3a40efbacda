"""Twelfth held-out knowledge-search evaluation set ("heldout12"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built from the sources in `pdfsrc/`, deterministically (`rl_config.invariant = 1`) and with the standard fonts only:
most by the shared `../set_pdfsrc.py`, and the two whose text carries revision marks by this set's own
`build_marked.py` (a standard chapter with "N" new-text markers, drawn "Δ" change bars and an annex; a state code
amendment with struck-through deletions beside underlined additions). What this set adds to the other sets' layouts:
a multi-page product data sheet whose spec tables put the units in a second header row and mark cells with *, †, ‡,
§ and ¶ footnotes; a boiler fault-code table running over three half-letter pages under a repeated header; a
maintenance matrix of tasks by intervals with bullet marks; installation instructions whose only headings are bold
body-size text and whose model family is named only in the running header (the title is generic); a two-language
(English / French) rating plate and warning label; a relay module's terminal table; a Q-and-A technical bulletin; a
Markdown runbook of nested numbered steps; a BAS point export (`key=value` lines over CSV rows); and a typewritten
1972 manual in capitals with "PARA. 3-2" numbering and dotted leaders.

This set is HELD OUT: nobody tuning knowledge search may read its questions.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # build_marked.py, and set_markup.py shared by the sets

import build_marked  # noqa: E402
import set_pdfsrc  # noqa: E402
from set_markup import list_documents, upload_documents  # noqa: E402

DOCS = HERE / "docs"
PDFSRC = HERE / "pdfsrc"

# Markdown / text documents: filename -> title (None: uploaded without one, as technicians often do).
TEXT_DOCS: dict[str, str | None] = {
    "pellworth-tb-2611-pwx-pump-controller-questions.md":
        "Pellworth TB-2611 - PWX Fire Pump Controller Questions from the Field",
    "coldroom-defrost-failure-runbook.md": "Runbook - Walk-in Freezer Not Defrosting (Frostline FLC-3)",
    "glenhollow-ms-ahu-3-bas-point-export.txt": None,
    "ashcombe-model-40-oil-burner-1972-service-manual.txt": "Ashcombe Model 40 Oil Burner Service Manual (1972)",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "brennholt-bcu-series-condensing-units-product-data.pdf": "brennholt.pdfsrc",
    "nfsa-214-2025-chapter-7-periodic-testing-annex-a.pdf": "norvale-std.pdfsrc",
    "westmarch-hb-1187-mechanical-code-amendments.pdf": "amendment.pdfsrc",
    "kestrane-kcb-condensing-boiler-fault-codes.pdf": "kestrane.pdfsrc",
    "talvora-trv-rooftop-planned-maintenance-schedule.pdf": "talvora.pdfsrc",
    "ravenel-is-rpz700-installation-testing-maintenance.pdf": "ravenel.pdfsrc",
    "halmstad-huh-unit-heater-rating-plate-label-en-fr.pdf": "halmstad.pdfsrc",
    "orrin-omx-8-relay-module-wiring-terminals.pdf": "orrin.pdfsrc",
}
MARKED = {"norvale-std.pdfsrc", "amendment.pdfsrc"}  # set by build_marked.py


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it to build every PDF a second time
def build_pdf(src: str) -> tuple[str, bytes]:
    return (build_marked if src in MARKED else set_pdfsrc).build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
