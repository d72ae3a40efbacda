"""What a page does to a PDF's passages, through the HTTP upload and search API: a cover names the manual and is no
section of it, a caption at the foot of a page stays on its page, and a running header that names the chapter (set
left and right across the page) neither enters the passages nor splits the page's prose into two columns."""

from __future__ import annotations

import io
from typing import Any, Callable

import httpx
import pytest
from reportlab import rl_config
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

PAGE_HEIGHT = letter[1]


def _pages(draws: list[Callable[[Any], None]], *, header: Callable[[Any, int], None] | None = None) -> bytes:
    """One Letter page per function in `draws`, each drawing its page on a reportlab canvas; `header` draws the
    running lines of every page but the first (a cover has none)."""
    rl_config.invariant = 1
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=letter)
    for number, draw in enumerate(draws, start=1):
        if header is not None and number > 1:
            header(page, number)
        draw(page)
        page.showPage()
    page.save()
    return out.getvalue()


def _lines(page: Any, top: float, lines: list[str], *, font: str = "Helvetica", size: float = 10) -> float:
    page.setFont(font, size)
    for line in lines:
        page.drawString(72, top, line)
        top -= size * 1.4
    return top


def _manual_header(page: Any, number: int) -> None:
    page.setFont("Helvetica", 8)
    page.drawString(72, PAGE_HEIGHT - 36, "HV-30 Installation and Service Manual")
    page.drawRightString(540, 36, f"Page {number}")


def _cover(page: Any) -> None:
    page.setFont("Helvetica-Bold", 28)
    page.drawString(72, 600, "HALVORSEN")
    page.setFont("Helvetica-Bold", 20)
    page.drawString(72, 560, "HV-30 Fire Pump Controller")
    page.setFont("Helvetica", 16)
    page.drawString(72, 530, "Installation and Service Manual")
    page.setFont("Helvetica", 10)
    page.drawString(72, 100, "Form HV-30-IM Rev C, March 2024")


def _introduction(page: Any) -> None:
    top = _lines(page, 700, ["The controller starts the jockey pump when the sprinkler system pressure falls to the",
                             "cut-in setting and stops it at the cut-out setting after the minimum run time."])
    page.setFont("Helvetica-Bold", 13)
    page.drawString(72, top - 14, "1 Pressure settings")
    _lines(page, top - 36, ["Set the cut-in pressure to 115 psi and the cut-out pressure to 135 psi. The minimum",
                            "run timer keeps the pump on for at least 2 minutes after each start."])


CAPTION = "Figure 3 Wiring of the pressure transducer to terminal block TB1 on the controller board"


def _wiring(caption: str, caption_size: float) -> Callable[[Any], None]:
    def draw(page: Any) -> None:
        page.setFont("Helvetica-Bold", 13)
        page.drawString(72, 700, "2 Wiring")
        _lines(page, 678, ["Run the sensing cable in its own conduit, away from the motor leads, and ground its",
                           "shield at the controller end only."])
        words = caption.split()
        _lines(page, 90, [" ".join(words[:-2]), " ".join(words[-2:])], font="Helvetica-Oblique", size=caption_size)
    return draw


def _wiring_goes_on(page: Any) -> None:
    _lines(page, 700, ["Terminal TB1-4 takes the transducer's 4-20 mA signal, terminal TB1-5 its supply. Tighten",
                       "both to 5 lb-in and check the display reads the system pressure within 2 psi."])


def manual(caption: str = CAPTION, caption_size: float = 9) -> bytes:
    return _pages([_cover, _introduction, _wiring(caption, caption_size), _wiring_goes_on], header=_manual_header)


async def _upload(client: httpx.AsyncClient, auth: dict[str, str], data: bytes, name: str) -> int:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": (name, data, "application/pdf")})
    assert response.status_code == 201, response.text
    return int(response.json()["document_id"])


async def _search(client: httpx.AsyncClient, auth: dict[str, str], query: str) -> list[dict]:
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": query, "source": "uploads", "k": 5})
    assert response.status_code == 200, response.text
    return response.json()["results"]


async def test_a_cover_names_the_manual_and_heads_none_of_its_sections(client: httpx.AsyncClient,
                                                                       auth: dict[str, str]) -> None:
    """The cover's lines in large type were read as three headings, each open under the one before, over the whole
    manual: the introduction was cited as "Installation and Service Manual", the document was called "HALVORSEN",
    and the cover's form number ran into the introduction's first sentence on page 2."""
    document = await _upload(client, auth, manual(), "hv30-im.pdf")
    [intro, *_] = await _search(client, auth, "when does the HV-30 controller start the jockey pump")
    assert intro["document_id"] == document
    assert intro["title"] == "HALVORSEN HV-30 Fire Pump Controller Installation and Service Manual"
    assert intro["section"] is None and intro["page"] == 2
    assert intro["text"].startswith("The controller starts the jockey pump") and "Form HV-30-IM" not in intro["text"]

    [setting, *_] = await _search(client, auth, "HV-30 cut-out pressure")
    assert setting["section"] == "1 Pressure settings" and setting["page"] == 2
    assert "135 psi" in setting["answer"]


@pytest.mark.parametrize("caption, caption_size", [
    (CAPTION, 10),  # in the text's own size, named as a figure's caption
    (CAPTION.removeprefix("Figure 3 "), 9),  # unlabelled, in smaller type
])
async def test_a_caption_at_the_foot_of_a_page_ends_there(client: httpx.AsyncClient, auth: dict[str, str],
                                                          caption: str, caption_size: float) -> None:
    """A figure caption at the foot of page 3 ran on into page 4's first sentence (the page break was no boundary,
    the caption's last line had no full stop): one paragraph said both, cited on page 3. A caption names what is on
    its page: its label says so, or its type, smaller than the text's."""
    await _upload(client, auth, manual(caption, caption_size), "hv30-im.pdf")
    [terminal, *_] = await _search(client, auth, "which HV-30 terminal takes the transducer 4-20 mA signal")
    assert terminal["page"] == 4 and terminal["section"] == "2 Wiring"
    assert "Terminal TB1-4 takes the transducer's 4-20 mA signal" in terminal["answer"]
    paragraphs = terminal["text"].splitlines()  # the passage holds the whole section, a paragraph a line
    assert [line for line in paragraphs if "pressure transducer to terminal block" in line] == [caption]
    assert paragraphs[-1].startswith("Terminal TB1-4")


def _chapter_header(page: Any, number: int) -> None:
    """ "Kestrel KX-7 Service Guide" on the left, the chapter on the right: the header changes with the chapter."""
    page.setFont("Helvetica", 8)
    page.drawString(54, PAGE_HEIGHT - 30, "Kestrel KX-7 Service Guide")
    chapter = ["", "Section 1: Alarm valve, clapper, trim and water motor gong",
               "Section 1: Alarm valve, clapper, trim and water motor gong",
               "Section 2: Retard chamber, alarm line and drains"][number - 1]
    page.drawRightString(558, PAGE_HEIGHT - 30, chapter)
    page.drawString(54, 30, "Kestrel")
    page.drawRightString(558, 30, f"Kestrel Fire Products, Form KX7-SG Rev B, March 2025, page {number}")


def _alarm_valve(page: Any) -> None:
    page.setFont("Helvetica-Bold", 13)
    page.drawString(54, 700, "1 Alarm valve")
    _lines(page, 678, ["The KX-7 alarm valve holds the system pressure above its clapper and lets a flow through",
                       "the trim sound the water motor gong. Inspect the trim quarterly and clean the strainer."])


def _clapper(page: Any) -> None:
    """Two lines of prose across the whole page: nothing for a column gutter to split."""
    page.setFont("Helvetica", 10)
    page.drawString(54, 700, "Replace the rubber clapper facing every 5 years or whenever the valve leaks past the seat, "
                             "and torque")
    page.drawString(54, 686, "the cover bolts to 45 lb-ft in a star pattern (use facing kit KX7-F2). Test the alarm gong "
                             "after.")


def _retard(page: Any) -> None:
    page.setFont("Helvetica-Bold", 13)
    page.drawString(54, 700, "2 Retard chamber")
    _lines(page, 678, ["The retard chamber drains through a restricted orifice so a surge does not ring the gong.",
                       "Clean the orifice yearly."])


async def test_a_running_header_naming_the_chapter_is_dropped_and_splits_no_page(client: httpx.AsyncClient,
                                                                                 auth: dict[str, str]) -> None:
    """Its text changes with the chapter, so as a whole line it repeated on no two pages and stayed in the text;
    set left and right over a page of two long lines of prose, its gap was taken for a column gutter, and the
    lines were read half by half: "every 5 years or ... the cover bolts" were no longer one sentence."""
    data = _pages([lambda page: None, _alarm_valve, _clapper, _retard], header=_chapter_header)
    await _upload(client, auth, data, "kx7-sg.pdf")
    [clapper, *_] = await _search(client, auth, "KX-7 clapper facing replacement interval and cover bolt torque")
    assert clapper["page"] == 3 and clapper["section"] == "1 Alarm valve"
    assert clapper["text"].splitlines()[-1] == (
        "Replace the rubber clapper facing every 5 years or whenever the valve leaks past the seat, and torque the "
        "cover bolts to 45 lb-ft in a star pattern (use facing kit KX7-F2). Test the alarm gong after.")
    [retard, *_] = await _search(client, auth, "KX-7 retard chamber orifice")
    assert retard["page"] == 4 and retard["section"] == "2 Retard chamber"
    hits = await _search(client, auth, "Kestrel KX-7 Service Guide 2 Retard chamber Form KX7-SG Rev B")
    assert hits and not any("Service Guide" in hit["text"] or "Form KX7" in hit["text"] for hit in hits)


def _numbered_sections(page: Any) -> None:
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 720, "Garth GHU Unit Heater Installation")
    top = _lines(page, 690, ["Read every section before hanging the unit."])
    for title, body in [("1. Receiving and inspection", ["A coil that arrives with bent fins may be combed straight with a",
                                                         "12-fin-per-inch comb; refuse a coil with a crushed header."]),
                        ("2. Start-up", ["1. Open the supply and return valves slowly.",
                                         "2. Bleed air at the manual vent until water runs without bubbles.",
                                         "3. Check the fan blade clears the guard by 1/4 inch all round."])]:
        page.setFont("Helvetica-Bold", 12)
        page.drawString(72, top - 12, title)
        top = _lines(page, top - 30, body)


async def test_a_section_numbered_like_a_list_item_but_set_as_a_heading_is_a_section(client: httpx.AsyncClient,
                                                                                     auth: dict[str, str]) -> None:
    """ "1. Receiving and inspection" in bold heading type was read as the first item of a list: every section of
    the manual ran together under the document's title. The steps "1. Open the supply..." in body type stay steps."""
    await _upload(client, auth, _pages([_numbered_sections]), "garth-ghu.pdf")
    [coil, *_] = await _search(client, auth, "Garth GHU coil with bent fins, comb it straight with a 12-fin-per-inch comb")
    assert coil["section"] == "1 Receiving and inspection" and coil["page"] == 1
    assert "Start-up" not in coil["text"]
    [bleed, *_] = await _search(client, auth, "Garth GHU bleed air at the manual vent until water runs without bubbles")
    assert bleed["section"] == "2 Start-up"
    assert bleed["text"].splitlines()[1] == "2. Bleed air at the manual vent until water runs without bubbles."


def _contents(page: Any) -> None:
    page.setFont("Helvetica-Bold", 13)
    page.drawString(72, 700, "Orlen OX-3 Panel Manual")
    _lines(page, 670, ["1 About this manual                                            2",
                       "1.1 Access levels . . . . . . . . . . . . . . . . . . . . . . . . 2",
                       "2 Batteries                                                    3",
                       "2.1 Battery size . . . . . . . . . . . . . . . . . . . . . . . . 3",
                       "3 Walk test                                                    3",
                       "Appendix A Event types                                         3"])


def _manual_pages(sections: list[tuple[str, str]]) -> Callable[[Any], None]:
    def draw(page: Any) -> None:
        top = 700.0
        for title, text in sections:
            page.setFont("Helvetica-Bold", 13)
            page.drawString(72, top, title)
            top = _lines(page, top - 20, [text]) - 10
    return draw


async def test_a_contents_page_without_leaders_on_every_line_is_no_passage(client: httpx.AsyncClient,
                                                                           auth: dict[str, str]) -> None:
    """Lines like "2 Batteries   3" passed for a table of titles and page numbers: a passage that matched a question
    on any section ahead of the section itself."""
    data = _pages([_contents,
                   _manual_pages([("1 About this manual", "This manual is for the staff who operate the OX-3."),
                                  ("1.1 Access levels", "Level 2 needs the operator code 2222 or the key switch.")]),
                   _manual_pages([("2 Batteries", "Two 12 V batteries in series power the OX-3 in standby."),
                                  ("2.1 Battery size", "Size the batteries for 24 hours of standby and 5 minutes "
                                                       "of alarm."),
                                  ("3 Walk test", "Walk test lets one technician test every detector alone.")])])
    await _upload(client, auth, data, "orlen-ox3.pdf")
    hits = await _search(client, auth, "Orlen OX-3 access levels battery size walk test")
    assert hits and all(hit["page"] in (2, 3) for hit in hits)
    assert not any(". . ." in hit["text"] or "Batteries 3" in hit["text"] for hit in hits)
    [levels, *_] = await _search(client, auth, "OX-3 access levels operator code")
    assert levels["section"] == "1.1 Access levels" and levels["page"] == 2
