"""Reports whose entries are records of labelled fields, and schedules whose rows are named by a span of time: a
contractor's deficiency report ("Item 2", then "Device:", "Where:", "Problem:", "Repair:" in bold run-in labels) and
its table of dates to fix them by (documents of our own, in the style technicians upload)."""

from __future__ import annotations

import io

from clara.knowledge import figures_said, spans
from clara.knowledge.identifiers import query_identifiers
from clara.knowledge.parsing import PDF, parse_document

FIELDS = [
    ("Item 1", [("Device:", "Wet pipe alarm check valve, riser 2 (4 inch)"),
                ("Where:", "Pump house, east wall"),
                ("Problem:", "Clapper seat worn; the retard chamber drains continuously."),
                ("Repair:", "Replace the clapper facing and the seat ring; retest the alarm line. Within 21 days.")]),
    ("Item 2", [("Device:", "Upright sprinklers over the loading dock (quick response, 165 F)"),
                ("Where:", "Dock doors 4 to 9, under the canopy"),
                ("Problem:", "Pallets stacked to within 8 inches of the sprinkler deflectors."),
                ("Repair:", "Keep stock at least 18 inches below the deflectors; paint a line on the wall to mark it.")]),
]


def _report() -> bytes:
    """A two-entry deficiency report set as such reports are: a title, each entry's bold heading, and its fields as
    bold labels run in to body text, none of the values ending a sentence until the finding."""
    from reportlab import rl_config
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rl_config.invariant = 1
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12, spaceAfter=1)
    head = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=6, spaceAfter=3)
    story = [Paragraph("Brightwater Sprinkler Co. - Deficiency Report 77-0412", head)]
    for title, fields in FIELDS:
        story.append(Paragraph(title, head))
        story += [Paragraph(f"<font name='Helvetica-Bold'>{label}</font> {value}", body) for label, value in fields]
    out = io.BytesIO()
    SimpleDocTemplate(out, title="Deficiency Report 77-0412").build(story)
    return out.getvalue()


def _entry(section: str) -> tuple[str, list[object], tuple[str, ...]]:
    parsed = parse_document(_report(), media_type=PDF, filename="brightwater-77-0412.pdf", source="uploads")
    chunk = next(chunk for chunk in parsed.chunks if chunk.section == section)
    return chunk.text, [(s.start, s.end, s.section, s.page) for s in chunk.spans], chunk.keys


def test_each_labelled_field_is_a_line_of_its_own() -> None:
    """The values name things without ending a sentence ("Pump house, east wall"), so the fields ran together into
    one sentence of three labels, and what was said for the place came with the device and the problem."""
    text, _, _ = _entry("Item 2")
    assert text.split("\n")[:4] == [f"{label} {value}" for label, value in FIELDS[1][1]]


def test_a_short_record_is_said_whole_whichever_field_scores_best() -> None:
    """Asked about the dock sprinklers' clearance, the device field scored best; the next field (the place) came with
    it and the repair, which holds the 18 inches, was left out."""
    text, places, _ = _entry("Item 2")
    scores = [3.0] + [1.0] * (len(places) - 1)
    said = spans.answer(text, places, 0, scores, "clearance under the loading dock sprinklers")
    assert "18 inches below the deflectors" in said and "within 8 inches" in said
    assert "Pump house" not in said  # the other entry's record is not this one


def test_an_entry_titled_by_a_word_and_its_number_is_named_by_them() -> None:
    """ "item 2 on the Brightwater report" names the passage "Item 2" as "table 2" names a table's: its own key."""
    _, _, keys = _entry("Item 2")
    assert "ITEM2" in keys and "ITEM2" in query_identifiers("what was item 2 on the Brightwater report")
    _, _, first = _entry("Item 1")
    assert "ITEM2" not in first


DEADLINES = [
    "9 June 2025 (day of visit) | 1 | Verified by our technician",
    "19 June 2025 (10 days) | 2, 5 | Photo to the service desk",
    "9 July 2025 (30 days) | 3, 4, 10 | Invoice copy",
]


def test_a_figure_said_with_its_unit_names_the_row_saying_it_so() -> None:
    """ "due in 10 days" is the row "(10 days)": not the row listing item 10, nor the row dated the 9th... of a
    question saying 9 days, nor a date whose day is the figure."""
    prefer = spans.kind_preferences("which items are due in 10 days", DEADLINES)
    assert max(range(3), key=lambda i: prefer[i]) == 1, prefer
    assert figures_said.measured(DEADLINES[1], "which items are due in 10 days")
    assert not figures_said.measured(DEADLINES[2], "which items are due in 10 days")
    # "9 days" says the day of a date ("9 June") in another unit: that row's key is not named
    assert not figures_said.names_row("what is due within 9 days", DEADLINES[0])
    assert figures_said.names_row("what size is the 4 inch valve", "4 in. | 2 | 300")  # a key with its own unit


def test_a_field_whose_label_the_question_says_is_the_one_asked_for() -> None:
    """ "the normal and emergency sources" are the fields so labelled, not the sentences that share the words and
    say what the switch does on each."""
    texts = ["A. Normal source: Utility service, 480 V, from switchboard MSB-1.",
             "Emergency source: Generator G-2, 350 kW, in the yard enclosure.",
             "1. Transfer to the emergency source (on loss of the normal source): after a 3 second delay.",
             "2. Retransfer to the normal source: after 30 minutes of stable utility power."]
    prefer = spans.kind_preferences("transfer switch ATS-3 normal and emergency sources", texts)
    assert prefer[0] > max(prefer[2:]) and prefer[1] > max(prefer[2:]), prefer
    assert not figures_said.names_label("what happens on retransfer", texts[3])  # one word of a label is no label


def test_a_code_spelled_letter_by_letter_names_its_row() -> None:
    """Speech recognition writes "pH" as "p h" and a display's "dO" as "d o": still the row's key, said."""
    assert figures_said.names_row("boiler water p h should sit where", "pH | 10.5 to 11.5 | weekly test kit")
    assert figures_said.names_row("what does d o on the display mean", "dO | Door open | close the door")
    assert not figures_said.names_row("what do I do when it shows", "dO | Door open | close the door")


def test_the_sentence_after_the_answer_saying_what_it_does_next_is_said_with_it() -> None:
    """ "when does the shaft damper shut" scores best the sentence about the damper, which says when it opens; the
    short one after it, about "it", says when it shuts."""
    text = ("The motorized relief damper at the top of stair shaft 2 opens on any stair detector, on the manual "
            "switch in the fire command center, and on loss of power to its actuator. It shuts again when the "
            "panel is reset.")
    cut = text.index(" It shuts")
    places = [(0, cut, "4.2", None), (cut + 1, len(text), "4.2", None)]
    said = spans.answer(text, places, 0, [3.0, 0.5], "when does the stair shaft damper shut")
    assert said.endswith("It shuts again when the panel is reset."), said
    said = spans.answer(text, places, 0, [3.0, 0.5], "what opens the stair shaft damper")
    assert "It shuts" not in said  # it names nothing more of what is asked
