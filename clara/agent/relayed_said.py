"""A question passed on from someone else on site: "the customer is asking if they need a fire watch over four
hours", "my helper wants to know how often the FDC gets looked at", "the building engineer asked me where the
shutoff is". The technician asks it for them; Clara answers the question itself.

Read whole, the person and their verb steer the rules: "customer" reads as the site's contact or its requirements,
"wants" as a request. The frame ("the customer is asking if") is dropped and the question kept, a yes-no one
("if they need a fire watch") marked as asked. A request or a report about someone ("the customer asked me to paint
the covers", "the owner wants the panel moved") is no question and is left as said.
"""

from __future__ import annotations

import re
from typing import Sequence

from clara.agent.places_said import known_in

# Someone on site, named by a role: "the customer", "my helper", "the guy at the front desk", "our apprentice".
_WHO = r"(?:(?:the|my|our|their|this|his|her|a)\s+)?[a-z][\w'-]*(?:\s+[\w'-]+){0,4}?"
# Verbs that always pass a question on, whatever follows; and those that do only before a question's opening word.
_WONDERS = r"(?:wants|wanted|would like|needs|needed|'d like)\s+to\s+know|(?:is|was|'s)\s+wondering|wonders"
_ASKS = r"(?:is|was|'s)\s+asking(?:\s+me)?|asks(?:\s+me)?|asked(?:\s+me)?|had\s+a\s+question"
_OPENS = r"(?:if|whether|how|what|what's|whats|when|where|which|who|why|is|are|does|do|can|should|will|would)\b"
_RELAYED = re.compile(
    rf"^\W*(?:(?:ok(?:ay)?|so|hey|clara|quick question|question)\W+)*{_WHO}\s+(?:here\s+|there\s+)?"
    rf"(?:(?:{_WONDERS})\s*[,:]?\s*(?:from\s+you\s+)?|(?:{_ASKS})\s*[,:]?\s*(?={_OPENS}))(?P<question>.+)$",
    re.IGNORECASE)
_IF = re.compile(r"^(?:if|whether)\s+", re.IGNORECASE)
_WH = re.compile(r"^(?:how\s+(?:often|long|much|many|far|high|low|big|soon|old)|how|what|what's|whats|when|where|which|"
                 r"who|why)\b", re.IGNORECASE)
_AUXILIARY = frozenset("is are was were can could should will would do does did has have must".split())
_PERSONS = frozenset("i we you they".split())  # subjects that take "do" when the clause has no auxiliary
_SUBJECT_WORDS = 5  # "where we should park", "when the kitchen extinguishers are due"


# Where the person passing the question on is: "the plant manager at ABC", "my helper over here", "out at the plant".
_FRAME_PLACE = re.compile(r"\b(?:(?:over |out |down |up )?(?:at|from)\s+(?P<site>[\w' &.-]+?)|(?P<here>here|there))"
                          r"(?=\s*(?:,|$|\b(?:wants|wanted|would|needs|needed|'d|is|was|'s|wonders|asks|asked|had|my|"
                          r"the|our|their|this|his|her|a)\b))", re.IGNORECASE)


def relayed(text: str, known: Sequence[str] = ()) -> str:
    """The question another person's words carry, as the technician would ask it; `text` unchanged when it passes
    none on. A place the frame names ("the plant manager at ABC wants to know ...", "my helper here asks ...") is
    where the question is asked about, so it stays with the question when the question names none."""
    found = _RELAYED.match(text)
    if found is None:
        return text
    asked = _asked(found.group("question").strip().rstrip(" .!"))
    frame = text[:found.start("question")]
    if known_in(asked, known) or re.search(r"\b(?:here|there)\b", asked, re.IGNORECASE):
        return asked
    place = next((m for m in _FRAME_PLACE.finditer(frame)
                  if m.group("here") or known_in(m.group("site"), known)), None)
    if place is None:
        return asked
    said = place.group("here") or f"at {place.group('site')}"
    return f"{asked[:-1]} {said}?" if asked.endswith("?") else f"{asked} {said}"


def _asked(question: str) -> str:
    """The relayed question put as asked."""
    yes_no = _IF.match(question)
    if yes_no is not None:
        question = _inverted("", question[yes_no.end():])
        return question if question.endswith("?") else f"{question}?"
    wh = _WH.match(question)
    return _inverted(question[:wh.end()], question[wh.end():].strip()) if wh else question


def _inverted(opening: str, clause: str) -> str:
    """An indirect question put as asked: its auxiliary before its subject ("where we should park" -> "where should
    we park", "if the test can happen before 8" -> "can the test happen before 8"); one at its end ("what the
    churn pressure is") is moved the same way, and a person's bare verb takes "do" ("where we park" -> "where do we
    park"). Any other clause is left as said."""
    words = clause.split()
    at = next((i for i, word in enumerate(words[:_SUBJECT_WORDS + 1]) if word.lower() in _AUXILIARY and i), None)
    if at is None and len(words) > 1 and words[-1].lower() in _AUXILIARY and opening:
        at = len(words) - 1
    if at is None and words and words[0].lower() in _PERSONS:  # "where we park" asks "where do we park"
        return " ".join([*([opening] if opening else []), "do", *words])
    if at is None:
        return f"{opening} {clause}".strip()
    return " ".join([*([opening] if opening else []), words[at], *words[:at], *words[at + 1:]])
