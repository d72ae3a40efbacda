"""Check the fourteenth held-out knowledge-search evaluation set ("heldout14").

    python bench/data/knowledge_eval/heldout14/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout14/check.py --locate   # also print the pages where each PDF evidence is

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 2-5 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout14-NNN, and the layouts this set exists for (`LAYOUTS`, `TEXT_LAYOUTS`): the extinguisher
interval table by type; the notice's eleven numbered violations with their run-in labels; the detector guide's
two-model ratings table; the chiller alarm list really running onto a second landscape page under its repeated
header; the combustion card's two-row header; the specification's PART / 1.01 / A. numbering; the releasing panel's
option table continued on the next page; the drive's F and A code lists; the water treatment page's front matter;
the thermostat list's ASCII rules; the cylinder guide's underlined headings.
Prints the counts per kind and per document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever it is run from)
from set_check import check_set, page_texts  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "regulation", "chatty")


def _whole(data: bytes) -> str:
    return " ".join(page_texts(data))


def _interval_table(data: bytes) -> str | None:
    rows = len(re.findall(r"\((?:px|pk|pcx|pw|pc|pf)-\d+[a-z]?(?:, p[a-z]+-\d+)?\) (?:every|annually)", _whole(data)))
    return None if rows == 7 else f"{rows} extinguisher type rows"


def _violations(data: bytes) -> str | None:
    whole = _whole(data)
    numbered = re.findall(r"violation (\d+)(?: - immediate)? code:", whole)
    labels = all(whole.count(f"{label}:") >= 11 for label in ("location", "finding", "correction"))
    return None if numbered == [str(n) for n in range(1, 12)] and labels else \
        f"violations {numbered}, run-in labels on each: {labels}"


def _two_models(data: bytes) -> str | None:
    whole = _whole(data)
    return None if "rating dsd-2w dsd-4w" in whole and "duct width (inside) sampling tube part holes" in whole \
        else "ratings table with both models as columns, or the sampling tube table, missing"


def _continued_alarm_list(data: bytes) -> str | None:
    pages = page_texts(data)
    head = "no. display text condition trip point (default) delay reset what to check"
    on = [n for n, t in enumerate(pages, 1) if head in t]
    return None if len(on) == 2 and on[1] == on[0] + 1 else f"alarm list header on pages {on}"


def _two_row_header(data: bytes) -> str | None:
    return None if "o2, percent co2, percent co air-free, ppm max net stack temp, °f min max min max" in _whole(data) \
        else "two-row header (min / max under O2 and CO2) missing"


def _csi_section(data: bytes) -> str | None:
    whole = _whole(data)
    parts = re.findall(r"part (\d) - (general|products|execution)", whole)
    articles = len(re.findall(r"\b[123]\.0\d [a-z]+", whole))
    return None if len(parts) == 3 and articles >= 10 and "end of section" in whole else \
        f"{len(parts)} parts, {articles} articles"


def _continued_options(data: bytes) -> str | None:
    pages = page_texts(data)
    first = [n for n, t in enumerate(pages, 1) if "table 4. program options option name default" in t]
    cont = [n for n, t in enumerate(pages, 1) if "table 4. program options (continued) option name default" in t]
    return None if len(first) == 1 and cont == [first[0] + 1] else f"option table on {first}, continued on {cont}"


def _code_lists(data: bytes) -> str | None:
    whole = _whole(data)
    faults, alarms = len(set(re.findall(r"\bf00\d\d\b", whole))), len(set(re.findall(r"\ba[1-8]\d\d\b", whole)))
    return None if faults >= 16 and alarms >= 8 else f"{faults} fault codes, {alarms} alarm codes"


LAYOUTS = {
    "pyrecrest-psm-12-portable-extinguisher-service-manual.pdf": _interval_table,
    "marlow-fpb-notice-of-violation-2026-04417.pdf": _violations,
    "sentrix-dsd-2w-dsd-4w-duct-smoke-detector-installation.pdf": _two_models,
    "coldhaven-cwx-screw-chiller-alarm-and-safety-reference.pdf": _continued_alarm_list,
    "tellaro-tca-40-combustion-analysis-field-reference.pdf": _two_row_header,
    "kelso-library-section-28-46-22-elevator-recall-interface.pdf": _csi_section,
    "aquilon-rp-2-releasing-control-panel-manual.pdf": _continued_options,
    "drivon-dx2-hvac-drive-faults-and-alarms.pdf": _code_lists,
}


def _front_matter(text: str) -> str | None:
    return None if re.match(r"---\n(?:[a-z]+: .+\n){4,}---\n", text) else "no front matter block"


def _ascii_rules(text: str) -> str | None:
    rules = len(re.findall(r"^\+-+\+-+\+-+\+-+\+$", text, re.M))
    return None if rules >= 8 else f"{rules} ASCII rule lines"


def _underlined(text: str) -> str | None:
    heads = len(re.findall(r"^[A-Z][a-z].*\n-{6,}$", text, re.M))
    return None if heads >= 7 and re.search(r"^=+$", text, re.M) else f"{heads} underlined headings"


TEXT_LAYOUTS = {
    "clearpoint-cooling-tower-water-treatment-program-and-service-report.md": _front_matter,
    "halcyon-t9-pro-thermostat-installer-setup-numbers.txt": _ascii_rules,
    "norland-refrigerant-recovery-cylinder-handling-guide.txt": _underlined,
}


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout14",
                       kinds=KINDS, pages=(2, 5), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    sys.exit(status or (1 if text_problems else 0))
