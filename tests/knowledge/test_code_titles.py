"""Codes and rules whose section titles are set apart from their text (documents of our own, in the styles
technicians upload): a code article exported as plain text, each section's numbered title alone on its line with
its stop ("410.18 Pressure Testing.") over its subsections (A), (B); and a state's administrative rules as a PDF,
each rule's number and title in bold body type ("R 12.304 Qualifying agent."). Read as text, both titles ran into
the passages around them, the subsections were cited under the wrong section, and a question naming a section met
another's passage."""

from __future__ import annotations

import io

import httpx

from clara.knowledge.parsing import PDF, TEXT, parse_document

ARTICLE = """Harlow Code Viewer > Harlow Mechanical Code (2025) > Chapter 4 > Article 410
Print | Share

ARTICLE 410 - REFRIGERANT PIPING

410.1 Scope. This article covers field-installed refrigerant piping of comfort cooling and heat pump systems.

410.5 Other Rules.
Piping shall also comply with 410.5(A) and (B).
(A) Penetrations. Openings around piping through rated walls shall be sealed with a listed firestop system.
(B) Supports. Horizontal copper piping shall be supported at intervals not exceeding 6 ft.

410.18 Pressure Testing.
(A) Test Medium. Piping shall be tested with dry nitrogen; oxygen or compressed air shall not be used.
(B) Test Pressure. The test pressure shall be not less than 1.1 times the design pressure of the low side and held
for 30 minutes without loss.

410.33 Access Ports.
(A) Locking Caps. Service ports accessible to the public shall have locking caps that need a special tool.

Was this section helpful? Yes | No
"""

CONTENTS = """Harlow Mechanical Code - Article 410 contents

Sec.

410.1 Scope.

410.5 Other Rules.

410.18 Pressure Testing.

Authority: Harlow Ordinance 2025-14.

410.1 Scope. This article covers field-installed refrigerant piping of comfort cooling and heat pump systems.
"""


def test_a_title_alone_on_its_line_opens_its_section_and_cites_its_subsections() -> None:
    parsed = parse_document(ARTICLE.encode(), media_type=TEXT, filename="harlow-410.txt", source="uploads")
    sections = {chunk.section: chunk for chunk in parsed.chunks}
    test_pressure = sections["410.18 Pressure Testing (B)"]
    assert test_pressure.text.startswith("(B) Test Pressure. The test pressure shall be not less than 1.1 times")
    assert "410.18" in test_pressure.keys and "410.18 Pressure Testing" in test_pressure.heading
    assert sections["410.33 Access Ports (A)"].text.startswith("(A) Locking Caps.")
    assert "410.5 Other Rules (B)" in sections  # the section before keeps its own subsections
    assert not any("Pressure Testing." in chunk.text or "Access Ports." in chunk.text for chunk in parsed.chunks)


def test_a_contents_list_of_titles_opens_no_section() -> None:
    """ "Sec." over one title line per section, each a paragraph of its own, is a contents list: read as headings,
    the last entry took the authority line after it for its own text."""
    parsed = parse_document(CONTENTS.encode(), media_type=TEXT, filename="contents.txt", source="uploads")
    assert not any(chunk.section and chunk.section.startswith(("410.5", "410.18")) for chunk in parsed.chunks)
    assert any("410.18 Pressure Testing." in chunk.text for chunk in parsed.chunks)


async def test_a_question_naming_a_subsection_finds_it_under_its_own_section(client: httpx.AsyncClient,
                                                                              auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("harlow-mechanical-code-410.txt", ARTICLE.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    document = int(response.json()["document_id"])
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "Harlow 410.18(B) refrigerant piping test pressure", "k": 3})
    assert response.status_code == 200, response.text
    top = response.json()["results"][0]
    assert (top["document_id"], top["section"]) == (document, "410.18 Pressure Testing (B)"), top["section"]
    assert "1.1 times the design pressure" in top["answer"], top["answer"]


RULES = [
    ("R 12.301 Definitions.", ['Rule 1. (1) As used in these rules, "agent" means the qualifying agent named on a '
                               "license.", "History: 2015 AACS."]),
    ("R 12.304 Qualifying agent.", ["Rule 4. (1) Each license is held under 1 qualifying agent.",
                                    "(2) If the qualifying agent leaves, the licensee shall tell the board within 15 "
                                    "days and name a new agent within 60 days.", "History: 2015 AACS; 2022 AACS."]),
    ("R 12.305 Bonds.", ["Rule 5. A licensee shall keep a surety bond of $25,000 on file with the board.",
                         "History: 2015 AACS."]),
]


def _rules_pdf() -> bytes:
    """Administrative rules as a state's supplement sets them: serif body, each rule's number and title in bold at
    the body's size on its own line, its subrules run in below."""
    from reportlab import rl_config
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rl_config.invariant = 1
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=10, leading=12.5, spaceAfter=3)
    rule = ParagraphStyle("rule", fontName="Times-Bold", fontSize=10, leading=12.5, spaceBefore=5, spaceAfter=2)
    part = ParagraphStyle("part", fontName="Times-Bold", fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    story = [Paragraph("PART 3. AGENTS AND BONDS", part)]
    for title, paragraphs in RULES:
        story.append(Paragraph(title, rule))
        story += [Paragraph(text, body) for text in paragraphs]
    out = io.BytesIO()
    SimpleDocTemplate(out, title="Harlow Administrative Code R 12.301 - R 12.305").build(story)
    return out.getvalue()


def test_a_bold_rule_title_is_the_heading_its_subrules_are_cited_under() -> None:
    parsed = parse_document(_rules_pdf(), media_type=PDF, filename="harlow-rules.pdf", source="uploads")
    sections = {chunk.section: chunk for chunk in parsed.chunks}
    subrule = sections["R 12.304(2)"]
    assert subrule.text.startswith("(2) If the qualifying agent leaves")
    assert "R 12.305" not in subrule.text  # the next rule's title is no sentence of this one
    assert "12.304" in subrule.keys and "PART 3" in subrule.heading
    assert sections["R 12.305 Bonds"].text.startswith("Rule 5. A licensee shall keep a surety bond")


async def test_a_question_naming_a_rule_finds_its_subrule(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("harlow-rules.pdf", _rules_pdf(), "application/pdf")})
    assert response.status_code == 201, response.text
    document = int(response.json()["document_id"])
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "R 12.304 what if the qualifying agent leaves", "k": 3})
    assert response.status_code == 200, response.text
    top = response.json()["results"][0]
    assert (top["document_id"], top["section"]) == (document, "R 12.304(2)"), top["section"]
    assert "within 15 days" in top["answer"], top["answer"]
