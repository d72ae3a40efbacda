"""The documents of the "dev_field" knowledge-evaluation set: four manuals of the kinds a customer uploads, written
in session 22 by a helper acting as a field technician, to find by probing what Clara gets wrong on documents it
never saw (issue 13): a gas unit heater manual as a reportlab PDF, with a specifications table of five models as
columns, a numbered sequence of operation and an LED flash-code table keyed by a count (the lead's failure: "fails to
light three times" against the row keyed 3); a county fire code chapter in plain text with (a)(1)(i) clauses; a
water-source heat pump IOM in Markdown with a water-flow table and a fault-code table; and a fire pump controller
service bulletin in plain text with a serial range, a kit and numbered steps. 40 questions in a technician's lay,
spoken and terse words, most carrying a number. Every product, brand and county is invented. A development set,
tuned on.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]  # set_markup.py and set_pdfsrc.py shared by the sets

import set_pdfsrc  # noqa: E402
from set_markup import list_documents, upload_documents  # noqa: E402

DOCS = HERE / "docs"
PDFSRC = HERE / "pdfsrc"

# Markdown / text documents: filename -> title (None: uploaded without one, as technicians often do).
TEXT_DOCS: dict[str, str | None] = {
    "marlow-county-fire-code-ch-9-fire-protection-systems.txt":
        "Marlow County Fire Prevention Code Chapter 9 - Fire Protection Systems",
    "bayridge-bwh-water-source-heat-pump-iom.md": "Bayridge BWH Water-Source Heat Pump IOM",
    "quenby-sb-2231-fire-pump-controller-transducer.txt": None,
}

# PDFs: filename -> source file in pdfsrc/ (the title is read from the source's @title line).
PDF_DOCS: dict[str, str] = {
    "harrowgate-hug-unit-heater-iom.pdf": "harrowgate.pdfsrc",
}


def documents() -> list[dict]:
    """Every document of the set, as the upload form would send it."""
    return upload_documents(docs=DOCS, text_docs=TEXT_DOCS, pdf_docs=PDF_DOCS, build_pdf=build_pdf)


@functools.lru_cache(maxsize=None)
def build_pdf(src: str) -> tuple[str, bytes]:
    """The PDF built from its source in pdfsrc/, with the title written in the source."""
    return set_pdfsrc.build_pdf(PDFSRC / src)


if __name__ == "__main__":
    list_documents(documents(), sys.argv)
