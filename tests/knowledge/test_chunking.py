from __future__ import annotations

from clara.knowledge.blocks import markdown_blocks
from clara.knowledge.text_blocks import text_blocks
from clara.knowledge.chunking import MAX_WORDS, Chunk, chunk_units
from clara.knowledge.identifiers import model_key, query_identifiers, query_standards, text_identifiers
from clara.knowledge.outline import units
from clara.knowledge.parsing import MARKDOWN, TEXT, parse_document, split_front_matter

NFPA = """---
source: nfpa
standard: NFPA 25
edition: 2023
title: Water-Based Fire Protection Systems
---

## 5.2.4.2 Gauges on dry, preaction and deluge systems
Check air and water gauges monthly; see also 13.2.4 for replacement.

## A.8.2.2 Diesel engine checks during pump inspection
Look at the oil, coolant and battery electrolyte.
"""

REGULATION = """§ 1910.157 Portable fire extinguishers.

(a) Scope and application. This section applies to extinguishers provided for employee use.

(f) Hydrostatic testing. (1) The employer shall assure that hydrostatic testing is performed by trained persons.

(2) Cylinders shall be tested at the intervals in Table L-1, except as provided in paragraph (f)(3) of this section.

(h) Training.

(i) Each employer shall provide training upon initial employment.

(j) Records. (1) Records shall be kept for one year.

(i) The record shall show the date of the test.

(ii) The record shall show the name of the person who tested it.
"""


def _chunks(text: str, media_type: str = MARKDOWN, title: str | None = None) -> list[Chunk]:
    return parse_document(text.encode(), media_type=media_type, filename="doc.md", source="uploads",
                          title=title).chunks


def test_front_matter_and_numbered_headings_become_citeable_sections() -> None:
    front = split_front_matter(NFPA)
    assert front.fields == {"source": "nfpa", "standard": "NFPA 25", "edition": "2023",
                            "title": "Water-Based Fire Protection Systems"}
    chunks = _chunks(NFPA)
    assert [c.section for c in chunks] == ["NFPA 25 5.2.4.2", "NFPA 25 A.8.2.2"]
    assert {c.title for c in chunks} == {"Water-Based Fire Protection Systems"}
    assert chunks[0].keys == ("5.2.4.2",)
    assert "13.2.4" in chunks[0].identifiers  # a cross reference is findable, but is not the chunk's own key
    # Both indexes read the passage under its document and heading (contextual retrieval).
    assert chunks[0].embedding_text.startswith("Water-Based Fire Protection Systems | NFPA 25 > 5.2.4.2 Gauges on dry")


def test_manual_headings_are_the_section_and_the_document_is_the_title() -> None:
    body = "# Field notes\n\n## Carrier 48TC/50TC: High head pressure in cooling\nDirty condenser coil first.\n"
    [chunk] = _chunks(body)
    assert chunk.title == "Field notes" and chunk.section == "Carrier 48TC/50TC: High head pressure in cooling"
    assert {"48TC", "50TC"} <= set(chunk.identifiers)


def test_a_long_section_splits_under_the_model_limit_and_keeps_its_heading() -> None:
    sentence = "The inspector checks every valve and gauge on the riser before signing the report. "
    body = "## 13.3 Control valves\n" + (sentence * 40 + "\n\n") * 3
    chunks = _chunks(body)
    assert len(chunks) > 1
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert {c.section for c in chunks} == {"13.3 Control valves"}


def test_setext_and_bold_headings_and_pipe_tables() -> None:
    body = ("KX-400 Jockey Controller\n========================\n\n**3.2 Pressure settings**\n\n"
            "Set the cut-in to 115 psi and the cut-out to 135 psi.\n\n"
            "Table 4 Fault codes\n\n| Code | Meaning |\n|---|---|\n| E07 | Low suction pressure |\n| E08 | Motor overload |\n")
    chunks = _chunks(body)
    assert chunks[0].title == "KX-400 Jockey Controller" and chunks[0].section == "3.2 Pressure settings"
    table = chunks[-1]
    assert table.section == "Table 4 Fault codes" and "TABLE4" in table.keys
    assert table.text.splitlines() == ["Table 4 Fault codes", "Code | Meaning", "E07 | Low suction pressure",
                                       "E08 | Motor overload"]
    rows = [table.text[s.start:s.end] for s in table.spans]
    assert "E07 | Low suction pressure" in rows  # a row is a span: it can be the answer on its own


def test_a_long_table_splits_between_rows_and_repeats_its_header() -> None:
    rows = "".join(f"| E{n:02d} | Fault number {n} with a longer description of what the panel means |\n"
                   for n in range(60))
    chunks = _chunks("# Panel\n\n| Code | Meaning |\n|---|---|\n" + rows)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text.splitlines()[0] == "Code | Meaning"
        assert all(line.count("|") == 1 for line in chunk.text.splitlines())  # no row cut in two


def test_regulation_clauses_are_cited_glued_to_their_section() -> None:
    chunks = _chunks(REGULATION, TEXT, title="29 CFR 1910.157")
    sections = [s.section for c in chunks for s in c.spans]
    assert "1910.157(a)" in sections
    assert "1910.157(f)(1)" in sections  # "(f) Hydrostatic testing. (1) ..." is two clauses on one line
    # A cross-reference inside a sentence ("paragraph (f)(3) of this section") does not start a clause.
    assert "1910.157(f)(2)" in sections and "1910.157(f)(3)" not in sections
    # "(i)" after "(h)" is the next letter; "(i)" under "(j)(1)", followed by "(ii)", is roman one.
    assert "1910.157(i)" in sections
    assert {"1910.157(j)(1)(i)", "1910.157(j)(1)(ii)"} <= set(sections)
    [records] = [c for c in chunks if "1910.157(J)(1)(II)" in c.keys]  # a chunk answers to each clause it holds
    assert records.section == "1910.157(j)" and records.text.startswith("(j) Records.")


def test_a_regulation_section_uploaded_alone_is_its_title_and_a_lead_in_keeps_its_items() -> None:
    text = ("§ 1910.38 Emergency action plans.\n\n"
            "(a) Application. An employer must have an emergency action plan whenever an OSHA standard in this part "
            "requires one, and the requirements in this section apply to each such emergency action plan.\n\n"
            "(f) Review of emergency action plan. An employer must review the plan with each employee covered:\n"
            "(1) When the plan is developed or the employee is assigned initially to a job;\n"
            "(2) When the employee's responsibilities under the plan change; and\n"
            "(3) When the plan is changed.\n")
    doc = parse_document(text.encode(), media_type=TEXT, filename="osha.txt", source="uploads")
    assert doc.title == "1910.38 Emergency action plans"  # the section it holds, not the file's name
    review = next(c for c in doc.chunks if "(f) Review" in c.text)
    assert "(3) When the plan is changed." in review.text  # one passage: the lead-in with all of its items
    assert review.section == "1910.38(f)" and "(a) Application" not in review.text
    assert review.heading == "1910.38 Emergency action plans"  # said once, not as title and heading both
    # A document of several numbered chapters is not named by its first one.
    chapters = b"4 Inspection\nLook at the gauges.\n\n5 Testing\nFlow the main drain.\n"
    assert parse_document(chapters, media_type=TEXT, filename="kx400_notes.txt", source="uploads").title == "kx400 notes"


def test_plain_text_headings_in_capitals_start_sections() -> None:
    text = (b"ACME FP-9 FOAM PROPORTIONER\nSERVICE NOTES\n\nINSPECTION\nInspect the sight gauge monthly.\n"
            b"WARNING: DRAIN THE TANK BEFORE OPENING IT\nTESTING\nRun a proportioning test annually.\n"
            b"MODEL    CAPACITY\nFP-9     150 gal\n")
    doc = parse_document(text, media_type=TEXT, filename="fp9.txt", source="uploads")
    assert doc.title == "ACME FP-9 FOAM PROPORTIONER SERVICE NOTES"  # a title set over two lines
    sections: dict[str | None, list[str]] = {}
    for chunk in doc.chunks:
        sections.setdefault(chunk.section, []).append(chunk.text)
    assert sections["INSPECTION"] == ["Inspect the sight gauge monthly. WARNING: DRAIN THE TANK BEFORE OPENING IT"]
    assert sections["TESTING"][0].startswith("Run a proportioning test annually.")
    assert any("FP-9" in text for text in sections["TESTING"])  # "MODEL    CAPACITY" is no heading


def test_plain_text_numbered_lines_start_sections_but_sentences_and_list_steps_do_not() -> None:
    text = ("5.2.4 Gauges on dry systems\nCheck the air gauge monthly.\n"
            "1 remove the cover and check the seal\n20.7 A is the MCA.\n\n"
            "7 Fire Pump Testing\nRun it weekly.\n")
    headings = [b.text for b in text_blocks(text) if b.kind == "heading"]
    assert headings == ["5.2.4 Gauges on dry systems", "7 Fire Pump Testing"]
    chunks = chunk_units(units(text_blocks(text), document_title="d"), document_title="d")
    assert "20.7 A is the MCA." in chunks[0].text


def test_markdown_lists_keep_their_numbers() -> None:
    blocks = markdown_blocks("# Steps\n\n1. Close valve A.\n2. Open valve B.\n")
    assert [b.text for b in blocks if b.kind == "paragraph"] == ["1. Close valve A.", "2. Open valve B."]


def test_identifiers_are_normalised_alike_for_queries_and_models() -> None:
    assert model_key("50-TCQA-06") == model_key("50tcqa 06") == model_key("50TCQA06") == "50TCQA06"
    found = query_identifiers("what's the MCA of a 50tcqa 06? see NFPA 25 5.2.4.2, DPV-1 4 inch")
    assert {"50TCQA06", "5.2.4.2", "DPV14"} <= set(found)
    assert query_standards("nfpa 25 vs NFPA-72 and NFPA 17A") == ["NFPA25", "NFPA72", "NFPA17A"]
    # A clause reference meets the passage holding its enclosing clause too.
    assert {"1910.157(F)(10)(II)", "1910.157(F)(10)", "(F)(10)"} <= set(query_identifiers("1910.157 (f)(10)(ii)"))


def test_measurements_are_not_mistaken_for_identifiers() -> None:
    assert text_identifiers("MCA 20.7 A at 208/230 V, 3 phase, 60 Hz in 2023") == []


def test_a_table_row_under_a_merged_first_cell_says_which_row_it_belongs_to() -> None:
    """Manuals merge a code's cell over its several causes; Markdown and PDF tables give the later rows a blank
    first cell. Alone, "Flame rod dirty: clean with steel wool" was an answer to no code at all."""
    source = ("# Ignition faults\n\n| Code | Meaning | What to check |\n|---|---|---|\n"
              "| E01 | No flame after 3 tries | Gas supply |\n|  |  | Flame rod dirty: clean with steel wool |\n"
              "| E02 | Flame lost during run | Low gas pressure |\n")
    rows = next(b.rows for b in markdown_blocks(source) if b.kind == "table")
    assert rows[2] == ("E01", "", "Flame rod dirty: clean with steel wool")
    assert rows[0][0] == "Code" and rows[3][0] == "E02"
