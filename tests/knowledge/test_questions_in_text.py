"""An interpretation letter's numbered questions: each repeated, the code it concerns quoted, then "Answer: ..."."""

from __future__ import annotations

from clara.knowledge import spans
from clara.knowledge.chunking import sentences

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
