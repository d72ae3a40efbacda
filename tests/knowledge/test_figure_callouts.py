"""A manual's drawn figure with lettered callouts, and the legend that says what each letter is."""

from __future__ import annotations

from clara.knowledge.blocks import table
from clara.knowledge.parsing import PDF, parse_document
from tests.knowledge.pdfs import drawn_pdf

LEGEND = [("A", "Exhaust collar", "Duct connection at the top of the hood"),
          ("B", "Baffle filters", "Stainless steel, remove by lifting and tilting out"),
          ("C", "Grease trough", "Drains to the grease cup"),
          ("D", "Fusible link", "Rated 360 °F; the damper closes if it melts")]


def _hood_manual() -> bytes:
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 14)
        page.drawString(72, 720, "1 Know your hood")
        page.setFont("Helvetica", 10)
        page.drawString(72, 700, "The hood is shown in Figure 1. Keep the filters in place while cooking.")
        page.rect(150, 520, 300, 150)  # the drawing: its outline, and its callouts' letters where they point
        page.setFont("Helvetica-Bold", 8)
        for letter, x, y in (("A", 200, 650), ("C", 380, 650), ("D", 300, 600), ("B", 180, 540)):
            page.drawString(x, y, letter)
        page.setFont("Helvetica", 10)
        page.drawString(72, 500, "Figure 1 Hood, side section (callouts A to D)")
        page.setFont("Helvetica-Bold", 14)
        page.drawString(72, 460, "2 Cleaning")
        page.setFont("Helvetica", 10)
        page.drawString(72, 440, "Wash the baffle filters (callout B) every week in hot water and degreaser.")
    return drawn_pdf(build)


def test_a_drawings_callout_letters_are_no_section_and_no_passage() -> None:
    """The letters a line drawing leaves in the text layer: a lone bold "D" became a section that "Figure 1 callout
    D" found first, and "A C" a passage of its own that answered nothing."""
    doc = parse_document(_hood_manual(), media_type=PDF, filename="hood.pdf", source="uploads")
    assert [c.section for c in doc.chunks] == ["1 Know your hood", "2 Cleaning"]
    assert doc.chunks[0].text == ("The hood is shown in Figure 1. Keep the filters in place while cooking.\n"
                                  "Figure 1 Hood, side section (callouts A to D)")


def test_a_legend_keyed_from_its_first_row_has_no_header() -> None:
    """A, B, C... from the first row on: callout A is a row, not the column names every other row is read under."""
    block = table(LEGEND)
    assert block is not None
    assert block.rows[0] == ("", "", "")
    assert block.rows[1] == LEGEND[0]
    steps = table([("1", "Shut off gas"), ("2", "Open the drain"), ("3", "Close the valve")])
    assert steps is not None and steps.rows[0] == ("", "")


def test_a_header_that_names_its_key_column_stays_the_header() -> None:
    block = table([("Callout", "Part", "Notes"), *LEGEND])
    assert block is not None and block.rows[0] == ("Callout", "Part", "Notes")
    codes = table([("E1", "Low pressure"), ("E2", "High pressure"), ("E3", "Flame loss")])  # keys, not a count
    assert codes is not None and codes.rows[0] == ("E1", "Low pressure")
