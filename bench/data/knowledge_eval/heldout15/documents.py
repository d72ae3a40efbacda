"""Fifteenth held-out knowledge-search evaluation set ("heldout15"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (heldout8's line markup, unchanged), deterministically
(`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other sets' layouts: a
sprinkler identification guide whose SIN cross-reference is one wide table on landscape pages, running onto the
next page under its repeated header, beside a bulb-colour temperature table; a VRF system's error list keyed by a
two-part code (main code and sub-code) with the outdoor board's LED blink patterns, also over a page break; a
backflow preventer repair kit catalogue for two models, kits by valve size; a fire alarm standby battery
calculation worksheet (devices, quantities, currents, totals, a formula and the battery chosen); a state's
contractor licensing rules numbered "R 29.2104" with a "History:" line under each rule and a fee table; and an air
balance (TAB) report, outlet by outlet design against measured airflow with a fan data sheet.

The text documents add a technician job hazard analysis (step / hazard / control) in Markdown, a safety toolbox
talk in Markdown ending in a quiz with its answer key, a two-refrigerant pressure-temperature chart in Markdown
with bubble and dew columns for the blend, a site log book of dated entries by different technicians uploaded
without a title, an OCR'd scan of an old damper manual with the typical OCR noise (l for 1, O for 0, broken
hyphenation, page headers mid-text), and an electrical-code-style article copied from a code viewer with
"Exception No. 1:" paragraphs and "Informational Note" blocks.

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
    "ridgeline-mechanical-jha-rtu-compressor-replacement.md": "Ridgeline Mechanical JHA - RTU compressor replacement",
    "pellham-fire-toolbox-talk-working-on-live-fire-alarm-systems.md":
        "Pellham Fire Protection toolbox talk - working on live fire alarm systems",
    "coldmark-pt-chart-r454b-r32.md": "Coldmark pressure-temperature chart R-454B and R-32",
    "site-log-harbor-point-tower.txt": None,
    "dampco-1994-fire-smoke-damper-manual-scan.txt": "Dampco FSD-40 fire/smoke damper manual (1994 scan)",
    "wenlock-electrical-code-article-760-fire-alarm-circuits.txt":
        "Wenlock Electrical Code Article 760 - Fire alarm circuits",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "ardent-sprinkler-identification-guide-sin-cross-reference.pdf": "ardent.pdfsrc",
    "kyomura-kvx-vrf-error-code-and-led-list.pdf": "kyomura.pdfsrc",
    "tallisker-975rp-850dc-backflow-repair-kits.pdf": "tallisker.pdfsrc",
    "brightwater-mob-facp-standby-battery-calculation.pdf": "battery.pdfsrc",
    "wenlock-licensing-rules-r-29-2101-fire-protection-contractors.pdf": "licensing.pdfsrc",
    "alder-tab-air-balance-report-westfield-library.pdf": "tab.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it after planting a wrong source
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
