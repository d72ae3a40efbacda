"""Plain-text uploads as companies write them: tables in columns, a title block over a company's name."""

from __future__ import annotations

import re

import pytest

from clara.knowledge import blocks
from clara.knowledge.parsing import TEXT, parse_document

SOP = """ACME MECHANICAL
Standard Operating Procedure SOP-HV-07
Refrigerant Recovery and Leak Repair

Leak rate thresholds
--------------------
Appliance type\t\tThreshold\tRepair within
Comfort cooling\t\t10%\t\t30 days
Commercial refrigeration\t20%\t\t30 days

Models
------
MODEL      VOLTAGE    CHARGE
RR-200     115 V      4 lb
RR-400     230 V      9 lb

Procedure
---------
1.  Connect the recovery machine with the shortest hoses available.
2.  Recover to 10 inches of mercury.  Weigh the recovered refrigerant.

Ratings
-------
Voltage      115 V
Charge       4 lb
Weight       12 lb

Records
-------
Keep the service record for 3 years.  Send a copy to the office.
Tag the cylinder the same day.  Note its weight.
"""


def _parsed():
    return parse_document(SOP.encode(), media_type=TEXT, filename="sop.txt", source="uploads")


def test_a_table_set_in_columns_with_tabs_or_spaces_keeps_its_rows() -> None:
    """Read as prose, the header and every row ran into one sentence ("Appliance type Threshold Repair within
    Comfort cooling 10% 30 days ..."): no row could be said, and the 20% was as near "comfort cooling" as its own."""
    by_section = {c.section: c.text for c in _parsed().chunks}
    assert "Commercial refrigeration | 20% | 30 days" in by_section["Leak rate thresholds"]
    assert "Appliance type | Threshold | Repair within" in by_section["Leak rate thresholds"]
    assert "RR-400 | 230 V | 9 lb" in by_section["Models"]


def test_list_steps_and_sentences_with_two_spaces_stay_prose() -> None:
    by_section = {c.section: c.text for c in _parsed().chunks}
    assert "|" not in by_section["Procedure"] and "Recover to 10 inches of mercury. Weigh" in by_section["Procedure"]
    assert "|" not in by_section["Records"] and "for 3 years. Send a copy" in by_section["Records"]
    assert "|" not in by_section["Ratings"]  # pairs under no header: "Voltage" and "115 V" are no column names


def test_the_lines_under_the_opening_heading_say_what_the_document_is_about() -> None:
    """The title is the company's name; the line under it names the procedure, and every passage's context
    carries it, so "refrigerant recovery SOP evacuation" finds the procedure's steps, not only its first lines."""
    doc = _parsed()
    assert doc.title == "ACME MECHANICAL"
    procedure = next(c for c in doc.chunks if c.section == "Procedure")
    assert "SOP-HV-07 Refrigerant Recovery and Leak Repair" in procedure.embedding_text


def test_a_table_of_contents_is_not_indexed_as_sections() -> None:
    """Its lines name every section: indexed, "phase reversal" found the contents page's line ahead of section 4.1."""
    source = ("NORVIK NX-50 CONTROLLER\n\nTable of Contents\n"
              "1 Safety ........................ 3\n4.1 Phase reversal . . . . . . . . . 5\n\n"
              "4.1 Phase reversal\nSwap any two line leads at the main disconnect.\n")
    doc = parse_document(source.encode(), media_type=TEXT, filename="nx50.txt", source="uploads")
    assert [(c.section, c.text) for c in doc.chunks] == [
        ("4.1 Phase reversal", "Swap any two line leads at the main disconnect.")]


SAVED_FROM_PDF = ("KX-400 Installation Manual                     Page 1\n\n1 General\nThe KX-400 controls the fire pump.\n"
                  "\fKX-400 Installation Manual                     Page 2\n\n2 Settings\n"
                  "Set the cut-in to 115 psi and the\n\n"
                  "\fKX-400 Installation Manual                     Page 3\n\ncut-out to 135 psi.\n\n"
                  "3 Alarms\nPhase reversal: swap any two line leads.\n")


def test_text_saved_from_a_pdf_keeps_its_pages_and_loses_its_running_header() -> None:
    """pdftotext separates pages with form feeds and repeats the header on each: "KX-400 Installation Manual Page 3"
    sat inside the sentence the page break cut, and no passage could be cited by page."""
    doc = parse_document(SAVED_FROM_PDF.encode(), media_type=TEXT, filename="kx400.txt", source="uploads")
    assert [(c.section, c.text, c.page) for c in doc.chunks] == [
        ("1 General", "The KX-400 controls the fire pump.", 1),
        ("2 Settings", "Set the cut-in to 115 psi and the cut-out to 135 psi.", 2),
        ("3 Alarms", "Phase reversal: swap any two line leads.", 3)]
    assert doc.title == "KX-400 Installation Manual"


OUTLINE = """KESTREL KX-7 SPRINKLER ALARM VALVE
Inspection, Testing and Maintenance Procedure

I. GENERAL
A. Scope
1. This procedure covers the Kestrel KX-7 wet alarm valve in sizes 4 in. through 8 in.
B. Safety
1. Notify the monitoring company before any test.
2. Close the main drain slowly to avoid a water hammer.

II. INSPECTION
A. Weekly
1. Verify the water supply gauge reads at least 50 psi.
B. Quarterly
1. Check the retard chamber drain for leaks.

III. TESTING
A. Close the control valve
B. Open the main drain fully and record the residual pressure

FREQUENTLY ASKED QUESTIONS
Q: How long should the retard chamber take to drain?
A: About 5 minutes after the flow stops.

INDEX
Alarm line, 4, 7
Main drain test, 3, 9-11
Retard chamber, 5, 12
"""


def test_an_outline_nests_its_lettered_titles_under_its_roman_numerals() -> None:
    """ "A. Weekly" and "B. Quarterly" were lines of text under "II. INSPECTION": the weekly gauge check was cited
    as "II. INSPECTION" and a chunk cut inside it lost which interval it was about. A lettered line with no items
    under it ("A. Close the control valve") is a step, and a heading without a letter closes the outline."""
    doc = parse_document(OUTLINE.encode(), media_type=TEXT, filename="kx7.txt", source="uploads")
    by_text = {line: c for c in doc.chunks for line in c.text.splitlines()}
    weekly = by_text["1. Verify the water supply gauge reads at least 50 psi."]
    assert weekly.section == "A. Weekly" and weekly.heading.endswith("> II. INSPECTION > A. Weekly")
    assert by_text["2. Close the main drain slowly to avoid a water hammer."].heading.endswith("> I. GENERAL > B. Safety")
    steps = by_text["A. Close the control valve"]
    assert steps.section == "III. TESTING" and "B. Open the main drain fully" in steps.text
    answer = next(c for c in doc.chunks if "About 5 minutes after the flow stops." in c.text)
    assert answer.heading == ("KESTREL KX-7 SPRINKLER ALARM VALVE | Inspection, Testing and Maintenance Procedure > "
                              "FREQUENTLY ASKED QUESTIONS")  # the file name kx7 says nothing the title does not


def test_neither_the_subtitle_nor_the_index_is_a_passage_of_its_own() -> None:
    """The subtitle is in every chunk's context; the index names every subject with page numbers and no answer,
    so it matched questions on any subject ahead of the passage that answers them."""
    doc = parse_document(OUTLINE.encode(), media_type=TEXT, filename="kx7.txt", source="uploads")
    assert all(c.heading.startswith("KESTREL KX-7 SPRINKLER ALARM VALVE | Inspection, Testing and Maintenance")
               for c in doc.chunks)
    assert not any(c.text.startswith("Inspection, Testing") for c in doc.chunks)
    assert not any("Retard chamber, 5, 12" in c.text or c.section == "INDEX" for c in doc.chunks)


class _CountingPattern:
    """Stands in for a compiled pattern: counts the characters it is asked to search."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.searched = pattern, 0

    def search(self, text: str) -> re.Match[str] | None:
        self.searched += len(text)
        return self.pattern.search(text)


def test_a_run_on_paragraph_is_joined_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200-page PDF of one paragraph held the one parse worker for minutes (found by an audit upload): each line
    searched the whole text joined so far for a broken word. Each line is searched once now, however long the
    paragraph."""
    counting = _CountingPattern(blocks._BROKEN_WORD)
    monkeypatch.setattr(blocks, "_BROKEN_WORD", counting)
    lines = [f"the damper linkage {i} shall be inspected and the fusible link replaced where paint-" if i % 7 == 0
             else f"ed over, tested {i} and the actuator stroked" for i in range(5000)]
    text = blocks.join_lines(lines, words=set())
    assert counting.searched <= sum(len(line) for line in lines)
    assert text.startswith("the damper linkage 0 shall") and "where painted over, tested 1 and" in text
    assert text.endswith("tested 4999 and the actuator stroked")


EXPORT = """PUMP CONTROLLER - EVENT HISTORY EXPORT
Site: Pump Room B

[EVENT HISTORY - newest last]
date,time,event,code,pressure_psi,detail
2025-02-13,15:40:10,PHASE REVERSAL,A305,121,L2 and L3 reversed at incoming terminals
2025-02-18,06:00:13,FAIL TO START,A310,118,no motor current 10 s after start command
2025-02-19,11:14:37,COIL REPLACED,E905,121,"service note: coil K1 replaced, tech R. Ybarra"
2025-02-20,09:00:00,NOTE,E906,120,relay, timer and gauge checked

[EVENT CODES]
A3xx alarms, A305 phase reversal, A310 fail to start.
"""


def test_comma_separated_lines_under_a_header_are_rows_under_a_bracketed_section() -> None:
    """An event log exported as CSV under "[EVENT HISTORY ...]" ran into one paragraph under the section before it:
    no event kept its date or its column names, and the paragraph was cut mid-row."""
    chunks = parse_document(EXPORT.encode(), media_type=TEXT, filename="export.txt", source="uploads").chunks
    by_section = {c.section: c.text for c in chunks}
    history = by_section["EVENT HISTORY - newest last"]
    assert "date | time | event | code | pressure_psi | detail" in history
    assert "2025-02-18 | 06:00:13 | FAIL TO START | A310 | 118 | no motor current 10 s after start command" in history
    assert "E905 | 121 | service note: coil K1 replaced, tech R. Ybarra" in history  # a quoted cell keeps its comma
    assert "E906 | 120 | relay, timer and gauge checked" in history  # an unquoted comma-space is the text's own
    assert "A305 phase reversal" in by_section["EVENT CODES"]


def test_a_list_with_commas_in_prose_is_no_table() -> None:
    text = "Valves\n\nRelief valve, check valve, gate valve\nWPR-036, WPR-048, WPR-060 units\nAll, or none, of them\n"
    chunks = parse_document(text.encode(), media_type=TEXT, filename="v.txt", source="uploads").chunks
    assert all(" | " not in c.text for c in chunks)


def test_the_fields_naming_an_export_go_with_every_passage() -> None:
    """ "Site: Pump Room B" under an export's title was said only by its opening passage: a question naming the site
    found that passage before the events. Fields with figures (a serial number, a date) describe; they stay there."""
    text = ("PUMP CONTROLLER - EVENT HISTORY EXPORT\nExported by: Link 3.2   Export date: 2025-03-04\n"
            "Controller S/N: FPC50-24-01187   Site: Ashgrove Distribution Center, Pump Room B\n\n"
            "[EVENT HISTORY]\ndate,time,event\n2025-02-18,06:00:13,FAIL TO START\n2025-02-19,11:14:37,COIL REPLACED\n")
    chunks = parse_document(text.encode(), media_type=TEXT, filename="export.txt", source="uploads").chunks
    events = next(c for c in chunks if c.section == "EVENT HISTORY")
    assert events.heading == ("PUMP CONTROLLER - EVENT HISTORY EXPORT | Site: Ashgrove Distribution Center, Pump Room B"
                              " > EVENT HISTORY")
    assert "Export date: 2025-03-04" in chunks[0].text
