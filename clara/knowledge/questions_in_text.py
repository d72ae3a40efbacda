"""Questions a text asks itself and their answers: a FAQ's "Q: ...", an interpretation letter's numbered questions.

A question the text asks is what the technician asked in other words, so it scores as the best span of its passage;
what answers it is what follows, up to the next question, or the answer labelled further on ("Answer: ...").
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from clara.knowledge.identifiers import query_identifiers

QUESTION_START = re.compile(r"^\s*(?:Q\s*[:.]|Question\s*:)", re.IGNORECASE)  # "Q: How often ...", a FAQ's question
ANSWER_START = re.compile(r"^\s*(?:A|Answer|Response|Reply)\s*:", re.IGNORECASE)  # a question's labelled answer


def reply(asked: int, span_text: Callable[[int], str], same_section: Callable[[int], bool], limit: int,
          question: str = "") -> tuple[str, set[int]] | None:
    """What answers a question the text asks when its answer is labelled further on ("Answer: No. A Level I holder
    may ... only with a Level II ..."), past what the question quotes (an interpretation letter's "Code text: ..."):
    the labelled answer up to the next question, within `limit` words, after the question when both fit. Said from the
    question on, the quoted code filled the reply and the answer was never reached. None when the technician's
    `question` names a section the quote holds ("what does CFPC 9-311(b) require"): the quote is what is asked."""
    start = asked + 1
    while same_section(start) and not asks(span_text(start)) and not ANSWER_START.match(span_text(start)):
        start += 1
    if not same_section(start) or not ANSWER_START.match(span_text(start)):
        return None
    named = [key for key in query_identifiers(question) if re.search(r"\d", key) and len(key) >= 3]
    if any(key in _compact(span_text(i)) for i in range(asked + 1, start) for key in named):
        return None
    last, words = _run(start, span_text, same_section, limit, until=asks)
    said = " ".join(span_text(i) for i in range(start, last + 1))
    if words + len(span_text(asked).split()) <= limit:
        return f"{span_text(asked)} {said}", {asked, *range(start, last + 1)}
    return said, set(range(start, last + 1))


def titled(span_text: str, section: str | None) -> bool:
    """Whether a span is its entry's run-in title ("Release will not reset." under the section of that name): said
    alone, or with one sentence, the reply restated the symptom the technician had just described and stopped
    before the remedy."""
    return bool(section) and _plain(span_text) == _plain(section or "")


ENTRY_TITLE_WORDS = 8  # "Pump runs but pressure never reaches cut-out.": a symptom titling its paragraph's entry
ENTRY_SENTENCES = 3  # a title, then what causes it and what to do: an entry says at least two things of its title


def paragraph_entry(title: int, text: str, starts: Sequence[int], span_text: Callable[[int], str],
                    same_section: Callable[[int], bool], limit: int) -> tuple[str, set[int]] | None:
    """The entry a span titles when the entry is a paragraph of its own though no heading names it ("Code 7, outdoor
    sensor open. The outdoor air sensor reads open circuit. The controller keeps running at 180 °F ..."): a short
    sentence opening its line, neither a lead-in (":") nor a question the text asks ("Q: ...", said by `reply`),
    with at least two more sentences on that line. Said from the title to its line's end, within `limit` words;
    None for any other span. Said with the next sentence only, the reply restated the fault and its cause and
    stopped before the remedy the technician asked for."""

    def opens_line(i: int) -> bool:
        return not text[text.rfind("\n", 0, starts[i]) + 1:starts[i]].strip()

    def on_line(i: int) -> bool:
        return same_section(i) and not opens_line(i)

    said = span_text(title)
    if not opens_line(title) or len(said.split()) > ENTRY_TITLE_WORDS or said.endswith(":") or asks(said) or \
            not all(on_line(i) for i in range(title + 1, title + ENTRY_SENTENCES)):
        return None
    return entry(title, span_text, on_line, limit)


def entry(title: int, span_text: Callable[[int], str], same_section: Callable[[int], bool],
          limit: int) -> tuple[str, set[int]]:
    """An entry said from its title on, as far as its section goes within `limit` words: what it says of the title
    (the cause, then the remedy) is the answer."""
    last, _ = _run(title, span_text, same_section, limit)
    return " ".join(span_text(i) for i in range(title, last + 1)), set(range(title, last + 1))


def _run(first: int, span_text: Callable[[int], str], same_section: Callable[[int], bool], limit: int, *,
         until: Callable[[str], bool] = lambda _: False) -> tuple[int, int]:
    """The last span said from `first` on, and the words said: the spans of its section that follow, up to one
    `until` holds of (the next question) or `limit` words."""
    last, words = first, len(span_text(first).split())
    while same_section(last + 1) and not until(span_text(last + 1)) and \
            words + len(span_text(last + 1).split()) <= limit:
        last += 1
        words += len(span_text(last).split())
    return last, words


def _plain(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def _compact(text: str) -> str:
    """Text as identifiers are compared: "9-311(b)" is "9311B"."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


# a question, and what follows it on its line: a quiz's choices ("? a) 30 minutes b) 4 hours") or "? (name three)"
_ASKED = re.compile(r"\?(?:\s+[^.!?]*)?$")


def questions_only(span_texts: Sequence[str]) -> bool:
    """Whether a passage is a list of questions with no answer among them, as a quiz or a review sets them: two or
    more questions, more than half of its spans, and no labelled answer. Its questions restate what a technician asks
    in the text's own words, so its sentences scored best for the question a passage further on answers (a toolbox
    talk's quiz over the steps it quizzes on), yet none of them says a fact. A FAQ's question is said with its
    answer, the next span, and stays the best span of its passage."""
    asked = sum(bool(_ASKED.search(text.strip()) or QUESTION_START.match(text)) for text in span_texts)
    return asked >= 2 and 2 * asked > len(span_texts) and not any(ANSWER_START.match(text) for text in span_texts)


def asks(span_text: str) -> bool:
    """Whether a span is a question the text asks ("Q: My unit keeps tripping.", "Is the LED flashing?")."""
    return span_text.endswith("?") or bool(QUESTION_START.match(span_text))
