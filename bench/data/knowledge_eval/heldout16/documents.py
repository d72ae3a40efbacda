"""Sixteenth held-out knowledge-search evaluation set ("heldout16"): the documents.

`documents()` returns the set as uploads (`../set_markup.py`): the Markdown and text files in `docs/`, then the PDFs
built by `../set_pdfsrc.py` from the sources in `pdfsrc/` (heldout8's line markup, unchanged), deterministically
(`rl_config.invariant = 1`) and with the standard fonts only. What this set adds to the other sets' kinds of
document: a smoke-control acceptance test procedure (criteria table, a test matrix of initiating devices against
expected fan and damper responses, a recorded pressure / door-force table); a state fire marshal's technical
bulletin on emergency responder radio coverage (signal table, numbered installation paragraphs, a fee table); a
fire pump performance table of churn / rated / 150 percent points in which one model number holds several rated
duties; a direct-fired make-up air unit IOM whose every table is split in two by cabinet ("Table 2A" / "Table 2B"),
so a model must first be mapped to its cabinet; an insurer's impairment handling procedure (Red Tag permit, a
precautions table by impairment duration); and a centrifugal chiller start-up checklist of item codes A1..F3 with
expected values and model tables.

The text documents add a circulator pump curve sheet in Markdown (head at each flow for three models at three speeds,
dash cells beyond the curve) with a worked selection; a bid addendum with numbered items that DELETE, REVISE and ADD
to specification paragraphs and drawings, and bidders' questions; a chat export of timestamped messages by several
people, emoji and all, in which the fix emerges over the day; an auto-captioned training video transcript with
timestamps, speaker labels and spoken numbers; a detector / base / panel compatibility matrix whose cells say "Yes
(a)" or "FW" with the conditions in notes; and a furnace label sheet in English and Spanish, label after label.

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
    "veloria-hc-circulator-pump-curves.md": "Veloria HC circulator pump curves (HC-15, HC-25, HC-40)",
    "addendum-03-marlow-elementary-mechanical-fire-protection.md":
        "Marlow Elementary - Addendum No. 3 (mechanical, fire protection, fire alarm)",
    "teams-chat-northgate-hospital-ahu-7-freezestat.txt": None,
    "training-video-transcript-dry-pipe-valve-trip-test.txt":
        "Ferrow Sprinkler Academy video 12 transcript - dry pipe valve full trip test",
    "sentrix-detector-base-panel-compatibility-matrix.md": "Sentrix detector and base compatibility matrix SD-CM-14",
    "aldermoor-agf-furnace-label-sheet-en-es.txt": "Aldermoor AGF furnace label sheet (English / Spanish)",
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "quillon-smoke-control-acceptance-test-procedure-stair-pressurization.pdf": "smoke.pdfsrc",
    "westmark-sfm-technical-bulletin-fm-tb-2026-04-errcs.pdf": "fm.pdfsrc",
    "torvane-tsc-split-case-fire-pump-performance-data.pdf": "pump.pdfsrc",
    "harlow-hma-direct-fired-make-up-air-iom.pdf": "mua.pdfsrc",
    "granitehall-mutual-impairment-handling-procedure.pdf": "impair.pdfsrc",
    "kelbrook-cvx-centrifugal-chiller-start-up-checklist.pdf": "chiller.pdfsrc",
}


def documents() -> list[dict]:
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)  # check.py clears it after planting a wrong source
def build_pdf(src: str) -> tuple[str, bytes]:
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
