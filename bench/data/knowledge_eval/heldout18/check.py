"""Check the eighteenth held-out knowledge-search evaluation set ("heldout18").

    python bench/data/knowledge_eval/heldout18/check.py            # verify; exit 1 on any problem
    python bench/data/knowledge_eval/heldout18/check.py --locate   # also print the pages where each PDF evidence is
    python bench/data/knowledge_eval/heldout18/check.py --chunks   # also prove each evidence sits whole in one chunk

The checks are the shared ones of `../set_check.py` (documents built twice and byte-identical, standard fonts, no
ligatures, each question's evidence found exactly once on its page, every fact inside it); this set's own limits:
PDFs 1-4 pages with the upload title equal to the PDF's metadata title, Markdown and text files 2-8 KB, evidence
4-20 words, ids heldout18-NNN, and the layouts this set exists for (`LAYOUTS`, and `TEXT_LAYOUTS` for the text
files): the water mist ITM table of 23 tasks starting under the text on page 1 and running onto page 2 under its
repeated header; the CO2 cylinder table of four models and five design concentrations; the foam test's five
calibration solutions and five samples; the county form's 17 numbered items under two Yes / No / N/A headers; the
sensor resistance table of 55 temperatures over a page break under its repeated header; the branch controller's
four models and two pipe-size tables of four bands; the drawing sheet's schedules on a landscape page; the price
book's task-code rows; the rebate table; the leak record's dated entries; the notes export's seven sites and no
upload title; the return policy's numbered clauses.

`--chunks` uploads the set to a fresh app as `bench/knowledge_eval.py` does and searches each evidence by its own
text (never a question): an evidence no hit holds whole, from its own document, was cut at a chunk boundary and must
be rewritten to the run one chunk holds. It prints only question ids.
"""

from __future__ import annotations

import asyncio
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this set's documents.py and the shared set_check.py

from documents import DOCS, TEXT_DOCS, build_pdf, documents  # noqa: E402  (from beside this file, wherever run)
from set_check import check_set, page_texts  # noqa: E402

KINDS = ("identifier", "paraphrase", "lay", "brand_model", "model_pick", "table", "spoken", "terse", "two_fact",
         "negation", "regulation", "chatty", "counted")


def _pages_with(pages: list[str], text: str) -> list[int]:
    return [n for n, page in enumerate(pages, 1) if text in page]


def _itm_table(data: bytes) -> str | None:
    pages = page_texts(data)
    head = _pages_with(pages, "no. component task frequency by")
    tasks = re.findall(r"(?:^| )1\.(\d{1,2}) (?:control|pump|heated|hf-c8|break|strainers|section|flow|nozzle|water|"
                       r"full|tubing|gauges|automatic)", " ".join(pages))
    wanted = [str(n) for n in range(1, 24)]
    return None if head == [1, 2] and tasks == wanted else \
        f"task table header on pages {head}, tasks {tasks}"


def _cylinders(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    cylinders = re.findall(r"\bkc-(\d+) \1 \d+ \d+ \d+\.\d", whole)
    hazards = len(re.findall(r"\d\d percent \d+ \d\d minutes", whole))
    return None if cylinders == ["35", "50", "75", "100"] and hazards == 5 else \
        f"cylinder rows {cylinders}, {hazards} design concentration rows"


def _foam_test(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    curve = len(re.findall(r"\b\d\.\d(?: \(site water\))? 1\.33\d{3} \d\.\d\b", whole))
    samples = re.findall(r"\bs(\d) zone \d", whole)
    return None if curve == 5 and samples == list("12345") else f"{curve} calibration rows, samples {samples}"


def _yes_no_form(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    heads = whole.count("no. item code yes no n/a comment")
    items = re.findall(r"\b([ab]\d{1,2}) [a-z]", whole)[:17]  # then the result cites some again
    wanted = [f"a{n}" for n in range(1, 11)] + [f"b{n}" for n in range(1, 8)]
    return None if heads == 2 and items == wanted else f"{heads} Yes/No/N/A headers, items {items}"


def _resistance_table(data: bytes) -> str | None:
    pages = page_texts(data)
    head = _pages_with(pages, "°f °c 10k type ii 10k type iii 3k ntc 20k ntc pt 1000")
    rows = len(re.findall(r"(?:^| )-?\d{1,3} -?\d{1,3}\.\d [\d,]+ [\d,]+ [\d,.]+ [\d,]+ \d{3,4}\.\d", " ".join(pages)))
    return None if head == [2, 3] and rows == 55 else f"resistance header on pages {head}, {rows} rows"


def _branch_controller(data: bytes) -> str | None:
    whole = " ".join(page_texts(data))
    models = re.findall(r"\bbc-(\d+) \1 \d+ \d+ \d+ 0\.\d\d a", whole)
    bands = ("up to 18 1/4 1/2", "over 18 to 36 3/8 5/8", "over 36 to 54 3/8 3/4", "(two joined ports) 3/8 7/8",
             "up to 96 5/8 3/4 3/8", "97 to 168 3/4 7/8 3/8", "169 to 240 7/8 1-1/8 1/2", "241 to 324 1-1/8 1-3/8 5/8")
    pipes = sum(band in whole for band in bands)
    return None if models == ["4", "6", "8", "12"] and pipes == 8 else f"models {models}, {pipes} of 8 pipe-size rows"


def _schedules(data: bytes) -> str | None:
    from pypdf import PdfReader

    pages = page_texts(data)
    boxes = [page.mediabox for page in PdfReader(io.BytesIO(data)).pages]
    landscape = [n for n, box in enumerate(boxes, 1) if box.width > box.height]
    rtus = re.findall(r"\brtu-(\d) (?:classrooms [\d-]+|gymnasium|media center|admin suite) [\d,]+ ", pages[1])
    fans = re.findall(r"\bef-(\d) (?:toilets|locker|science|kiln) ", pages[1])
    return None if landscape == [2, 3] and rtus == list("12345") and fans == list("1234") else \
        f"landscape pages {landscape}, RTU rows {rtus}, fan rows {fans}"


LAYOUTS = {
    "halvard-hydrofog-hf-p60-water-mist-itm-manual.pdf": _itm_table,
    "kestrel-guard-kg-co2-service-manual.pdf": _cylinders,
    "bellmont-foam-proportioning-test-report-ridgeway-terminal.pdf": _foam_test,
    "tarnwell-county-kitchen-hood-mua-inspection-casa-verde.pdf": _yes_no_form,
    "veltra-tr-118-sensor-resistance-tables.pdf": _resistance_table,
    "norvik-bc-series-branch-controller-installation.pdf": _branch_controller,
    "greystone-ms-addition-m-601-mechanical-schedules.pdf": _schedules,
}


def _price_book(text: str) -> str | None:
    rows = len(re.findall(r"^\| [EHRAX]-\d{2,3} \| .+ \| \$[\d,]+ \| (?:\$[\d,]+|-) \| (?:\d\.\d|-) \|$", text, re.M))
    return None if rows == 28 else f"{rows} task-code rows"


def _rebates(text: str) -> str | None:
    rows = len(re.findall(r"^\| .+ \| .+ \| \$[\d,]+ (?:per ton|flat) \|$", text, re.M))
    return None if rows == 7 else f"{rows} rebate rows"


def _leak_record(text: str) -> str | None:
    entries = re.findall(r"^### (2026-\d\d-\d\d) - ", text, re.M)
    return None if len(entries) == 5 and "Leak rate = (" in text else f"entries {entries}"


def _notes_export(text: str) -> str | None:
    sites = len(re.findall(r"^== .+ ==$", text, re.M))
    untitled = TEXT_DOCS["field-notes-export.txt"] is None
    return None if sites == 7 and untitled else f"{sites} notes, uploaded without a title: {untitled}"


def _return_policy(text: str) -> str | None:
    clauses = re.findall(r"^(\d\.\d) [A-Z]", text, re.M)
    wanted = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
    return None if clauses == wanted else f"clauses {clauses}"


TEXT_LAYOUTS = {
    "brennan-flat-rate-price-guide-2026.md": _price_book,
    "coastline-energy-2026-heat-pump-rebates.md": _rebates,
    "fairmont-market-rack-b-leak-inspection-record.md": _leak_record,
    "field-notes-export.txt": _notes_export,
    "ardell-rga-warranty-return-procedure.txt": _return_policy,
}


async def _chunks() -> int:
    """Search every evidence by its own text on a fresh app with this set uploaded; list the ids no hit holds whole."""
    sys.path.insert(0, str(HERE.parents[2]))  # bench/, for knowledge_eval and its helpers
    import knowledge_eval

    async with knowledge_eval.loaded("heldout18") as run:
        cut = []
        for question in run.questions:
            response = await run.client.get("/clara-server/knowledge/search", headers=run.tech_auth,
                                            params={"query": question["evidence"], "k": knowledge_eval.DEPTH})
            response.raise_for_status()
            if not any(knowledge_eval._right(hit, question, run.ids) for hit in response.json()["results"]):
                cut.append(question["id"])
    print(f"evidence whole in one returned chunk: {len(run.questions) - len(cut)} of {len(run.questions)}")
    for qid in cut:
        print(f"  not found whole: {qid}")
    return 1 if cut else 0


if __name__ == "__main__":
    text_problems = [f"{name}: {problem}" for name, check in TEXT_LAYOUTS.items()
                     if (problem := check((DOCS / name).read_text(encoding="utf-8")))]
    for p in text_problems:
        print("text layout: " + p)
    status = check_set(folder=HERE, documents=documents, fresh=build_pdf.cache_clear, id_prefix="heldout18",
                       kinds=KINDS, pages=(1, 4), text_bytes=(2048, 8192), evidence_words=(4, 20),
                       metadata_title=True, layouts=LAYOUTS, locate="--locate" in sys.argv[1:])
    if "--chunks" in sys.argv[1:]:
        status = asyncio.run(_chunks()) or status
    sys.exit(status or (1 if text_problems else 0))
