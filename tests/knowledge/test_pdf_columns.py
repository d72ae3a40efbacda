"""PDF manuals set in two columns, through the HTTP API: each sentence and each table row must come back whole, from
its own section, however the columns are set.

- Newspaper columns under a full-width title band, a rule printed between them, a borderless spec table in the left
  column beside the right column's prose: read across the page, the table took the prose for a third column and the
  pressure switch sentence was lost in its cells.
- Headings set across the page over text balanced in two columns (a table continued in the right column under its
  header repeated): the headings never reach the gutter, so without them as bands each section's right half was read
  after the next section's left half.
- Three columns with a rule between each (a brochure folded in three): the page's gutter is one of the two, and the
  other two columns were spliced line by line.
- Not columns: a catalogue's price list set across the page under a two-column introduction. Read column by column,
  each part number lost its price to the right column, and a note's last line was parted from the note.
"""

from __future__ import annotations

import io

import httpx
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageTemplate, Paragraph,
                                Table, TableStyle)
from reportlab.platypus.flowables import BalancedColumns

rl_config.invariant = 1
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11.5, spaceAfter=4)
HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=7, spaceAfter=3)
BAND = ParagraphStyle("band", fontName="Helvetica-Bold", fontSize=17, leading=21)
MARGIN, GUTTER = 54.0, 22.0
WIDTH = (letter[0] - 2 * MARGIN - GUTTER) / 2
FILLER = ("Keep the unit clean and dry, and record every adjustment on the service tag hung from the unit so the next "
          "technician knows what was changed and why. ")


def _ruled_table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")  # rules above and below only: no grid for pdfplumber
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("LINEABOVE", (0, 0), (-1, 0), 0.6,
                                                                            colors.black),
                               ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.black)]))
    return table


def newspaper_manual() -> bytes:
    """The Tarrow TX-9 compressor manual: two columns with a rule between them under a title band."""
    out = io.BytesIO()
    height = letter[1] - 2 * MARGIN
    band = 70.0

    def rule(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setLineWidth(0.3)
        x = MARGIN + WIDTH + GUTTER / 2
        canvas.line(x, MARGIN, x, MARGIN + height - (band if doc.page == 1 else 0))

    def columns(first: bool) -> list[Frame]:
        tall = height - band if first else height
        return [Frame(MARGIN, MARGIN, WIDTH, tall, leftPadding=0, rightPadding=0),
                Frame(MARGIN + WIDTH + GUTTER, MARGIN, WIDTH, tall, leftPadding=0, rightPadding=0)]

    doc = BaseDocTemplate(out, pagesize=letter)
    banner = Frame(MARGIN, MARGIN + height - band, 2 * WIDTH + GUTTER, band, leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("first", [banner, *columns(True)], onPageEnd=rule),
                          PageTemplate("cols", columns(False), onPageEnd=rule)])
    spec = _ruled_table([["Item", "TX-9"], ["Motor", "1/2 HP, single phase"], ["Full load amps", "4.9 A at 230 V"],
                         ["Free air delivery", "2.1 CFM at 40 psi"], ["Discharge connection", "1/2 in. NPT"],
                         ["Sound level", "68 dBA at 3 ft"], ["Shipping weight", "38 lb"],
                         ["Duty cycle", "50 % maximum"]], [WIDTH * 0.5, WIDTH * 0.5])
    story = [NextPageTemplate("cols"), Paragraph("Tarrow TX-9 Dry System Air Compressor", BAND),
             Paragraph("Installation, operation and maintenance of the riser-mounted oil-less compressor.", BODY),
             FrameBreak(),
             Paragraph("1 Description", HEAD),
             Paragraph("The TX-9 is a direct-drive piston compressor that feeds the sprinkler system through an air "
                       "maintenance device. " + FILLER, BODY),
             Paragraph("2 Specifications", HEAD), spec,
             Paragraph(FILLER * 3, BODY),
             FrameBreak(),
             Paragraph("5 Pressure switch", HEAD),
             Paragraph("The pressure switch is factory set to start the compressor (cut-in) at 30 psi and stop it "
                       "(cut-out) at 40 psi. The differential is fixed at 10 psi.", BODY),
             Paragraph("To raise both settings turn the range screw clockwise; one full turn moves them about 2 psi. "
                       + FILLER, BODY),
             Paragraph("6 Start-up", HEAD),
             Paragraph("Close the ball valve to the system and switch the compressor on. It must reach cut-out in "
                       "less than 2 minutes with the valve closed. " + FILLER, BODY)]
    doc.build(story)
    return out.getvalue()


def balanced_manual() -> bytes:
    """The Oxley OX-40 tube heater manual: each heading across the page, the text under it balanced in two columns."""
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=letter)
    doc.addPageTemplates([PageTemplate("body", [Frame(MARGIN, MARGIN, letter[0] - 2 * MARGIN,
                                                      letter[1] - 2 * MARGIN, id="body", leftPadding=0,
                                                      rightPadding=0)])])

    def balanced(*flowables) -> BalancedColumns:  # type: ignore[no-untyped-def]
        return BalancedColumns(list(flowables), nCols=2, innerPadding=0, leftPadding=0, rightPadding=0,
                               topPadding=0, bottomPadding=0)

    gas = _ruled_table([["Pressure", "Natural gas", "Propane"], ["Inlet, minimum", "5.0 in. w.c.", "11.0 in. w.c."],
                        ["Inlet, maximum", "14.0 in. w.c.", "14.0 in. w.c."],
                        ["Manifold", "3.5 in. w.c.", "10.0 in. w.c."], ["Pilot", "2.5 in. w.c.", "6.0 in. w.c."],
                        ["Orifice", "No. 38 drill", "No. 52 drill"], ["Test port", "1/8 in. NPT", "1/8 in. NPT"]],
                       [WIDTH * 0.34, WIDTH * 0.33, WIDTH * 0.33])
    gas.repeatRows = 1
    story = [Paragraph("Oxley OX-40 Infrared Tube Heater", BAND),
             Paragraph("1 General", HEAD),
             balanced(Paragraph("OX-40 heaters are single-stage infrared tube heaters for warehouses and workshops. "
                                + FILLER, BODY),
                      Paragraph("They are not for use in homes or in rooms where people sleep, unless the "
                                "authority having jurisdiction has approved the location. " + FILLER, BODY)),
             Paragraph("2 Mounting", HEAD),
             balanced(Paragraph("Hang the heater from chain at every hanger bracket, with the tube sloping down away "
                                "from the burner by 1/4 in. per 10 ft so condensate drains toward the blower end. "
                                + FILLER, BODY),
                      Paragraph("In vehicle repair garages mount the tube at least 6 ft above the top of the tallest "
                                "vehicle. " + FILLER, BODY)),
             Paragraph("3 Gas supply", HEAD),
             balanced(Paragraph("Table 2 Gas pressures", HEAD), gas),
             Paragraph("4 Electrical", HEAD),
             balanced(Paragraph("Supply 120 V, 60 Hz, 1.8 A per heater, on a circuit of no more than 15 A. " + FILLER,
                                BODY))]
    doc.build(story)
    return out.getvalue()


def catalogue_page() -> bytes:
    """The Ostrey VX price list: an introduction balanced in two columns, then a borderless table and a note set
    across the whole page."""
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=letter)
    doc.addPageTemplates([PageTemplate("body", [Frame(MARGIN, MARGIN, letter[0] - 2 * MARGIN,
                                                      letter[1] - 2 * MARGIN, id="body", leftPadding=0,
                                                      rightPadding=0)])])
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.8)
    rows = [["Part number", "Description", "List price"],
            ["VX-2-050-S-24-E", "Two-way 1/2 in. sweat, 24 V, end switch", "$148.00"],
            ["VX-2-075-S-24-E", "Two-way 3/4 in. sweat, 24 V, end switch", "$156.00"],
            ["VX-2-100-N-24-E", "Two-way 1 in. NPT, 24 V, end switch", "$189.00"],
            ["VXA-24", "Replacement actuator, 24 VAC, with end switch", "$92.50"],
            ["VXK-07", "Cartridge rebuild kit, 1/2 and 3/4 in. bodies", "$38.75"]]
    prices = Table([[Paragraph(c, cell) for c in row] for row in rows], colWidths=[130, 260, 114], hAlign="LEFT")
    prices.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph("Ostrey VX Series Zone Control Valves", BAND),
             BalancedColumns([Paragraph("VX valves are motorised zone valves for hot and chilled water up to 240 F. "
                                        + FILLER * 2, BODY),
                              Paragraph("Every VX body is pressure tested at the factory before it ships. " + FILLER,
                                        BODY)], nCols=2, innerPadding=GUTTER, leftPadding=0, rightPadding=0),
             Paragraph("List prices", HEAD), prices,
             Paragraph("Orders under $250.00 carry a $25.00 handling charge. Actuators ordered before 2 p.m. Eastern "
                       "ship the same day by courier. Valve bodies in NPT ends ship within 3 working days.", BODY)]
    doc.build(story)
    return out.getvalue()


def brochure_page() -> bytes:
    """The Lindvale service-plan brochure: a landscape page in three columns, a rule between each."""
    from reportlab.lib.pagesizes import landscape

    out = io.BytesIO()
    size = landscape(letter)
    width = (size[0] - 2 * MARGIN - 2 * GUTTER) / 3
    xs = [MARGIN + i * (width + GUTTER) for i in range(3)]

    def rules(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setLineWidth(0.3)
        for x in xs[1:]:
            canvas.line(x - GUTTER / 2, MARGIN, x - GUTTER / 2, size[1] - MARGIN)

    doc = BaseDocTemplate(out, pagesize=size)
    doc.addPageTemplates([PageTemplate("folds", [Frame(x, MARGIN, width, size[1] - 2 * MARGIN, leftPadding=0,
                                                       rightPadding=0) for x in xs], onPageEnd=rules)])
    story = [Paragraph("Which plan is right for you?", HEAD),
             Paragraph("The Essential plan covers two visits a year: a cooling check in spring and a heating check "
                       "in autumn. " + FILLER * 3, BODY), FrameBreak(),
             Paragraph("What every visit includes", HEAD),
             Paragraph("On gas heating equipment the technician checks the flame, tests the flame safeguard and "
                       "measures carbon monoxide in the flue. A flue reading above 100 ppm air-free is reported to "
                       "you in writing the same day. " + FILLER * 2, BODY), FrameBreak(),
             Paragraph("Prices", HEAD),
             Paragraph("The Essential plan is 289 dollars a year for the first unit and 189 dollars for each added "
                       "unit at the same address. " + FILLER * 3, BODY)]
    doc.build(story)
    return out.getvalue()


async def _upload(client: httpx.AsyncClient, auth: dict[str, str], name: str, data: bytes) -> int:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": (name, data, "application/pdf")})
    assert response.status_code == 201, response.text
    return int(response.json()["document_id"])


async def _hits(client: httpx.AsyncClient, auth: dict[str, str], query: str) -> list[dict]:
    response = await client.get("/clara-server/knowledge/search", params={"query": query, "k": 5}, headers=auth)
    assert response.status_code == 200
    return response.json()["results"]


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_a_table_in_one_column_leaves_the_prose_beside_it_whole(client: httpx.AsyncClient,
                                                                       auth: dict[str, str]) -> None:
    manual = await _upload(client, auth, "tarrow-tx-9.pdf", newspaper_manual())
    top = (await _hits(client, auth, "factory cut-in and cut-out pressure on the Tarrow TX-9"))[0]
    assert top["document_id"] == manual and top["section"] == "5 Pressure switch"
    assert "start the compressor (cut-in) at 30 psi and stop it (cut-out) at 40 psi" in _flat(top["text"])

    amps = (await _hits(client, auth, "TX-9 full load amps"))[0]
    assert amps["document_id"] == manual and "Full load amps | 4.9 A at 230 V" in amps["text"].splitlines()
    assert "pressure switch" not in amps["text"].lower()  # no cell holds the other column's prose

    title = (await _hits(client, auth, "what is the Tarrow TX-9"))[0]
    assert title["title"] == "Tarrow TX-9 Dry System Air Compressor"  # the band's title whole, not cut at the gutter


async def test_headings_across_the_page_keep_their_two_columns_together(client: httpx.AsyncClient,
                                                                        auth: dict[str, str]) -> None:
    manual = await _upload(client, auth, "oxley-ox-40.pdf", balanced_manual())
    home = (await _hits(client, auth, "can an Oxley OX-40 go in someone's house"))[0]
    assert home["document_id"] == manual and home["section"] == "1 General"
    assert "They are not for use in homes or in rooms where people sleep, unless the authority" in _flat(home["text"])

    garage = (await _hits(client, auth, "Oxley heater in a truck repair garage, how far above the tallest vehicle"))[0]
    assert garage["section"] == "2 Mounting" and "6 ft above the top of the tallest vehicle" in _flat(garage["text"])

    pilot = (await _hits(client, auth, "OX-40 propane pilot pressure"))[0]
    lines = pilot["text"].splitlines()
    assert pilot["document_id"] == manual and "Pilot | 2.5 in. w.c. | 6.0 in. w.c." in lines
    assert "Pressure | Natural gas | Propane" in lines and lines.count("Pressure | Natural gas | Propane") == 1


async def test_a_price_list_across_a_page_with_two_columns_above_keeps_each_price_in_its_row(
        client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    catalogue = await _upload(client, auth, "ostrey-vx-price-list.pdf", catalogue_page())
    price = (await _hits(client, auth, "list price of the Ostrey VX-2-075-S-24-E"))[0]
    assert price["document_id"] == catalogue
    assert "VX-2-075-S-24-E | Two-way 3/4 in. sweat, 24 V, end switch | $156.00" in price["text"].splitlines()

    note = (await _hits(client, auth, "when do Ostrey VX valve bodies with NPT ends ship"))[0]
    assert "ship the same day by courier. Valve bodies in NPT ends ship within 3 working days." in note["text"]


async def test_a_page_folded_in_three_columns_reads_each_column_whole(client: httpx.AsyncClient,
                                                                       auth: dict[str, str]) -> None:
    brochure = await _upload(client, auth, "lindvale-service-plans.pdf", brochure_page())
    flue = (await _hits(client, auth, "what flue CO reading gets reported on a Lindvale visit"))[0]
    assert flue["document_id"] == brochure and flue["section"] == "What every visit includes"
    assert "A flue reading above 100 ppm air-free is reported to you in writing the same day." in _flat(flue["text"])

    price = (await _hits(client, auth, "Lindvale Essential plan price for a second unit at the same address"))[0]
    assert price["section"] == "Prices"
    assert "289 dollars a year for the first unit and 189 dollars for each added unit" in _flat(price["text"])
