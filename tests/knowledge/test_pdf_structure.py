"""What a technician reads back from documents set in ways no eval set has: footnote marks on numbers, code books
divided into chapters and sections, tables whose header takes two rows."""

from __future__ import annotations

import io
from typing import Any

from clara.knowledge.parsing import PDF, TEXT, parse_document
from tests.knowledge.pdfs import drawn_pdf


def _raised(text: object, before: str, mark: str, after: str, *, rise: float, size: float = 10) -> None:
    """`before`, then `mark` set as a superscript (smaller, on a raised baseline), then `after`, on a text object."""
    text.setFont("Helvetica", size)  # type: ignore[attr-defined]
    text.textOut(before)  # type: ignore[attr-defined]
    text.setFont("Helvetica", size * 0.65)  # type: ignore[attr-defined]
    text.setRise(rise)  # type: ignore[attr-defined]
    text.textOut(mark)  # type: ignore[attr-defined]
    text.setRise(0)  # type: ignore[attr-defined]
    text.setFont("Helvetica", size)  # type: ignore[attr-defined]
    text.textLine(after)  # type: ignore[attr-defined]


def _settings_sheet(rise: float) -> bytes:
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 14)
        page.drawString(72, 720, "3 Compressor protection")
        text = page.beginText(72, 690)
        _raised(text, "When the unit starts, the compressor is", "1", " enabled after the delay.", rise=rise)
        _raised(text, "Low-pressure cut-out is 60", "2", " psig; the airflow is 350 ft", rise=rise)
        _raised(text, "The minimum airflow is 350 ft", "3", "/min per ton on the 1st stage.", rise=rise)
        page.drawText(text)
        notes = page.beginText(72, 600)
        _raised(notes, "", "1", " After the 5-minute anti-short-cycle delay.", rise=rise, size=8)
        _raised(notes, "", "2", " Factory setting; field adjustable to 70 psig.", rise=rise, size=8)
        page.drawText(notes)
    return drawn_pdf(build)


def test_a_footnote_mark_is_kept_out_of_the_word_and_the_number_it_annotates() -> None:
    """pdfplumber glued "60" and its raised mark "2" into "602" psig, a wrong number a technician would set; a small
    rise put the mark inside the line, a large one on a line of its own above it. Units keep their exponent, and a
    footnote keeps the number it opens with, each on its own line."""
    for rise in (2.5, 5.0):
        doc = parse_document(_settings_sheet(rise), media_type=PDF, filename="rt9.pdf", source="uploads")
        text = " ".join(c.text for c in doc.chunks)
        assert "the compressor is enabled after the delay." in text, rise
        assert "Low-pressure cut-out is 60 psig" in text, rise
        assert "350 ft3/min per ton on the 1st stage" in text, rise
        assert "602" not in text and "is1" not in text and "is 1" not in text, rise
        notes = [line for c in doc.chunks for line in c.text.splitlines() if "Factory setting" in line]
        assert notes == ["2 Factory setting; field adjustable to 70 psig."], rise


def _ruled_table_with_marks() -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    cell = styles["Normal"]
    story = [Paragraph("Norvik RT-9 Rooftop Unit Service Guide", styles["Title"]),
             Paragraph("4 Pressure switches", styles["Heading1"]),
             Table([["Model", "Cut-out (psig)", "Cut-in (psig)"],
                    ["RT-9A", Paragraph("60<super>1</super>", cell), "95"],
                    ["RT-9B", Paragraph("65<super>1</super>", cell), Paragraph("100<super>2</super>", cell)]],
                   style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])),
             Paragraph("<super>1</super> Factory setting.", styles["Normal"]),
             Paragraph("<super>2</super> Units built after 2019.", styles["Normal"])]
    SimpleDocTemplate(out, pagesize=letter).build(story)
    return out.getvalue()


def test_a_table_cell_keeps_its_number_without_the_footnote_mark() -> None:
    doc = parse_document(_ruled_table_with_marks(), media_type=PDF, filename="rt9.pdf", source="uploads")
    table = next(c.text for c in doc.chunks if "Model | Cut-out (psig)" in c.text)
    assert "RT-9A | 60 | 95" in table and "RT-9B | 65 | 100" in table
    # what the marks meant reads with the rows they were on, not in a passage of their own
    assert table.splitlines()[-2:] == ["1 Factory setting.", "2 Units built after 2019."]
    assert sum("Factory setting" in c.text for c in doc.chunks) == 1


CODE_BOOK = """CHAPTER 9
FIRE PROTECTION SYSTEMS

SECTION 906 PORTABLE FIRE EXTINGUISHERS

906.1 Where required. Portable fire extinguishers shall be installed in all Group A occupancies.

906.2 General requirements. Portable fire extinguishers shall be maintained in accordance with NFPA 10.

SECTION 907 FIRE ALARM SYSTEMS

907.1 General. This section covers the application and installation of fire alarm systems.

CHAPTER 10
MEANS OF EGRESS

1001.1 General. Buildings shall be provided with a means of egress as required by this chapter.
"""


def test_a_code_book_section_stays_inside_its_chapter() -> None:
    """ "SECTION 906" popped "CHAPTER 9" from the path, as if sections and chapters were peers; a chapter named on
    the line under its number lost the name or the number."""
    doc = parse_document(CODE_BOOK.encode(), media_type=TEXT, filename="ifc.txt", source="uploads")
    paths = {c.section: c.heading for c in doc.chunks}
    assert paths["906.2 General requirements"] == (
        "ifc > CHAPTER 9 FIRE PROTECTION SYSTEMS > SECTION 906 PORTABLE FIRE EXTINGUISHERS > 906.2 General requirements")
    assert paths["907.1 General"] == "ifc > CHAPTER 9 FIRE PROTECTION SYSTEMS > SECTION 907 FIRE ALARM SYSTEMS > 907.1 General"
    assert paths["1001.1 General"] == "ifc > CHAPTER 10 MEANS OF EGRESS > 1001.1 General"


def _code_book_pdf() -> bytes:
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("CHAPTER 9", styles["Heading1"]), Paragraph("FIRE PROTECTION SYSTEMS", styles["Heading1"]),
        Paragraph("SECTION 906 PORTABLE FIRE EXTINGUISHERS", styles["Heading2"]),
        Paragraph("<b>906.1 Where required.</b> Portable fire extinguishers shall be installed in all Group A "
                  "occupancies.", styles["Normal"]),
        Paragraph("CHAPTER 10", styles["Heading1"]), Paragraph("MEANS OF EGRESS", styles["Heading1"]),
        Paragraph("<b>1001.1 General.</b> Buildings shall be provided with a means of egress.", styles["Normal"])])
    return out.getvalue()


def test_a_pdf_code_book_cites_chapter_section_and_paragraph() -> None:
    doc = parse_document(_code_book_pdf(), media_type=PDF, filename="ifc.pdf", source="uploads")
    assert [(c.heading, c.page) for c in doc.chunks] == [
        ("ifc > CHAPTER 9 FIRE PROTECTION SYSTEMS > SECTION 906 PORTABLE FIRE EXTINGUISHERS > 906.1 Where required", 1),
        ("ifc > CHAPTER 10 MEANS OF EGRESS > 1001.1 General", 1)]


def _ratings_with_two_header_rows() -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    grid = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("Tarrow TX-40 Condensing Unit Data", styles["Title"]),
        Paragraph("1 Ratings", styles["Heading1"]),
        Table([["Model", "Capacity", "Charge", "MOP"], ["", "(Btu/h)", "(lb)", "(A)"],
               ["TX-40-2", "24,000", "5.5", "25"], ["TX-40-3", "36,000", "7.0", "30"]], style=TableStyle(grid)),
        Paragraph("2 Pressure limits", styles["Heading1"]),
        Table([["Model", "Suction pressure", "", "Discharge pressure", ""], ["", "Min", "Max", "Min", "Max"],
               ["TX-40-2", "35 psig", "90 psig", "150 psig", "450 psig"],
               ["TX-40-3", "38 psig", "95 psig", "160 psig", "460 psig"]],
              style=TableStyle([*grid, ("SPAN", (1, 0), (2, 0)), ("SPAN", (3, 0), (4, 0)), ("SPAN", (0, 0), (0, 1))])),
        Paragraph("3 Heating performance", styles["Heading1"]),
        Table([["Model", "Hot water, 200 F", "", "Steam, 2 psig", ""],
               ["", "Heating capacity", "Water flow", "Heating capacity", "Condensate"],
               ["", "MBH", "gpm", "MBH", "lb/h"],
               ["TX-40-2", "43.5", "4.4", "48.3", "49.9"], ["TX-40-3", "54.7", "5.5", "60.8", "62.8"]],
              style=TableStyle([*grid, ("SPAN", (1, 0), (2, 0)), ("SPAN", (3, 0), (4, 0)), ("SPAN", (0, 0), (0, 2))]))])
    return out.getvalue()


def test_a_header_over_two_rows_names_every_column() -> None:
    """Units under the column names, or "Min" and "Max" under a name spanning both, were read as a first row of
    data with its cells shifted left: "(Btu/h) | (lb) | (A)" under "Model | Capacity | Charge"; and a header over
    three rows, as two rows of data."""
    doc = parse_document(_ratings_with_two_header_rows(), media_type=PDF, filename="tx40.pdf", source="uploads")
    tables = {c.section: c.text.splitlines() for c in doc.chunks}
    assert tables["1 Ratings"][1:] == ["Model | Capacity (Btu/h) | Charge (lb) | MOP (A)", "TX-40-2 | 24,000 | 5.5 | 25",
                                       "TX-40-3 | 36,000 | 7.0 | 30"]
    assert tables["2 Pressure limits"][1:3] == [
        "Model | Suction pressure Min | Suction pressure Max | Discharge pressure Min | Discharge pressure Max",
        "TX-40-2 | 35 psig | 90 psig | 150 psig | 450 psig"]
    # a group over names over units: every line of it names the columns, none is a row of data ("Heating capacity |
    # Water flow | ..." read as a row left the figures under "Hot water, 200 F" alone, apart from "heating capacity")
    assert tables["3 Heating performance"][1:3] == [
        "Model | Hot water, 200 F Heating capacity MBH | Hot water, 200 F Water flow gpm | Steam, 2 psig Heating capacity"
        " MBH | Steam, 2 psig Condensate lb/h", "TX-40-2 | 43.5 | 4.4 | 48.3 | 49.9"]


def test_each_term_of_a_definition_list_is_a_paragraph_of_its_own() -> None:
    """Terms set bold and run into their definitions, one under the other with no space between, were read as one
    paragraph: the answer said for "what is the trip point" ran on into the next two terms."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("Kelmar Dry Valve Owner Guide", styles["Title"]), Paragraph("DEFINITIONS", styles["Heading2"]),
        Paragraph("<b>Trip point:</b> the air pressure at which the clapper opens, normally 5 to 8 psi below the set "
                  "pressure.", styles["Normal"]),
        Paragraph("<b>Priming water:</b> the water added above the clapper to seal it.", styles["Normal"])])
    doc = parse_document(out.getvalue(), media_type=PDF, filename="kelmar.pdf", source="uploads")
    [chunk] = doc.chunks
    assert chunk.text.splitlines() == [
        "Trip point: the air pressure at which the clapper opens, normally 5 to 8 psi below the set pressure.",
        "Priming water: the water added above the clapper to seal it."]


def _fault_table_over_pages(repeat_header: int) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    rows = [["Code", "Meaning", "Action"]] + [[f"E{i:02d}", f"Fault number {i} on the board",
                                               f"Reset and check item {i}"] for i in range(1, 60)]
    prose = " ".join(f"Sentence {i} says the boiler needs care of kind {i * 7 % 13} when it runs." for i in range(90))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("Brant BX Boiler Fault Codes", styles["Title"]), Paragraph(prose, styles["Normal"]),
        Paragraph("7 Fault codes", styles["Heading1"]),
        Table(rows, repeatRows=repeat_header, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))])
    return out.getvalue()


def test_a_table_going_on_over_the_page_reads_every_row_under_its_header() -> None:
    """Without its header repeated, the next page's part took its first row ("E29 ...") for a header: never an
    answer, and the rows under it read under the wrong names."""
    for repeat in (0, 1):
        doc = parse_document(_fault_table_over_pages(repeat), media_type=PDF, filename="bx.pdf", source="uploads")
        part = next(c for c in doc.chunks if "E29 |" in c.text)
        assert part.page == 3 and "Code | Meaning | Action\nE29 | Fault number 29" in part.text, repeat
        answers = [part.text[span.start:span.end] for span in part.spans]
        assert "E29 | Fault number 29 on the board | Reset and check item 29" in answers, repeat


def test_a_few_lines_of_prose_over_a_table_are_not_two_columns() -> None:
    """Six lines of prose over a table left a word space aligned down the page by chance, and the page was read as
    two columns: each line cut in two, the halves spliced to other lines and one left after the table."""
    doc = parse_document(_fault_table_over_pages(1), media_type=PDF, filename="bx.pdf", source="uploads")
    text = " ".join(" ".join(c.text.split()) for c in doc.chunks if not c.section)
    assert "Sentence 82 says the boiler needs care of kind 2 when it runs. Sentence 83 says" in text
    assert "Sentence 88 says the boiler needs care of kind 5 when it runs. Sentence 89" in text


def _marked_code(page: Any) -> None:
    """A county code page whose revised paragraphs carry a bold "R" in the left margin, on their first line."""
    lines = [
        ("Times-Bold", 12, "12.4 Kitchen Hood Systems.", False),
        ("Times-Roman", 10, "12.4.1 Each hood system shall be inspected by a licensed contractor at intervals of", True),
        ("Times-Roman", 10, "not more than six months.", False),
        ("Times-Roman", 10, "12.4.2 The fusible links of the hood system shall be replaced at every semiannual", False),
        ("Times-Roman", 10, "inspection, and the date shall be marked on the tag.", False),
        ("Times-Bold", 12, "12.5 Portable Extinguishers.", False),
        ("Times-Roman", 10, "12.5.1 A Class K extinguisher shall be located within 30 feet of every cooking", True),
        ("Times-Roman", 10, "appliance that uses vegetable or animal oils.", False),
        ("Times-Roman", 10, "12.5.2 Extinguishers shall be inspected monthly by the owner and serviced annually", True),
        ("Times-Roman", 10, "by a licensed contractor.", False),
    ]
    y = 700.0
    for font, size, text, revised in lines:
        page.setFont(font, size)
        page.drawString(72, y, text)
        if revised:
            page.setFont("Helvetica-Bold", 9)
            page.drawString(50, y, "R")
        y -= 16 if size == 10 else 20


def test_a_revision_mark_in_the_margin_is_no_text_and_no_table_column() -> None:
    """Read as the first word of its line, the margin's "R" made the page a table keyed "R": the revised paragraphs
    were its rows, "12.5 Portable Extinguishers" was lost with every heading between them, and each marked line's
    paragraph was cut from the line before."""
    doc = parse_document(drawn_pdf(_marked_code), media_type=PDF, filename="county-code-12.pdf", source="uploads")
    class_k = next(chunk for chunk in doc.chunks if "Class K extinguisher" in chunk.text)
    assert class_k.section.startswith("12.5 Portable Extinguishers")
    assert "A Class K extinguisher shall be located within 30 feet of every cooking appliance" in class_k.text
    hood = next(chunk for chunk in doc.chunks if "licensed contractor at intervals" in chunk.text)
    assert hood.section.startswith("12.4 Kitchen Hood Systems")
    assert not any(" R " in f" {chunk.text} " or "R |" in chunk.text for chunk in doc.chunks)
