"""Tables and lists whose rows are keyed, read as rows: a space-set table whose cells wrap above or below their key,
a form's keyed readings with no header, a legend set with dotted leaders, and a slide's bullets in a glyph the font
maps to no character. Read as prose or as headings, the row a question names held no sentence of its own."""

from __future__ import annotations

from clara.knowledge.parsing import PDF, TEXT, parse_document
from tests.knowledge.pdfs import drawn_pdf


def _rows(data: bytes, media_type: str) -> tuple[str, list[str]]:
    """Every chunk's text, and the text of every span (what an answer can say)."""
    doc = parse_document(data, media_type=media_type, filename="doc", source="uploads", title="Doc")
    return ("\n".join(c.text for c in doc.chunks),
            [c.text[s.start:s.end] for c in doc.chunks for s in c.spans])


def _warranty() -> bytes:
    """A warranty table set with spaces, its header "Component Period Remedy", the first row's key wrapping onto a
    line of its own in the key column, the last row's middle cell wrapping twice."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica", 9)
        page.drawString(72, 720, "1. Warranty periods. The parts below are warranted for the periods shown.")
        rows = [(["Component"], ["Period"], ["Remedy"]),
                (["Stainless heat exchanger, against leaks from thermal shock or", "corrosion"], ["12 years"],
                 ["Replacement part"]),
                (["Burner and combustion chamber"], ["5 years"], ["Replacement part"]),
                (["Control board, display, blower"], ["2 years"], ["Replacement part"]),
                (["Replacement parts"], ["90 days or the rest of the", "original period"], ["Replacement part"])]
        top = 700
        for cells in rows:
            for x, lines in zip((72, 330, 450), cells):
                for number, line in enumerate(lines):
                    page.drawString(x, top - number * 10, line)
            top -= 10 * max(len(lines) for lines in cells) + 4
        page.drawString(72, top - 14, "2. Labour. Labour is paid during the first year only.")
    return drawn_pdf(build)


def test_a_key_cell_wrapped_onto_its_own_line_keeps_the_table_whole() -> None:
    """Taken for the paragraph after the table, "corrosion" cut the table off above it: the header and the first
    row were read as prose and the rest under no column names."""
    text, spans = _rows(_warranty(), PDF)
    assert "Component | Period | Remedy" in text
    assert "Stainless heat exchanger, against leaks from thermal shock or corrosion | 12 years | Replacement part" \
        in spans
    assert "Replacement parts | 90 days or the rest of the original period | Replacement part" in spans


def _start_up_form() -> bytes:
    """A start-up form's readings: each key with its expected value in brackets at the right, a value over two lines
    printed centred on its key's row (its first line above the key), and no header row."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 11)
        page.drawString(72, 720, "D. Cooling mode")
        page.setFont("Helvetica", 9)
        readings = [("D1. Suction pressure", ["[120-140 psig at 75 degrees F", "EWT]"]),
                    ("D2. Discharge pressure", ["[290-330 psig at 75 degrees F", "EWT]"]),
                    ("D3. Superheat at the compressor", ["[8-12 degrees F]"]),
                    ("D4. Subcooling at the coil outlet", ["[10-14 degrees F]"])]
        top = 690
        for key, value in readings:
            if len(value) == 2:
                page.drawString(420, top + 11.7, value[0])
            page.drawString(72, top, key)
            page.drawString(420, top, value[-1])
            top -= 14 + (11.7 if len(value) == 2 else 0)
    return drawn_pdf(build)


def test_a_value_centred_on_its_key_joins_its_own_row_and_the_first_row_is_no_header() -> None:
    """The value's first line sits nearer its own key than the row above: joined to the row above, D1 read D2's
    pressures. Keyed rows with figures and no header over them are every one a row that answers."""
    _, spans = _rows(_start_up_form(), PDF)
    assert "D1. Suction pressure | [120-140 psig at 75 degrees F EWT]" in spans
    assert "D2. Discharge pressure | [290-330 psig at 75 degrees F EWT]" in spans
    assert "D3. Superheat at the compressor | [8-12 degrees F]" in spans


LEGEND = """WIRING DIAGRAM LEGEND

LEGEND OF DEVICE ABBREVIATIONS
C ........... Contactor, compressor and outdoor fan
CCH ......... Crankcase heater, 40 W, energized when the compressor is off
TDR ......... Time delay relay, 5 minute anti short cycle

IGNITION CONTROL LED - count the flashes
  Steady ON ..... normal, no call for heat
  1 flash ....... loss of flame after it was proven
  ALARM ACK . silences the horn

Notes. The unit stops. Then it restarts after 5 minutes.
"""


def test_a_legend_set_with_dotted_leaders_is_keyed_rows() -> None:
    """Read as one paragraph, "CCH" had no sentence of its own; a one-line title right above names the list."""
    text, spans = _rows(LEGEND.encode(), TEXT)
    assert "CCH | Crankcase heater, 40 W, energized when the compressor is off" in spans
    assert "1 flash | loss of flame after it was proven" in spans
    assert "ALARM ACK | silences the horn" in spans  # a long key leaves room for one dot
    assert "IGNITION CONTROL LED - count the flashes\nSteady ON | normal, no call for heat" in text
    assert "IGNITION CONTROL LED - count the flashes" not in spans  # the caption reads with the rows, it says none
    assert "Then it restarts after 5 minutes." in spans  # sentences ending in a stop are no leaders
    assert not any(" | " in span for span in spans if "unit stops" in span)


def _slide() -> bytes:
    """A slide: its title, then big bullets in Helvetica, whose bullet pdfminer reads as "(cid:127)"."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        page.setFont("Helvetica-Bold", 24)
        page.drawString(72, 700, "Setting minimum position")
        page.setFont("Helvetica", 18)
        page.drawString(90, 660, "\u2022  Menu path: Setup, then Damper, then Min Pos")
        page.drawString(90, 636, "\u2022  Typical result: 15 to 25 percent open")
        page.setFont("Helvetica", 10)
        page.drawString(72, 600, "Speaker notes: Have students measure the outdoor airflow with the hood.")
    return drawn_pdf(build)


def test_a_bullet_the_font_maps_to_no_character_opens_a_list_item_not_a_heading() -> None:
    doc = parse_document(_slide(), media_type=PDF, filename="slides.pdf", source="uploads", title="Module 4")
    assert {c.section for c in doc.chunks} == {"Setting minimum position"}
    text = "\n".join(c.text for c in doc.chunks)
    assert "\u2022 Menu path: Setup, then Damper, then Min Pos" in text
    assert "cid:" not in text + "".join(c.heading for c in doc.chunks)


def _margin_noted_steps() -> bytes:
    """A procedure whose steps carry a label in the left margin, each step's text wrapping under itself, and a
    numbered heading set larger between two steps."""
    def build(page) -> None:  # type: ignore[no-untyped-def]
        steps = [("Who", ["The test needs three people: one at the fire command centre, one at the fan room on the",
                          "roof and one with the manometer."]),
                 ("Tools", ["Digital manometer reading to 0.01 in. w.c., door force gauge reading to 1 lbf, two-way",
                            "radios and the floor plan sheets."]),
                 ("Weather", ["Do not test with outdoor wind above 20 mph or when the outdoor temperature is below",
                              "14 deg F; the stack effect then distorts the readings."]),
                 ("2 Starting the system", None),
                 ("Start", ["Put the fire alarm panel in test and operate the smoke detector in the lift lobby; this",
                            "starts both stair fans."]),
                 ("Check the fans", ["Confirm at the smoke control panel that both fans show ON (green) within 60",
                                     "seconds of the alarm."]),
                 ("Dampers", ["The barometric relief damper at the top of each stair must be closed at start and",
                              "open only above 0.30 in. w.c."])]
        page.setFont("Helvetica-Bold", 12)
        page.drawString(144, 720, "1 Scope and preparation")
        top = 696.0
        for label, text in steps:
            if text is None:
                page.setFont("Helvetica-Bold", 12)
                page.drawString(144, top - 6, label)
                top -= 26
                continue
            page.setFont("Helvetica-Bold", 9)
            page.drawString(36, top, label)
            page.setFont("Helvetica", 9)
            for number, line in enumerate(text):
                page.drawString(144, top - number * 12.4, line)
            top -= 12.4 * len(text) + 4
    return drawn_pdf(build)


def test_a_heading_set_larger_between_two_rows_ends_the_table_and_opens_its_section() -> None:
    """Taken for a wrapped cell, "2 Starting the system" went on one step's row and no passage was under it. Taken
    for the table's header, the first step was never an answer and was repeated in every part of the table."""
    doc = parse_document(_margin_noted_steps(), media_type=PDF, filename="sp2.pdf", source="uploads", title="SP-2")
    sections = {c.text.splitlines()[-1].split(" | ")[0]: c.section for c in doc.chunks}
    assert sections.get("Dampers") == "2 Starting the system"
    rows = [c.text[s.start:s.end] for c in doc.chunks for s in c.spans]
    assert "Weather | Do not test with outdoor wind above 20 mph or when the outdoor temperature is below 14 deg F; " \
           "the stack effect then distorts the readings." in rows
    # a first row that says a sentence is no header of names: it answers like the rest, and is not repeated
    assert any(row.startswith("Who | The test needs three people") for row in rows)
