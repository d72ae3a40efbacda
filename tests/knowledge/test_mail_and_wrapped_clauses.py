"""Plain-text uploads whose first lines are not what they look like: a saved e-mail's header, and a numbered clause
whose first line wraps mid-sentence (documents of our own, in the styles technicians upload)."""

from __future__ import annotations

from clara.knowledge.mail import read_mail
from clara.knowledge.parsing import TEXT, parse_document

FORWARDED = """From: Dale Ruiz <druiz@northfork-hvac.example>
To: All Field Techs <techs@northfork-hvac.example>
Date: Wed, 3 Sep 2025 07:40:02 -0400
Subject: Fwd: RE: Field notice FN-0912 - Ridgeway RX40 boilers, flame rod replacement

Team,

See the notice below. If an RX40 shows lockout code 6 twice in a week, swap the flame rod, don't chase the gas
valve. Log it under job type WN on the ticket.

Dale

---------- Forwarded message ---------
From: Ridgeway Service <service@ridgeway-heat.example>
Sent: Tuesday, September 2, 2025 3:10 PM
Subject: Field notice FN-0912

FIELD NOTICE FN-0912

CAUSE
Flame rods from lot 7731 carry a ceramic that cracks after about 300 cycles; the boiler then shows code 6.

REPAIR
Fit rod RX-FR2 with its new gasket and check the flame signal is above 4 microamps at low fire.
"""


def test_a_saved_e_mail_is_titled_by_its_subject_and_its_header_lines_answer_nothing() -> None:
    """Read as text, the header lines of the message and of the one quoted under it were the opening passage: it
    held every model and name of the subject and no fact, and came first for questions about the notice's body,
    while the file's name titled the document."""
    parsed = parse_document(FORWARDED.encode(), media_type=TEXT, filename="fwd_ridgeway_notice.txt", source="uploads")
    assert parsed.title == "Field notice FN-0912 - Ridgeway RX40 boilers, flame rod replacement"
    text = "\n".join(chunk.text for chunk in parsed.chunks)
    for header in ("From:", "To:", "Sent:", "Subject:", "Date: Wed", "Forwarded message", "druiz@"):
        assert header not in text
    assert parsed.chunks[0].text.startswith(parsed.title)  # what it is about, said once where the message opens
    assert "Log it under job type WN on the ticket." in text
    assert any("check the flame signal is above 4 microamps at low fire" in chunk.text for chunk in parsed.chunks)
    # every passage is read under the subject, the repair's as much as the opening note's
    repair = next(chunk for chunk in parsed.chunks if chunk.section == "REPAIR")
    assert repair.heading.startswith("Field notice FN-0912 - Ridgeway RX40 boilers")


def test_a_title_given_at_upload_still_wins_and_a_memo_field_is_no_e_mail() -> None:
    titled = parse_document(FORWARDED.encode(), media_type=TEXT, filename="n.txt", source="uploads",
                            title="Ridgeway notice")
    assert titled.title == "Ridgeway notice"
    assert read_mail("To: Night shift\n\nClose the riser room door after each round.\n") is None
    assert read_mail("Notes from the site visit.\nFrom: the owner\nSubject: pump\n") is None  # not at the top


ORDINANCE = """CITY OF ELM RIDGE ORDINANCE 2025-03

SECTION 3. FEES.
Sec. 8-12. Inspection fees are: a base fee of $60 per visit, plus $4 per device inspected and
$20 per hour after the first two hours. Reinspections are $45 each.

SECTION 4. RECORDS.
Sec. 8-13. Copies. The following records are kept by the fire marshal for the
City, as required by the state, for at least seven years after the inspection.
"""


def test_a_numbered_clause_wrapped_mid_sentence_is_text_not_its_sections_title() -> None:
    """ "Sec. 8-12. Inspection fees are: ... $4 per device inspected and" was read as a heading (its next line starts
    with "$", not in lower case), so no passage held the fee sentence whole and the section above it lost its
    passages."""
    chunks = parse_document(ORDINANCE.encode(), media_type=TEXT, filename="o.txt", source="uploads").chunks
    fees = next(chunk for chunk in chunks if chunk.section == "SECTION 3 FEES")
    assert "plus $4 per device inspected and $20 per hour after the first two hours" in fees.text
    records = next(chunk for chunk in chunks if chunk.section == "SECTION 4 RECORDS")
    assert "kept by the fire marshal for the City, as required by the state" in records.text
    assert all(not (chunk.section or "").endswith((" and", " the")) for chunk in chunks)


def test_a_numbered_title_ending_in_a_capital_letter_is_still_a_heading() -> None:
    text = "4.2 Appendix A\nWiring diagrams for the RX40 are in this appendix.\n\n4.3 Type B\nRods for the RX60.\n"
    sections = {chunk.section for chunk in parse_document(text.encode(), media_type=TEXT, filename="a.txt",
                                                          source="uploads").chunks}
    assert {"4.2 Appendix A", "4.3 Type B"} <= sections
