from __future__ import annotations

import io

import pytest

from clara.web.errors import ApiError
from clara.knowledge.parsing import MARKDOWN, PDF, TEXT, media_type_of, parse_document
from tests.knowledge.pdfs import make_pdf


@pytest.mark.parametrize(
    "filename, declared, expected",
    [("notes.md", "application/octet-stream", MARKDOWN), ("a.PDF", None, PDF), ("log.txt", None, TEXT),
     (None, "text/plain; charset=utf-8", TEXT), ("scan", "application/pdf", PDF)],
)
def test_media_type_from_extension_or_declared_type(filename: str | None, declared: str | None, expected: str) -> None:
    assert media_type_of(filename, declared) == expected


@pytest.mark.parametrize("filename, declared", [("photo.jpg", "image/jpeg"), ("sheet.xlsx", None), (None, None)])
def test_unsupported_types_are_415(filename: str | None, declared: str | None) -> None:
    with pytest.raises(ApiError) as raised:
        media_type_of(filename, declared)
    assert raised.value.status == 415 and raised.value.field == "file"


def test_a_pdf_keeps_its_numbered_sections() -> None:
    data = make_pdf(["5.2.4 Gauges on dry systems", "Check the air gauge monthly.",
                     "5.2.5 Alarm devices", "Inspect waterflow alarm devices quarterly."])
    doc = parse_document(data, media_type=PDF, filename="itm-notes.pdf", source="uploads")
    assert doc.title == "itm notes"
    assert [(c.section, c.title, c.page) for c in doc.chunks] == [("5.2.4 Gauges on dry systems", "itm notes", 1),
                                                                  ("5.2.5 Alarm devices", "itm notes", 1)]


@pytest.mark.parametrize(
    "data, media_type, message",
    [(make_pdf([]), PDF, "no text layer"), (b"%PDF-1.4\n garbage", PDF, "could not be read"),
     (b"plain words", PDF, "not a PDF"), (b"  \n ", TEXT, "empty"), (b"\xff\xfe\x00bad", TEXT, "UTF-8"),
     (b"---\ntitle: x\n---\n", MARKDOWN, "no text")],
)
def test_unreadable_files_are_422(data: bytes, media_type: str, message: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_document(data, media_type=media_type, filename="f", source="uploads")
    assert raised.value.status == 422 and message in raised.value.message


def test_markdown_title_comes_from_the_caller_then_front_matter_then_the_first_heading() -> None:
    body = b"# Jockey pump notes\n\n## Short cycling\nCheck for leaks.\n"
    assert parse_document(body, media_type=MARKDOWN, filename="j.md", source="uploads").title == "Jockey pump notes"
    assert parse_document(body, media_type=MARKDOWN, filename="j.md", source="uploads", title="Mine").title == "Mine"
    front = b"---\ntitle: From front matter\nstandard: NFPA 20\n---\n" + body
    doc = parse_document(front, media_type=MARKDOWN, filename="j.md", source="uploads")
    assert doc.title == "From front matter" and doc.standard == "NFPA 20"


def _two_column_code() -> bytes:
    """A fire code page set in two columns under a full-width title, as adopted codes are printed."""

    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

    rl_config.invariant = 1
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=9.5, leading=11.5)
    bold = ParagraphStyle("head", fontName="Times-Bold", fontSize=9.5, leading=11.5, spaceBefore=6)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=14, leading=18)
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=letter)
    width, height = letter
    gutter, margin = 18, 54
    column = (width - 2 * margin - gutter) / 2
    frames = [Frame(margin, height - margin - 40, width - 2 * margin, 40, id="title"),
              Frame(margin, margin, column, height - 2 * margin - 44, id="left"),
              Frame(margin + column + gutter, margin, column, height - 2 * margin - 44, id="right")]
    doc.addPageTemplates([PageTemplate(frames=frames)])
    filler = ("Fire protection systems shall be maintained in an operative condition at all times and shall be "
              "replaced or repaired where defective, in accordance with the approved design. ")
    story = [Paragraph("Ostvale Fire Code, Chapter 9: Fire Protection Systems", title), FrameBreak(),
             Paragraph("901.6 Inspection, testing and maintenance.", bold), Paragraph(filler * 5, body),
             Paragraph("903.4 Sprinkler system supervision.", bold),
             Paragraph("Valves controlling the water supply shall be electrically supervised by a listed fire alarm "
                       "control unit. " + filler * 3, body), FrameBreak(),
             Paragraph("907.5 Manual fire alarm boxes.", bold),
             Paragraph("The height of the manual fire alarm boxes shall be a minimum of 44 inches and a maximum of "
                       "50 inches measured vertically from the floor to the activating handle. " + filler * 3, body),
             Paragraph("912.3 Fire department connections.", bold),
             Paragraph("Fire department connections shall be located within 75 feet of a fire hydrant. " + filler * 2,
                       body)]
    doc.build(story)
    return out.getvalue()


def test_a_two_column_pdf_is_read_column_by_column() -> None:
    """pdfplumber reads a line across the page: without columns, each left-column line would be spliced to the
    right-column line beside it, and no sentence of either would survive whole."""
    doc = parse_document(_two_column_code(), media_type=PDF, filename="ostvale-fire-code-ch9.pdf", source="uploads")
    texts = {c.section: " ".join(c.text.split()) for c in doc.chunks}
    boxes = next(text for section, text in texts.items() if section and section.startswith("907.5"))
    assert "a minimum of 44 inches and a maximum of 50 inches measured vertically from the floor" in boxes
    supervision = next(text for section, text in texts.items() if section and section.startswith("903.4"))
    assert "Valves controlling the water supply shall be electrically supervised by a listed fire alarm" in supervision
    assert "manual fire alarm boxes" not in supervision.lower()


def _manual_with_borderless_tables() -> bytes:
    """A data sheet as many manufacturers set it: ratings and an LED table aligned by spaces, no ruling lines, and a
    numbered procedure with hanging indents (aligned too, but a list, not a table)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    story = [Paragraph("Brixton PS-8 NAC Booster Power Supply", styles["Title"]),
             Paragraph("2 Electrical ratings", styles["Heading1"]),
             Table([["Parameter", "Rating"], ["Primary input", "120 VAC, 60 Hz, 3.2 A"],
                    ["Per-circuit output", "3.0 A maximum"], ["Standby battery", "7 to 18 Ah, sealed lead-acid"]]),
             Paragraph("4 Troubleshooting", styles["Heading1"]),
             Table([["LED", "Meaning", "Action"],
                    ["Trouble LED steady", "Battery missing or below 20.4 V", "Replace or recharge batteries"],
                    ["Trouble LED flashing", "Ground fault on field wiring", "Isolate circuits one at a time"],
                    ["AC LED off", "Loss of primary power", "Check the branch circuit breaker"]]),
             Paragraph("5 Battery replacement", styles["Heading1"]),
             Table([["1.", "Disconnect primary power at the branch circuit breaker."],
                    ["2.", "Disconnect the battery leads, red first."],
                    ["3.", "Fit new batteries and mark the installation date on each."]]),
             Paragraph("Replace standby batteries every 3 years or sooner if the load test fails, and keep the "
                       "replaced batteries out of the enclosure.", styles["Normal"]),
             Paragraph("6 Flash codes", styles["Heading1"]),
             Paragraph("Table 6-1 lists the codes. Count the flashes after the pause.", styles["Normal"]),
             Table([["Flashes", "Fault", "Check"], ["2", "Output shorted", "Field wiring of each circuit"],
                    ["3", "Charger fault", "Charger fuse and battery leads"]])]
    SimpleDocTemplate(out, pagesize=letter).build(story)
    return out.getvalue()


def test_a_table_set_without_ruling_lines_keeps_its_rows_and_columns() -> None:
    """Without grid lines, pdfplumber finds no table: the LED table was read as two columns of prose, its Action
    column cut away from its rows and spliced into the next section."""
    doc = parse_document(_manual_with_borderless_tables(), media_type=PDF, filename="ps8.pdf", source="uploads")
    assert doc.title == "Brixton PS-8 NAC Booster Power Supply"
    by_section = {c.section: c.text for c in doc.chunks}
    leds = by_section["4 Troubleshooting"]
    assert "LED | Meaning | Action" in leds
    assert "Trouble LED flashing | Ground fault on field wiring | Isolate circuits one at a time" in leds
    assert "Per-circuit output | 3.0 A maximum" in by_section["2 Electrical ratings"]
    steps = by_section["5 Battery replacement"]
    assert "Disconnect the battery leads, red first." in steps and "|" not in steps  # a list, not a table
    assert "Action" not in steps and "Replace or recharge" not in steps
    # A table keyed by bare numbers is still a table (a numbered list item has one cell after its number), and the
    # sentence "Table 6-1 lists the codes." before it is text, not the table's caption and section.
    assert "3 | Charger fault | Charger fuse and battery leads" in by_section["6 Flash codes"]
    assert not any(c.section.startswith("Table 6-1") for c in doc.chunks)


def _manual_with_wrapped_cells(valign: str) -> bytes:
    """An error table as control manuals set it: no ruling lines, causes and actions wrapping over two or three
    lines, each row's key printed at the top, middle or bottom of its row."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    rl_config.invariant = 1
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    rows = [["Display", "Cause", "Corrective action"],
            ["ERR OUT", "Outdoor sensor open or shorted; the control runs as if it were 32 F outside.",
             "Measure the sensor: about 10 kOhm at 77 F. Check the wiring for breaks and replace the sensor."],
            ["ERR SUP", "Supply sensor fault. The boiler is fired to the minimum target only.",
             "Check that the supply sensor is strapped to the pipe and insulated; replace it if its resistance "
             "is wrong."],
            ["HOT", "Supply above the maximum target plus 10 F for 5 minutes.",
             "Check the boiler aquastat and the mixing valve; the control shuts the boiler off until the supply "
             "drops."]]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("Tekmar-Vance TV-9 Boiler Reset Control", styles["Title"]),
        Paragraph("7 Error messages", styles["Heading1"]),
        Table([rows[0], *([key, Paragraph(cause, cell), Paragraph(action, cell)] for key, cause, action in rows[1:])],
              colWidths=[70, 200, 200], style=[("VALIGN", (0, 0), (-1, -1), valign)]),
        Paragraph("8 Settings", styles["Heading1"]),
        Paragraph("The maximum supply target is 180 F by default.", styles["Normal"])])
    return out.getvalue()


@pytest.mark.parametrize("valign", ["TOP", "MIDDLE", "BOTTOM"])
def test_a_borderless_table_keeps_each_row_whole_when_its_cells_wrap(valign: str) -> None:
    """Read line by line, the wrapped lines of one row were dealt to the rows around it ("ERR OUT" beside half of
    another row's action) and the last row's final line fell out of the table into the next section."""
    doc = parse_document(_manual_with_wrapped_cells(valign), media_type=PDF, filename="tv9.pdf", source="uploads")
    assert doc.title == "Tekmar-Vance TV-9 Boiler Reset Control"
    errors = {c.section: c.text for c in doc.chunks}["7 Error messages"]
    assert ("ERR OUT | Outdoor sensor open or shorted; the control runs as if it were 32 F outside. | Measure the "
            "sensor: about 10 kOhm at 77 F. Check the wiring for breaks and replace the sensor.") in errors
    assert errors.endswith("HOT | Supply above the maximum target plus 10 F for 5 minutes. | Check the boiler aquastat "
                           "and the mixing valve; the control shuts the boiler off until the supply drops.")
    assert {c.section: c.text for c in doc.chunks}["8 Settings"] == "The maximum supply target is 180 F by default."


def _one_page_sheet() -> bytes:
    """A one-page instruction sheet: its name only in a small header line, sections in bold at the body's size."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body = getSampleStyleSheet()["BodyText"]
    bold = ParagraphStyle("section", parent=body, fontName="Helvetica-Bold")

    def header(canvas, _doc) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 760, "Sentra SX-5 Duct Smoke Detector | Installation Instructions")

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("Description", bold),
        Paragraph("The SX-5 samples air from an HVAC duct through a sampling tube.", body),
        Paragraph("Testing", bold),
        Paragraph("Test the detector at installation and at least once a year with aerosol smoke.", body)],
        onFirstPage=header)
    return out.getvalue()


def test_a_one_page_sheet_is_named_by_its_header_line_not_its_first_section() -> None:
    doc = parse_document(_one_page_sheet(), media_type=PDF, filename="form4471.pdf", source="uploads")
    assert doc.title == "Sentra SX-5 Duct Smoke Detector, Installation Instructions"
    assert [c.section for c in doc.chunks] == ["Description", "Testing"]  # the header line is no passage
    assert doc.chunks[1].heading.startswith("Sentra SX-5 Duct Smoke Detector, Installation Instructions")


def _pdf_titled(metadata_title: str) -> bytes:
    """A data sheet that opens with body text, no heading: its title is only in the file's metadata."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, title=metadata_title).build(
        [Paragraph("Set the release delay to 30 seconds before the solenoid energizes.", getSampleStyleSheet()["Normal"])])
    return out.getvalue()


@pytest.mark.parametrize("metadata_title, expected", [
    ("Corvane CX-12 Pre-Action Release Module", "Corvane CX-12 Pre-Action Release Module"),
    ("Microsoft Word - cx12_rev3.docx", "cx12 rev3"),  # what an authoring tool writes is no title
    ("untitled", "cx12 rev3"),
    ("(anonymous)", "cx12 rev3"),  # reportlab's default
])
def test_a_pdf_without_a_heading_takes_its_title_from_its_metadata(metadata_title: str, expected: str) -> None:
    doc = parse_document(_pdf_titled(metadata_title), media_type=PDF, filename="cx12_rev3.pdf", source="uploads")
    assert doc.title == expected


def test_the_metadata_title_names_the_product_for_search_when_the_uploader_titled_it_otherwise() -> None:
    doc = parse_document(_pdf_titled("Corvane CX-12 Pre-Action Release Module"), media_type=PDF,
                         filename="cx12.pdf", source="uploads", title="release module notes")
    assert doc.title == "release module notes"
    assert "Corvane CX-12" in doc.chunks[0].embedding_text


def test_a_section_numbered_and_titled_inside_its_paragraph_is_cited_by_its_own_number() -> None:
    """Plain-text manuals run headings into their paragraphs; citing "3 Installation" for the resistor value sent
    the technician to the wrong page of the section."""
    source = ("3 Installation\n\n3.1 Mounting. Mount the enclosure no higher than 66 inches.\n\n"
              "3.2 Wiring. Terminate each output circuit with a 4.7 kilohm end-of-line resistor.\n\n"
              "7 Battery\n\nCharge for 48 hours before the load test.\n\n"
              "2.5 Hours. That is how long the test runs on a full charge.\n")
    doc = parse_document(source.encode(), media_type=TEXT, filename="ps8.txt", source="uploads")
    sections = {c.text.split(".")[0][:20]: c.section for c in doc.chunks}
    by_text = {c.section: c.text for c in doc.chunks}
    assert "4.7 kilohm" in by_text["3.2 Wiring"] and "66 inches" in by_text["3.1 Mounting"]
    assert "2.5 Hours" in by_text["7 Battery"], f"a number that does not belong to section 7 is text: {sections}"


def test_a_pdf_starts_a_new_paragraph_at_a_run_in_section_number() -> None:
    doc = parse_document(_manual_with_run_in_sections(), media_type=PDF, filename="ps8.pdf", source="uploads")
    by_section = {c.section: c.text for c in doc.chunks}
    assert "4.7 kilohm" in by_section["3.2 Wiring"] and "4.7 kilohm" not in by_section["3.1 Mounting"]


def _manual_with_run_in_sections() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build([
        Paragraph("Brixton PS-8 Booster", styles["Title"]), Paragraph("3 Installation", styles["Heading1"]),
        Paragraph("3.1 Mounting. Mount the enclosure no higher than 66 inches to the top of the cabinet.",
                  styles["Normal"]),
        Paragraph("3.2 Wiring. Terminate each output circuit with a 4.7 kilohm end-of-line resistor.",
                  styles["Normal"])])
    return out.getvalue()


def test_a_numbered_sentence_that_wraps_in_lower_case_is_text_not_a_heading() -> None:
    """In a narrow column "4.2 Close the valve slowly until" reads like a numbered heading by its words alone; the
    line under it goes on in lower case, so it is the start of a sentence in section 4."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, leftMargin=72, rightMargin=400).build([
        Paragraph("Brixton PS-8 Booster", styles["Title"]), Paragraph("4 Draining", styles["Heading1"]),
        Paragraph("4.2 Close the valve slowly until the gauge reads zero and the drain runs clear.",
                  styles["Normal"])])
    doc = parse_document(out.getvalue(), media_type=PDF, filename="ps8.pdf", source="uploads")
    [chunk] = [c for c in doc.chunks if "gauge reads zero" in c.text]
    assert chunk.section == "4 Draining" and "4.2 Close the valve slowly until the gauge" in chunk.text


@pytest.mark.parametrize("media_type", [PDF, TEXT])
def test_a_word_hyphenated_across_lines_is_whole_again_for_search(media_type: str) -> None:
    """Justified manuals break words at line ends: "min-" + "utes" was indexed as two words nobody searches for."""
    lines = ["4.2 Alarm test", "The water motor gong must sound within five min-",
             "utes and the supervising sta-", "tion hears of it. The self-", "contained gong is self-contained."]
    data = make_pdf(lines) if media_type == PDF else "\n".join(lines).encode()
    [chunk] = parse_document(data, media_type=media_type, filename="ov2.pdf", source="uploads").chunks
    assert chunk.text == ("The water motor gong must sound within five minutes and the supervising station hears of "
                          "it. The self-contained gong is self-contained.")


def test_a_code_section_titled_in_bold_inside_its_paragraph_keeps_its_text_and_its_own_number() -> None:
    """Codes print "906.3 Size and distribution." in bold and run the rule on in body type. In a narrow column the
    bold title is most of the first line: read as a heading, it swallowed the rule's first words, and a later
    section ("906.4" after "906.3.4", "906.9" after "906.7") was cited as the one before it."""
    doc = parse_document(_code_with_bold_run_in_titles(), media_type=PDF, filename="code-ch9.pdf", source="uploads")
    by_section = {c.section: " ".join(c.text.split()) for c in doc.chunks}
    assert "The size and distribution of portable fire extinguishers" in by_section["906.3 Size and distribution"]
    assert "approved Class K type" in by_section["906.4 Cooking equipment fires"]
    assert "approved Class K type" not in by_section["906.3.4 Class D fire hazards"]
    assert "securely anchored" in by_section["906.7 Hangers and brackets"]
    assert "906.9.1 through 906.9.3" in by_section["906.9 Extinguisher installation"]


def _code_with_bold_run_in_titles() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body = ParagraphStyle("code", fontName="Times-Roman", fontSize=9, leading=11, spaceAfter=3)
    rules = [("906 Portable fire extinguishers", ""),
             ("906.3 Size and distribution.", "The size and distribution of portable fire extinguishers shall be in "
              "accordance with Sections 906.3.1 through 906.3.4."),
             ("906.3.4 Class D fire hazards.", "Extinguishers for combustible metals shall be placed in accordance "
              "with NFPA 10."),
             ("906.4 Cooking equipment fires.", "Fire extinguishers for cooking grease fires shall be of an approved "
              "Class K type."),
             ("906.7 Hangers and brackets.", "Hangers or brackets shall be securely anchored to the mounting surface."),
             ("906.9 Extinguisher installation.", "The installation of portable fire extinguishers shall be in "
              "accordance with Sections 906.9.1 through 906.9.3.")]
    story = [Paragraph(f"<b>{title}</b> {rule}", body) for title, rule in rules]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, leftMargin=72, rightMargin=612 - 72 - 230).build(story)
    return out.getvalue()


def _pages_with_footer(footer: str, pages: int) -> bytes:
    """A guide with no title but in its footer, as start-up sheets and service guides are often set."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    def draw(canvas, doc) -> None:  # noqa: ANN001  (reportlab's callback)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(72, 36, footer.format(page=doc.page))

    body = getSampleStyleSheet()["Normal"]
    story = []
    for page in range(pages):
        story += [Paragraph(f"Record the suction and discharge pressures after {page + 3} minutes.", body), PageBreak()]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, title="untitled").build(story[:-1], onFirstPage=draw, onLaterPages=draw)
    return out.getvalue()


@pytest.mark.parametrize("pages", [1, 3])
def test_a_pdf_titled_only_in_its_footer_is_named_by_it_without_its_page_number(pages: int) -> None:
    """The footer was dropped as a running line and the guide took its file's name ("scan0042"): a question naming
    the Trevino TCH found nothing that said Trevino."""
    doc = parse_document(_pages_with_footer("Trevino TCH Start-Up Guide TG-114 Rev C   Page {page}", pages),
                         media_type=PDF, filename="scan0042.pdf", source="uploads")
    assert doc.title == "Trevino TCH Start-Up Guide TG-114 Rev C"
    assert all(c.heading.startswith("Trevino TCH Start-Up Guide") and "Page" not in c.text for c in doc.chunks)


def test_a_copyright_footer_names_nothing() -> None:
    doc = parse_document(_pages_with_footer("\u00a9 2024 Trevino Industries. All rights reserved. {page}", 2),
                         media_type=PDF, filename="scan0042.pdf", source="uploads")
    assert doc.title == "scan0042" and "Trevino" not in doc.chunks[0].heading


def test_a_pdf_table_of_contents_is_neither_headings_nor_passages() -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = [Paragraph("Norvik NX-50 Fire Pump Controller", styles["Title"]), Paragraph("Contents", styles["Heading1"])]
    story += [Paragraph(f"{entry} {'.' * 60} {page}", styles["Normal"])
              for entry, page in [("2.2 Wiring", 4), ("4.1 Phase reversal", 5)]]
    story += [PageBreak(), Paragraph("4 Alarms", styles["Heading1"]), Paragraph("4.1 Phase reversal", styles["Heading2"]),
              Paragraph("Swap any two line leads at the main disconnect.", styles["Normal"])]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter).build(story)
    doc = parse_document(out.getvalue(), media_type=PDF, filename="nx50.pdf", source="uploads")
    assert doc.title == "Norvik NX-50 Fire Pump Controller"
    assert [(c.section, c.page) for c in doc.chunks] == [("4.1 Phase reversal", 2)]
