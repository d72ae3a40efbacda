"""The clause boundaries a speech recogniser leaves out, put back before any rule reads a message.

Speech arrives without commas: "the backflow in the riser room is dumping water write it up its out of service",
"the extinguisher in the kitchen no wait the corridor one gauge is low needs repair". The readers of writes,
severities and corrections work clause by clause, so the boundaries a listener hears are marked: before a
request to write ("write it up", "log that"), a severity said as a statement ("it's out of service", "as minor",
a trailing "needs repair"), a correction ("no wait", "I mean", "scratch that"), and a second question joined by
"and" ("... and who do I ask for"). A comma already there is kept; nothing else changes.
"""

from __future__ import annotations

import re

from clara.agent.deficiency_said import SEVERITY_WORDS
from clara.jobs.drafts import NEEDS_REPAIR, NOT_URGENT, OUT_OF_SERVICE

# Severity words that only ever name a severity when they end a message ("... gauge is reading low" is a
# reading, "... needs repair" a severity).
_TRAILING_SEVERITY = (rf"{NOT_URGENT}|{NEEDS_REPAIR}|{OUT_OF_SERVICE}|critical|urgent|deficient|minor|cosmetic|"
                      r"(?:high|low|medium) (?:priority|severity)")
_BOUNDARIES = (
    # a request to write, with what follows it: "..., write it up, ...", "..., log it, as minor"; not the verb of a
    # question ("where do i note that on the form", "is it ok to put it back in service")
    re.compile(r"(\w)(?<!\bi)(?<!\bwe)(?<!\byou)(?<!\bto)\s+(?=(?:and\s+)?(?:please\s+)?(?:go ahead and\s+)?(?:log|record|write|note|put|flag)\s+"
               r"(?:it|this|that)\b)", re.IGNORECASE),
    re.compile(r"(\b(?:it|this|that))\s+(?=as\s+(?:" + SEVERITY_WORDS + r")\b)", re.IGNORECASE),
    re.compile(r"(\b(?:up|down))\s+(?=(?:it'?s|its|it is|as|mark it|make it)\s+(?:" + SEVERITY_WORDS + r")\b)",
               re.IGNORECASE),
    # a severity said right after the request to write: "write it up high", "log it just cosmetic"
    re.compile(r"(\b(?:log|record|write|note|flag|put)\s+(?:it|this|that)(?:\s+(?:up|down))?)\s+(?=(?:just\s+|only\s+|"
               r"pretty\s+|really\s+)?(?:" + SEVERITY_WORDS + r")\s*$)", re.IGNORECASE),
    # what it is written up as, the fault: "write it up as overdue for its trip test" (not a severity or "deficiency")
    re.compile(r"(\b(?:log|record|write|note|flag)\s+(?:it|this|that)(?:\s+(?:up|down))?)\s+as\s+(?!(?:an?\s+)?"
               r"(?:new\s+)?deficienc|(?:just\s+|only\s+)?(?:" + SEVERITY_WORDS + r")\b)", re.IGNORECASE),
    # a severity said as a statement, or ending the message
    re.compile(r"(\w)\s+(?=(?:it'?s|its|it is)\s+(?:" + SEVERITY_WORDS + r")\s*$)", re.IGNORECASE),
    re.compile(r"(\w)\s+(?=(?:" + _TRAILING_SEVERITY + r")\s*$)", re.IGNORECASE),
    # a correction, on both sides: "in the kitchen, no wait, the corridor one"
    re.compile(r"(\w)\s+(?=(?:no wait|wait no|no sorry|scratch that|i mean|i meant)\b)", re.IGNORECASE),
    re.compile(r"(\b(?:no wait|wait no|no sorry|scratch that|i mean|i meant))\s+(?=\w)", re.IGNORECASE),
    # a second question: "what time do I need to be there and who do I ask for"
    re.compile(r"(\w)\s+(?=and\s+(?:what|what'?s|whats|who|who'?s|whos|when|where|how|is|are|any|anything|"
               r"do|does|can)\b)", re.IGNORECASE),
)

# A severity's own lead-in is not a boundary: "it's out of service", "as minor", "call it low priority".
_NOT_A_BOUNDARY = re.compile(r"(?<!log )(?<!note )(?<!flag )(?<!record )"  # "log it, cosmetic" asks to write
                             r"\b(it'?s|its|it is|is|as|be|not|nothing|no|isn'?t|non|very|really|pretty|just|an?|"
                             r"(?:call|mark|make) it|put it down as|it)\s*,\s+"
                             r"(?=(?:" + _TRAILING_SEVERITY + r")\s*$)", re.IGNORECASE)


def with_clauses(text: str) -> str:
    """The message with the clause boundaries a listener hears marked by commas (none where one already is)."""
    for boundary in _BOUNDARIES:
        text = boundary.sub(r"\1, ", text)
    return _NOT_A_BOUNDARY.sub(r"\1 ", text)
