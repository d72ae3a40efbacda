"""A table's bold header row is the table's header, never a section: taken for a heading, "Lamp Colour Meaning when
lit" went into every later passage's context and citation, and the rows under it were read as a paragraph."""

from __future__ import annotations

from clara.knowledge.parsing import PDF, parse_document
from tests.knowledge.pdfs import drawn_pdf

_ROWS = [("FIRE", "Red", ["One or more zones in alarm; flashing until", "acknowledged"]),
         ("SUPERVISORY", "Yellow", ["Sprinkler valve, pump or tamper input", "active"]),
         ("TROUBLE", "Yellow", ["A fault needs attention; flashing until", "acknowledged"]),
         ("POWER", "Green", ["Mains supply present"]),
         ("AC FAIL", "Yellow", ["Mains supply lost; running on batteries"])]


def _status_lamps() -> bytes:
    """A heading, a sentence, then a table set with spaces only: its bold header cells centred over their columns
    (as table styles set them), its data cells flush left, the last column's cells wrapping."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 11)
        page.drawString(72, 720, "2.1 Status lamps")
        page.setFont("Helvetica", 9)
        page.drawString(72, 702, "Twelve lamps show the state of the panel at a glance.")
        page.setFont("Helvetica-Bold", 8)
        for middle, cell in ((112, "Lamp"), (176, "Colour"), (300, "Meaning when lit")):
            page.drawCentredString(middle, 680, cell)
        page.setFont("Helvetica", 8)
        top = 666
        for key, colour, meaning in _ROWS:
            page.drawString(74, top, key)
            page.drawString(152, top, colour)
            for number, part in enumerate(meaning):
                page.drawString(200, top - number * 10, part)
            top -= 10 * len(meaning) + 4
        page.setFont("Helvetica", 9)
        page.drawString(72, top - 14, "Press LAMP TEST to light every lamp for five seconds.")
    return drawn_pdf(build)


def test_a_bold_header_row_centred_over_its_columns_stays_the_tables_header() -> None:
    doc = parse_document(_status_lamps(), media_type=PDF, filename="panel.pdf", source="uploads",
                         title="Panel manual")
    assert all("Lamp Colour" not in chunk.heading and "Lamp Colour" not in (chunk.section or "")
               for chunk in doc.chunks)
    assert {chunk.section for chunk in doc.chunks} == {"2.1 Status lamps"}
    rows = "\n".join(chunk.text for chunk in doc.chunks)
    assert "Lamp | Colour | Meaning when lit" in rows
    assert "SUPERVISORY | Yellow | Sprinkler valve, pump or tamper input active" in rows


def _correction_factors() -> bytes:
    """A header row too short a table to be found (one row of figures under it), its first cell wrapping."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 11)
        page.drawString(72, 720, "Capacity at other water temperatures")
        page.setFont("Helvetica", 9)
        page.drawString(72, 702, "Multiply the rated capacity by the factor for the entering water temperature.")
        page.setFont("Helvetica-Bold", 8)
        page.drawString(72, 680, "Entering water")
        for number, figure in enumerate(("140", "160", "180", "200")):
            page.drawString(200 + 50 * number, 680, figure)
        page.drawString(72, 671, "temperature, \u00b0F")
        page.setFont("Helvetica", 8)
        page.drawString(72, 655, "Factor")
        for number, figure in enumerate(("0.61", "0.74", "0.87", "1.00")):
            page.drawString(200 + 50 * number, 655, figure)
        page.setFont("Helvetica", 9)
        page.drawString(72, 630, "Steam ratings are given at 2 psig and 60 \u00b0F entering air.")
    return drawn_pdf(build)


def test_a_header_row_whose_table_is_not_found_is_no_section() -> None:
    """Neither the row of column names nor the rest of its wrapped first cell opens a section: the passages stay
    under the heading above them."""
    doc = parse_document(_correction_factors(), media_type=PDF, filename="heater.pdf", source="uploads",
                         title="Heater manual")
    assert {chunk.section for chunk in doc.chunks} == {"Capacity at other water temperatures"}
    assert all("Entering" not in chunk.heading and "\u00b0F" not in chunk.heading for chunk in doc.chunks)


_LEVELS = [(["Very high-pressure appliance"], "0 psig", "0 psig"),
           (["High-pressure appliance, or isolated component, with a full charge under", "150 pounds"],
            "0 psig", "0 psig"),
           (["High-pressure appliance, or isolated component, with a full charge of 150", "pounds or more"],
            "4 inches Hg vacuum", "12 inches Hg vacuum"),
           (["Medium-pressure appliance with a full charge of 150 pounds or more"], "4 inches Hg vacuum",
            "17 inches Hg vacuum"),
           (["Low-pressure appliance"], "25 mm Hg absolute", "25 mm Hg absolute")]


def _rule_table() -> bytes:
    """A federal rule's table as the register sets it: named "Table 1 to paragraph (c)", a bold header whose cells
    wrap over three lines (the last one only "2019" and "1, 2019"), and key cells wrapping onto a line of their own."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Times-Bold", 11)
        page.drawString(54, 740, "§ 291.142 Required practices.")
        page.setFont("Times-Roman", 10)
        page.drawString(54, 722, "(3) Small appliances shall be evacuated to recover 90 percent of the refrigerant.")
        page.drawString(54, 700, "Table 1 to paragraph (c) - Required levels of evacuation")
        page.setFont("Times-Bold", 8)
        for x, lines in ((150, ["Type of appliance"]),
                         (313, ["Recovery equipment", "manufactured before January 1,", "2019"]),
                         (436, ["Recovery equipment", "manufactured on or after January", "1, 2019"])):
            for number, text in enumerate(lines):
                page.drawString(x, 684 - 10 * number, text)
        page.setFont("Times-Roman", 8)
        top = 650
        for key, before, after in _LEVELS:
            for number, text in enumerate(key):
                page.drawString(57, top - 10 * number, text)
            page.drawString(309, top, before)
            page.drawString(435, top, after)
            top -= 10 * len(key) + 4
        page.setFont("Times-Roman", 10)
        page.drawString(54, top - 16, "(d) Releasing the vacuum. After evacuation, wait at least 2 minutes.")
    return drawn_pdf(build)


def test_a_header_wrapped_over_three_lines_and_wrapped_keys_keep_the_table_whole() -> None:
    """The header's last line ("2019 | 1, 2019") opens with a number, as a list item does, and ended the table before
    it began: the header went into the paragraph above as prose, and the rows under it lost their column names (which
    of the two figures is for equipment made after 2019). A key wrapped onto its own line twice ("150 pounds",
    "pounds or more") cut the table in three. "Table 1 to paragraph (c)" names the table, as "Table 1 Levels" does."""
    doc = parse_document(_rule_table(), media_type=PDF, filename="part291.pdf", source="uploads")
    tables = [c for c in doc.chunks if " | " in c.text]
    assert len(tables) == 1
    assert tables[0].section == "Table 1 to paragraph (c) - Required levels of evacuation"
    lines = tables[0].text.splitlines()
    assert lines[1] == ("Type of appliance | Recovery equipment manufactured before January 1, 2019 | "
                        "Recovery equipment manufactured on or after January 1, 2019")
    assert ("High-pressure appliance, or isolated component, with a full charge of 150 pounds or more | "
            "4 inches Hg vacuum | 12 inches Hg vacuum") in lines
    assert lines[-1] == "Low-pressure appliance | 25 mm Hg absolute | 25 mm Hg absolute"


def _table_then_columns() -> bytes:
    """A space-set table, then a line of text set in two columns, starting right of the table's key column."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 11)
        page.drawString(72, 740, "2 Clearances")
        page.setFont("Helvetica-Bold", 8)
        for x, cell in ((74, "Side"), (200, "VRT-60"), (300, "VRT-100")):
            page.drawString(x, 720, cell)
        page.setFont("Helvetica", 8)
        for top, (side, small, large) in zip((708, 696, 684), (("Above", "6 in.", "8 in."),
                                                              ("Below", "36 in.", "48 in."),
                                                              ("Ends", "12 in.", "18 in."))):
            for x, cell in ((74, side), (200, small), (300, large)):
                page.drawString(x, top, cell)
        page.drawString(200, 672, "3.2")  # the right column's numbered item beside the left column's blank
        page.drawString(330, 672, "Connect the gas supply last.")
    return drawn_pdf(build)


def test_lines_in_two_columns_under_a_table_are_no_header_words() -> None:
    """Only a bold header's lines go on across columns: under a table, two columns of prose whose lines start right
    of its key column were taken into it as a row's wrapped cells, and its rows were garbled."""
    doc = parse_document(_table_then_columns(), media_type=PDF, filename="vrt.pdf", source="uploads")
    table = next(c for c in doc.chunks if "Side | VRT-60 | VRT-100" in c.text)
    assert table.text.splitlines()[-1] == "Ends | 12 in. | 18 in."
