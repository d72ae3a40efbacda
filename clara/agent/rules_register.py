"""Routing rule for a site's units counted or compared by age: "how many rooftop units are at Chase Center", "which
of the two backflows here is older", "which of them is the oldest", "what's the newest piece of equipment on site".

The site's equipment register answers (the `equipment_spec` tool, through `clara.agent.register_said`), not a
standard: "how many extinguishers" at a place is a count of what is there, not what a code requires. Tried before
the places' rules, since "how many rooftop units are at Chase Center" names a site but asks about its units.
"""

from __future__ import annotations

import re

from clara.agent.places_said import named_place
from clara.agent.reading import Reading, call
from clara.agent.register_said import age_rank, counts
from clara.agent.said import Route, clean
from clara.agent.topics_said import STANDARD
from clara.agent.units_said import unit_said

# The units just listed or talked about, or all of a site's: "which of them", "which one", "the newest piece of
# equipment", "the oldest unit here".
_THEM = re.compile(r"\b(?:of (?:them|those|these|the (?:two|three|four))|which (?:one|unit)s?|(?:both|all) of them)\b",
                   re.IGNORECASE)
_ALL = re.compile(r"\b(?:equipment|units?|gear|systems?|pieces? of \w+)\b", re.IGNORECASE)
# Where units are counted: a site said, or "there are", "do they have", "on site", "in this building".
_THERE = re.compile(r"\b(?:(?:are|is) (?:there|here|at|in|on|out)|(?:do|does|did) [\w' &.-]+ (?:have|got)|"
                    r"(?:have|has|got) (?:they|we|it)|on ?site|in (?:this|the|that) (?:building|place|site))\b",
                    re.IGNORECASE)
_THIS_SITE = re.compile(r"\b(?:in|at|on) (?:this|that|the) (?:building|site|place|location|property)\b", re.IGNORECASE)
_DUE = re.compile(r"\b(?:due|overdue|inspect\w*|deficien\w*|broken|failed|open)\b", re.IGNORECASE)


# The day's jobs ranked, not units: "which of those starts earliest", "which one's the latest job".
_OF_THE_DAY = re.compile(r"\b(?:jobs?|stops?|visits?|appointments?|starts|finishes)\b", re.IGNORECASE)


def register_asked(reading: Reading) -> Route | None:
    """A site's units of a kind counted ("how many RTUs does the plant have"), or the oldest or newest of them
    ("which backflow here is older"); a count of what is due is `places.due_asked`'s."""
    text = reading.text
    if "equipment_spec" not in reading.tools or reading.models or reading.knowledge or STANDARD.search(text) or \
            _DUE.search(text) or _OF_THE_DAY.search(text):
        return None
    rank, counted = age_rank(text), counts(text)
    if not rank and not (counted and (_THERE.search(text) or named_place(text, reading.known))):
        return None
    if reading.unit:  # "in this building" is the site, not a place on it
        words = unit_said(_THIS_SITE.sub(" ", text), reading.unit.group(1), reading.known)
    elif rank and _THEM.search(text) and not _ALL.search(text):
        words = "them"
    elif _ALL.search(text):
        words = "equipment"
    else:
        return None
    site = named_place(text, reading.known)
    return call("equipment_spec", model=words, question=clean(text), site=None if site == "there" else site)
