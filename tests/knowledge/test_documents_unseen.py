"""Documents nobody on the team wrote, through the HTTP API: a regulation PDF with lettered clauses and a table, and a
manufacturer's PDF manual with numbered headings, a fault-code table and its product named only on the cover and in
the running header. Every answer must come back with its section, its page and the sentence that carries it."""

from __future__ import annotations

import io

import httpx
import pytest
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
from starlette.applications import Starlette

from tests.conftest import bearer, user_by_email

rl_config.invariant = 1
BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10, leading=13)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=8)


def _indent(level: int) -> ParagraphStyle:
    return ParagraphStyle(f"i{level}", parent=BODY, leftIndent=18 * level)


def _pdf(story: list, header: str) -> bytes:
    buffer = io.BytesIO()

    def running(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 760, header)
        canvas.drawString(500, 30, f"Page {doc.page}")

    SimpleDocTemplate(buffer, pagesize=letter).build(story, onFirstPage=running, onLaterPages=running)
    return buffer.getvalue()


def regulation() -> bytes:
    story = [Paragraph("§ 1977.410 Portable extinguishers in cold storage.", HEADING),
             Paragraph("(a) <i>Scope.</i> This section applies to every refrigerated warehouse with employees.",
                       _indent(0)),
             Paragraph("(b) <i>Placement.</i>", _indent(0)),
             Paragraph("(1) Extinguishers shall be located so that the travel distance to any extinguisher does not "
                       "exceed 60 feet.", _indent(1)),
             Paragraph("(2) Extinguishers shall be mounted with the top not more than 4 feet above the floor, except "
                       "as provided in paragraph (b)(3) of this section.", _indent(1)),
             PageBreak(),
             Paragraph("(c) <i>Hydrostatic testing.</i>", _indent(0)),
             Paragraph("(1) The employer shall hydrostatically test each extinguisher at the interval in Table A-7.",
                       _indent(1)),
             Paragraph("(i) Cylinders that fail the test shall be removed from service and condemned.", _indent(2)),
             Paragraph("(ii) Cylinders shall be stamped with the month and year of the test.", _indent(2)),
             Paragraph("Table A-7 Hydrostatic test intervals", BODY)]
    table = Table([["Extinguisher type", "Test interval (years)"], ["Stored-pressure dry chemical", "12"],
                   ["Carbon dioxide", "5"], ["Wet chemical", "5"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    return _pdf(story, "Cold Storage Safety Rule, Part 1977")


def manual() -> bytes:
    story = [Paragraph("Halvorsen HV-30 Jockey Pump Controller", HEADING),
             Paragraph("Installation and service instructions, revision C.", BODY),
             PageBreak(),
             Paragraph("3 Pressure settings", HEADING),
             Paragraph("3.2 Cut-in and cut-out", HEADING),
             Paragraph("Before start-up, confirm the sensing line is open and the isolation valve is locked. Set the "
                       "cut-in pressure to 115 psi and the cut-out pressure to 135 psi. The minimum run timer "
                       "keeps the pump on for at least 2 minutes after each start.", BODY),
             PageBreak(),
             Paragraph("5 Fault codes", HEADING),
             Paragraph("Table 5 Fault codes", BODY)]
    table = Table([["Code", "Meaning", "Action"], ["F11", "Phase reversal", "Swap two incoming line leads"],
                   ["F12", "Low suction pressure", "Check the suction valve"],
                   ["F13", "Motor overload", "Reset the overload and check the amp draw"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    return _pdf(story, "Halvorsen HV-30 Controller Manual")


async def _upload(client: httpx.AsyncClient, headers: dict[str, str], name: str, data: bytes) -> dict:
    response = await client.post("/clara-server/knowledge/documents", headers=headers,
                                 files={"file": (name, data, "application/pdf")})
    assert response.status_code == 201, response.text
    return response.json()


async def _top(client: httpx.AsyncClient, headers: dict[str, str], query: str) -> dict:
    response = await client.get("/clara-server/knowledge/search", params={"query": query, "k": 3}, headers=headers)
    assert response.status_code == 200
    return response.json()["results"][0]


@pytest.fixture
async def uploaded(client: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, int]:
    rule = await _upload(client, auth, "cold-storage-rule.pdf", regulation())
    hv30 = await _upload(client, auth, "hv30.pdf", manual())
    return {"rule": rule["document_id"], "manual": hv30["document_id"]}


async def test_a_regulation_clause_is_found_cited_and_paged(client: httpx.AsyncClient, auth: dict[str, str],
                                                            uploaded: dict[str, int]) -> None:
    top = await _top(client, auth, "how far can a worker have to walk to reach an extinguisher in a cold storage warehouse")
    assert top["document_id"] == uploaded["rule"]
    assert top["section"] == "1977.410(b)(1)" and top["page"] == 1
    assert "60 feet" in top["answer"] and top["answer"] in top["text"]
    assert 0 < top["confidence"] <= 1

    condemned = await _top(client, auth, "under the cold storage rule, what happens to a cylinder that fails its hydro test")
    assert condemned["section"] == "1977.410(c)(1)(i)" and condemned["page"] == 2
    assert "condemned" in condemned["answer"]

    exact = await _top(client, auth, "1977.410(b)(2)")  # named exactly: its own clause first
    assert exact["section"] == "1977.410(b)(2)" and "4 feet" in exact["answer"]


async def test_a_table_row_answers_with_its_header(client: httpx.AsyncClient, auth: dict[str, str],
                                                  uploaded: dict[str, int]) -> None:
    interval = await _top(client, auth, "hydrostatic test interval for carbon dioxide extinguishers in the cold storage rule")
    assert interval["document_id"] == uploaded["rule"] and interval["page"] == 2
    # the asked row first; a row the ranking scores about as well may follow on its own line (`spans._second`)
    assert interval["answer"].splitlines()[0] == "Carbon dioxide | 5"
    assert "Extinguisher type | Test interval (years)" in interval["text"]  # the row reads with its header

    fault = await _top(client, auth, "what does F12 mean on the halvorsen controller")
    assert fault["document_id"] == uploaded["manual"] and fault["section"] == "Table 5 Fault codes"
    assert "Low suction pressure" in fault["answer"] and fault["page"] == 3


async def test_lay_words_reach_the_manuals_trade_term(client: httpx.AsyncClient, auth: dict[str, str],
                                                      uploaded: dict[str, int]) -> None:
    """The technician says what they see ("hooked up backwards"); the manual says "phase reversal"."""
    top = await _top(client, auth, "the halvorsen panel says the power got hooked up backwards, what do I do")
    assert top["document_id"] == uploaded["manual"] and "Swap two incoming line leads" in top["answer"]


async def test_the_product_named_only_on_the_cover_finds_its_manual(client: httpx.AsyncClient,
                                                                    auth: dict[str, str],
                                                                    uploaded: dict[str, int]) -> None:
    top = await _top(client, auth, "cut-out pressure on the HV-30")
    assert top["document_id"] == uploaded["manual"] and top["title"] == "Halvorsen HV-30 Jockey Pump Controller"
    assert top["section"] == "3.2 Cut-in and cut-out" and top["page"] == 2
    assert "135 psi" in top["answer"]


async def test_a_scanned_or_locked_pdf_is_refused_with_the_reason(client: httpx.AsyncClient,
                                                                  auth: dict[str, str]) -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    page.rect(72, 72, 300, 400, fill=1)  # a scanned page: an image, no text layer
    page.showPage()
    page.save()
    scanned = buffer.getvalue()
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("scan.pdf", scanned, "application/pdf")})
    assert response.status_code == 422 and "no text layer" in response.json()["error"]["message"]


async def test_only_an_admin_upload_may_pose_as_a_standard(app: Starlette, client: httpx.AsyncClient,
                                                             auth: dict[str, str]) -> None:
    note = b"---\nstandard: NFPA 25\n---\n## 5.2.4.2 Quokka gauges\nThe quokka gauge is read every full moon.\n"
    refused = await client.post("/clara-server/knowledge/documents", headers=auth,
                                files={"file": ("quokka.md", note, "text/markdown")})
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "file"  # a technician's notes
    admin = bearer(app, await user_by_email(app, "admin@clara.dev"))
    response = await client.post("/clara-server/knowledge/documents", headers=admin,
                                 files={"file": ("quokka.md", note, "text/markdown")})
    assert response.status_code == 201
    top = await _top(client, auth, "how often is the quokka gauge read")
    assert top["document_id"] == response.json()["document_id"]
    assert top["standard"] == "NFPA 25" and top["section"].startswith("NFPA 25 5.2.4.2")


async def test_a_document_too_big_to_index_is_refused_naming_the_limit(client: httpx.AsyncClient,
                                                                      auth: dict[str, str]) -> None:
    flood = "".join(f"## {n} Part\nLine {n} of a dump.\n\n" for n in range(1, 6200)).encode()
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("dump.md", flood, "text/markdown")})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "document_too_large" and error["field"] == "file" and "6,000" in error["message"]
