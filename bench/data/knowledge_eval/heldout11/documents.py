"""Eleventh held-out knowledge-search evaluation set ("heldout11"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (heldout8's line markup, plus `FIG`, which this set
added: a drawn figure whose parts carry lettered callouts), deterministically (`rl_config.invariant = 1`) and with the standard
fonts only. What this set adds to the other sets' layouts: a federal-style refrigerant rule numbered
§ 291.142(c)(2)(ii)(B) with a "Table 1 to paragraph (c)"; a fire alarm panel programming manual of menu paths
("MENU > 3 PROGRAM > 6 SYSTEM") and trouble messages; a kitchen hood owner's manual whose text points at lettered
callouts of drawn figures ("Figure 2, callout E"); a unit heater selection guide whose models are columns and whose
footnote changes one cell; a state fire marshal's interpretation letter quoting the code and answering numbered
questions; a field notice superseding its earlier revision with a changed torque and a star tightening sequence; an
ERV installation manual whose tables continue across pages under "(continued)" captions and repeated headers; and
an errata sheet (page / location / reads / should read) for another manual.

The text documents add a fire pump controller's event-history export (CSV lines under a settings block), a service
console's command reference in man-page style, and a Markdown company wiki page with GitHub alert blocks and
collapsed `<details>` sections.

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
    "brenmoor-fpc-50-fire-pump-controller-event-history-export.txt": None,
    "tessaly-tsc-10-service-console-command-reference.txt": "Tessaly TSC-10 Service Console - Command Reference",
    "kestrel-backflow-wiki-testing-double-check-and-rp-assemblies.md":
        "Kestrel Backflow Services wiki - Testing DC and RP assemblies",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "part-291-subpart-c-refrigerant-recovery-and-leak-repair.pdf": "part291.pdfsrc",
    "corvane-cfp-216-fire-alarm-panel-programming-manual.pdf": "corvane.pdfsrc",
    "vantrell-vh-series-kitchen-exhaust-hood-owners-manual.pdf": "vantrell.pdfsrc",
    "osterly-uhx-gas-unit-heater-selection-guide.pdf": "osterly.pdfsrc",
    "calloway-state-fire-marshal-formal-interpretation-fi-25-014.pdf": "calloway.pdfsrc",
    "rexbury-fn-0519-rev-b-dry-valve-handhole-cover-torque.pdf": "rexbury.pdfsrc",
    "halbrook-hrx-energy-recovery-ventilator-iom.pdf": "halbrook.pdfsrc",
    "norvell-nc-900-boiler-sequencer-manual-errata.pdf": "norvell.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it after planting a wrong source
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
