"""A write-up said again for another unit: "same thing for the kitchen one", "ditto on the B500", "the corridor one
too", "the other one has the same problem".

What a repeat reuses comes from the conversation's last deficiency read-back (`LastWrite`): its description and
severity, since nothing new is said of the unit, and its kind of unit when the new one is named only by where it is
("the kitchen one" is the extinguisher in the kitchen when an extinguisher was written up). A repeat is a draft of
its own, read back before anything is stored, like any write-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from clara.agent.deficiency_said import LOCATION, PLACE_NOUN, SEVERITY_SAID, SEVERITY_TAIL, asks_about_a_problem, \
    says_what_is_wrong, stated_severity, unit_words
from clara.agent.said import clean


@dataclass(frozen=True)
class LastWrite:
    """The last deficiency read back in a conversation (saved, waiting or declined): what a repeat reuses."""

    description: str
    severity: str
    unit_type: str | None  # "fire extinguisher": the kind of unit it was about, if any

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> "LastWrite | None":
        """From a deficiency draft's `fields` (what the app's `draft` frame carries); None when it lacks any."""
        description, severity = fields.get("description"), fields.get("severity")
        if not isinstance(description, str) or not isinstance(severity, str):
            return None
        unit = fields.get("equipment")
        kind = unit.get("type") if isinstance(unit, Mapping) else None
        return cls(description, severity, kind if isinstance(kind, str) else None)


_OPENER = r"^\W*(?:(?:and|also|oh|plus|ok(?:ay)?|so|yeah|yes|yep)\W+)*"
# The same problem said of another unit, the unit after it: "same thing for the kitchen one", "ditto on the B500",
# "same goes for the corridor extinguisher", "same issue with the other one".
_SAME_FOR = re.compile(_OPENER + r"(?:(?:the\s+)?same(?:\s+(?:thing|issue|problem|deal|story|here|again))?"
                       r"(?:\s+goes)?|ditto|likewise)\s+(?:for|on|with|at|in|over)\s+(?P<unit>.+?)\W*$", re.IGNORECASE)
# ... or the unit first: "the kitchen one has the same problem", "the B500's got the same thing too".
_HAS_SAME = re.compile(_OPENER + r"(?P<unit>.+?)(?:'s|\s+has|\s+have|\s+is|\s+got|\s+'?s got)\s+(?:got\s+)?"
                       r"(?:the\s+)?same(?:\s+(?:thing|issue|problem|deal))?(?:\s+too|\s+as well)?\W*$",
                       re.IGNORECASE)
# ... or the unit alone, said as one more: "the corridor one too", "and the one in the riser room as well".
_TOO = re.compile(_OPENER + r"(?P<unit>(?:the|that|this)\s+.+?)\s*,?\s+(?:too|as well|also)\W*$", re.IGNORECASE)


def repeated_unit(text: str) -> str | None:
    """The unit a message says the last write-up's problem again for ("same thing for the kitchen one" -> "the
    kitchen one"), or None when it says no repeat. What is wrong must not be said anew: "the corridor one is
    missing its pin too" is a write-up of its own."""
    for pattern in (_SAME_FOR, _HAS_SAME, _TOO):
        said = pattern.match(text)
        if said and _names_a_unit(said.group("unit")) and not says_what_is_wrong(said.group("unit")) and \
                not asks_about_a_problem(text):
            return clean(said.group("unit"))
    return None


def _names_a_unit(words: str) -> bool:
    """ "the kitchen one", "the other one", "the B500", "the extinguisher in the corridor", "the roof": a unit by
    its model, kind, place, or as one of a kind; not "that" or "it"."""
    return bool(unit_words(words) or re.search(r"\bone\b", words, re.IGNORECASE) or PLACE_NOUN.search(words))


def repeat_arguments(unit: str, last: LastWrite) -> dict[str, Any]:
    """`log_deficiency`'s arguments for the last write-up said again of `unit`: its description and severity
    (unless a severity is said with the unit: "same for the kitchen one, minor"), the unit as said, of the last
    one's kind when only its place is said."""
    unit = re.sub(r"\s*,?\s+but\s+", ", ", unit, flags=re.IGNORECASE)  # "the kitchen one but make it minor"
    severity, unit = stated_severity(unit) if SEVERITY_TAIL.search(unit) or SEVERITY_SAID.search(unit) else \
        (None, unit)
    arguments: dict[str, Any] = {"description": last.description, "severity": severity or last.severity}
    words = clean(re.sub(r"^(?:the|that|this)\s+", "", unit, flags=re.IGNORECASE))
    if unit_words(words) or re.match(r"(?:other|another|different)\b", words, re.IGNORECASE):
        return {**arguments, "equipment": unit}  # "the B500", "the extinguisher in the corridor", "the other one"
    where = LOCATION.search(words)
    place = where.group("where") if where else re.sub(r"\s*\bone\b\s*", " ", words, flags=re.IGNORECASE)
    place = clean(re.sub(r"\s+(?:here|there)$", "", clean(place), flags=re.IGNORECASE))
    return {**arguments, **({"equipment": last.unit_type} if last.unit_type else {}),
            **({"location": place} if place else {})}


def of_the_last_kind(arguments: dict[str, Any], last: LastWrite | None) -> dict[str, Any]:
    """A write-up's arguments with a unit said only as "one" ("the corridor one is missing its pin too") taken as
    one of the kind last written up; without a last write-up, the unit at the place said."""
    if arguments.get("equipment") == "one" and last is not None and last.unit_type:
        return {**arguments, "equipment": last.unit_type}
    return arguments
