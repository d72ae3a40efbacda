"""An interpretation letter's numbered questions: each repeated, the code it concerns quoted, then "Answer: ..."."""

from __future__ import annotations

from clara.knowledge import spans
from clara.knowledge.chunking import sentences
from clara.knowledge.parsing import parse_document

LETTER = ('May the annual inspection and test of the fire alarm system be performed by a technician holding a Level I '
          'fire alarm certificate, working alone? Code text: "9-402(a) Qualifications. Inspection, testing and '
          'maintenance of fire alarm systems shall be performed by a person holding a Level II or higher fire alarm '
          'certificate issued by this office, or by a Level I holder under the direct on-site supervision of such a '
          'person." Answer: No. A Level I holder may perform the work only with a Level II or higher certificate '
          'holder supervising on site. Supervision by telephone or video is not direct on-site supervision.')


def test_a_sentence_ends_after_the_quotation_mark_closing_it() -> None:
    """Not split there, the quoted code and the answer after it were one 55-word "sentence"."""
    said = [LETTER[start:end] for start, end in sentences(LETTER)]
    assert said[2].endswith('of such a person."')
    assert said[3].startswith("Answer: No. A Level I holder may perform the work only with a Level II")


def test_a_question_the_text_asks_is_answered_by_its_labelled_answer_past_the_code_it_quotes() -> None:
    """The question the letter repeats is what the technician asked in other words, so it is the best span; said from
    there on, the quoted code filled the reply and "only with a Level II" was never said."""
    places = [(start, end, "Question 3", 1) for start, end in sentences(LETTER)]
    scores = [3.0, 0.5, 1.5, 1.2, 1.0]
    said = spans.answer(LETTER, places, 0, scores, "can a Level I fire alarm tech do the annual test by himself")
    assert said.startswith("May the annual inspection")
    assert "Answer: No. A Level I holder may perform the work only with a Level II" in said
    assert "Supervision by telephone or video is not direct on-site supervision." in said
    assert "Code text" not in said


def test_a_faq_answer_right_after_its_question_is_said_with_it() -> None:
    text = "Q: How often do I clean the filters? A: Every week. Grease on them is the fuel of a hood fire."
    places = [(start, end, "FAQ", None) for start, end in sentences(text)]
    said = spans.answer(text, places, 0, [2.0] + [1.0] * (len(places) - 1), "how often to clean the filters")
    assert said == text


def test_a_question_naming_the_quoted_section_is_answered_by_the_quote() -> None:
    """ "what does 9-402(a) require" asks for the code's text, which the letter quotes: that is said, not the answer
    to the letter's own question."""
    places = [(start, end, "Question 3", 1) for start, end in sentences(LETTER)]
    said = spans.answer(LETTER, places, 0, [3.0, 0.5, 1.5, 1.2, 1.0], "CFPC 9-402(a) who can inspect fire alarms")
    assert 'Code text: "9-402(a) Qualifications. Inspection, testing and maintenance' in said


FAQ = b"""# Orlen XR-2 burner: questions from installers

**Q3. Can I run the XR-2 on propane?**

A. Only with conversion kit XR-LP2, fitted by a certified technician.

**Q4. After the burner stops, the purge fan keeps running for two or three minutes, sometimes longer. Is that a
fault?**

A. No. The post-purge runs 150 seconds by default to clear the chamber; set it from 30 to 300 seconds under P-07.

**Q5. What is the flue size?**

A. 4 in. up to 120 MBH, 5 in. above.
"""


def test_a_faqs_long_bold_question_titles_its_answer() -> None:
    """A bold question of more than a heading's usual dozen words is still the question its answer is cited under:
    read as a paragraph, it and its answer ran on into the question before ("Can I run the XR-2 on propane?" cited
    the post-purge timer)."""
    doc = parse_document(FAQ, media_type="text/markdown", filename="xr2-faq.md", source="uploads")
    purge = next(chunk for chunk in doc.chunks if "post-purge runs 150 seconds" in chunk.text)
    assert purge.section.startswith("Q4. After the burner stops, the purge fan keeps running")
    propane = next(chunk for chunk in doc.chunks if "XR-LP2" in chunk.text)
    assert propane.section == "Q3. Can I run the XR-2 on propane?" and "post-purge" not in propane.text
