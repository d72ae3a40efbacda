"""Routing rules for the day counted and compared: "how many have I got left", "which of my jobs runs longest",
"which of today's sites is closest to me", "is anything high priority". Each returns the call it reads, or None; `clara.agent.routing` tries it
before the day's other rules, since "how many jobs" alone is the whole day but "how many left" is not.
"""

from __future__ import annotations

import re

from clara.agent.reading import Reading, call
from clara.agent.said import Route

_JOBS = r"(?:jobs?|stops?|calls?|visits?|appointments?|sites?|ones?|them|places|work orders?)"
_LEFT = re.compile(rf"\bhow many\b(?:\s+(?:more\s+)?{_JOBS})?(?:\s+\w+){{0,5}}?\s+"
                   r"(?:left|remaining|to go|still (?:to do|open|scheduled)|(?:do|have) i (?:still )?(?:got|have) left)\b|"
                   r"\bhow many (?:more )?" + _JOBS + r" (?:are )?(?:left|remaining|to go)\b", re.IGNORECASE)
_RANKS = r"longest|shortest|closest|nearest|farthest|furthest"
_RANKED = re.compile(rf"\b(?:which|what)(?:'s| is| one)?\b(?:\s+[\w']+){{0,6}}?\s*\b(?P<rank>{_RANKS})\b|"
                     rf"\bmy (?P<rank2>{_RANKS}) {_JOBS}\b", re.IGNORECASE)
# Whether any of the day is flagged: "is anything high priority", "any urgent ones today", "which job is the
# emergency". "What priority is the WeWork job" asks about one job, and is the job's card.
_FLAG = r"(?:high[- ]priority|urgent|(?:an? |the )?emergenc(?:y|ies)|(?:a )?rush|(?:a |the )?priority)"
_URGENT = re.compile(rf"\b(?:is|are)\s+(?:there\s+)?(?:anything|any(?:\s+(?:of\s+)?(?:them|those|{_JOBS}|my {_JOBS}))?|"
                     rf"something)\b(?:[\s,]+[\w']+){{0,3}}?[\s,]+{_FLAG}\b|"
                     rf"\bany\s+(?:high[- ]priority|urgent|emergency|rush|hot)\s+{_JOBS}\b|"
                     rf"\b(?:which|what)(?:\s+(?:one|job|stop|call)s?)?\s+(?:is|are)\s+{_FLAG}\b", re.IGNORECASE)
_OF_THE_DAY = re.compile(rf"\b(?:my|today'?s|of them|of those|{_JOBS})\b", re.IGNORECASE)
_RANK = {"nearest": "closest", "furthest": "farthest"}


def tally_asked(reading: Reading) -> Route | None:
    """How many of the day's jobs are left; which are flagged urgent; which is longest or shortest booked, or
    closest or farthest."""
    text = reading.text
    if reading.unit or reading.models or reading.knowledge:
        return None
    if _LEFT.search(text):
        return call("my_jobs_today", which="left")
    if _URGENT.search(text):
        return call("my_jobs_today", which="urgent")
    ranked = _RANKED.search(text)
    if ranked and _OF_THE_DAY.search(text):
        rank = (ranked.group("rank") or ranked.group("rank2")).lower()
        return call("my_jobs_today", which=_RANK.get(rank, rank))
    return None
