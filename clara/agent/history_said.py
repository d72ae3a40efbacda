"""Questions about work already done, told from questions about today: "when did we last see them", "last visit
to this customer", "have we been out here before" (a customer's history), "my last job yesterday", "what did I do
last week" (the technician's past days). `clara.jobs.history` answers both; today's schedule ("when is my last job")
is not history.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from clara.agent.places_said import HERE_WORDS, THERE_WORDS, known_in
from clara.jobs.history import PAST_DAY, WEEKDAYS

# Work already done: "when did we last see them", "last visit to this customer", "have we been out here before".
# "Last" closing the question asks the same: "what did we do at the plant last time", "who was out there last".
_LAST_VISIT = re.compile(r"\b(?:when|what day|how long ago)\b[^?]*\b(?:last|previous(?:ly)?)\b|\blast (?:visit|service|"
                         r"time (?:we|i|anyone|someone|somebody|you|they))\b|\bbeen (?:out )?(?:here|there) before\b|"
                         r"\b(?:did|was|were|done)\b[^?]*\b(?:the )?last(?: time)?\s*[?.!]*$", re.IGNORECASE)
# The last one to come out, by who it was: "who was the last tech out here", "the last technician to visit there".
_LAST_ONE = re.compile(r"\blast (?:tech\w*|guy|person|crew|one) (?:out|here|there|to (?:visit|come|be|go|work|"
                       r"service)|(?:who )?(?:came|visited|was|worked|serviced))\b", re.IGNORECASE)
# A weekday said of the speaker's own past ("what did I do here on friday", "where was I tuesday"): the latest such
# day before today, as "last friday" says it.
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_OWN_PAST = re.compile(r"\b(?:did (?:i|we)|was i|were we|(?:i|we) did|had (?:i|we))\b", re.IGNORECASE)
_PAST = re.compile(r"\b(?:did|was|were|been|went|saw|seen|visited|serviced|had)\b", re.IGNORECASE)
_DONE = re.compile(r"\b(?:do|did|work\w*|was i|where was|had|have|jobs?|stops?|calls?|visits?|schedule)\b",
                   re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon))\b", re.IGNORECASE)


def past_question(text: str, known: Sequence[str], *, asks: Callable[[str], bool]) -> dict[str, str] | None:
    """The arguments of a question about work already done (a customer's last visit, or a past day's or week's
    jobs), None when the message asks about something else. Today's schedule is not history: "when is my last
    job" asks about today."""
    past_day = PAST_DAY.search(text)
    if past_day and _DONE.search(text) and asks(text):  # `asks` last: it reads the message again, rarely needed
        return {"day": past_day.group(0).lower()}
    weekday = _WEEKDAY.search(text)
    if weekday and _OWN_PAST.search(text) and not PAST_DAY.search(text) and asks(text):
        return {"day": f"last {weekday.group(1).lower()}"}
    visit = _LAST_VISIT.search(text) or _LAST_ONE.search(text)
    if visit and (_PAST.search(text) or re.search(r"\blast (?:visit|service) (?:to|with)\b", text, re.IGNORECASE)) \
            and not _TODAY.search(text):
        place = known_in(text, known) or \
            ("here" if HERE_WORDS.search(text) else "there" if THERE_WORDS.search(text) else None)
        return {"customer": place} if place else {}
    return None
