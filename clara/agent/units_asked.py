"""A figure asked for in the other system of units, once: "how heavy is it in kilos", "the flow in litres a minute".

The technician's preference says how figures are given from turn to turn; a question that names a unit of the other
system ("in kilos", "in metres", "in psi") asks for that one answer in it, and leaves the preference as it was. A
length asked "in centimetres" or "in metres" is given in that unit, not the millimetres a spec sheet's metric
dimensions are otherwise read in: the technician holding a tape wants the number they will read off it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from clara.users.service import Preferences

_METRIC = re.compile(r"\b(?:in|into|to|as)\s+(?:metric|kilos?|kilograms?|kgs?|met(?:er|re)s?|centimet(?:er|re)s?|cms?|"
                     r"millimet(?:er|re)s?|mm|lit(?:er|re)s?|l/min|bar|kpa|kilopascals?|celsius|centigrade|"
                     r"kilowatts?|kw|cubic met(?:er|re)s?)\b", re.IGNORECASE)
_IMPERIAL = re.compile(r"\b(?:in|into|to|as)\s+(?:imperial|us units|pounds?|lbs?|feet|foot|inches|gallons?|gpm|psi|"
                       r"fahrenheit|btus?|btu/h|cfm|horsepower|hp)\b", re.IGNORECASE)


_LENGTH = re.compile(r"\b(?:in|into|to|as)\s+(?:(?P<cm>centimet(?:er|re)s?|cms?)|(?P<m>met(?:er|re)s?|m))\b",
                     re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AnswerUnits(Preferences):
    """The technician's preferences for one answer, with the metric unit a length was asked in ("mm", "cm", "m")."""

    length: str = "mm"


def answer_in(question: str | None, preferences: Preferences) -> Preferences:
    """The preferences one answer is given in: the system of units the question names, else the technician's; a
    length unit named ("in metres") is kept for the lengths of that answer."""
    length = _LENGTH.search(question or "")
    if length:
        return AnswerUnits(**{**preferences.as_json(), "units": "metric"}, length="cm" if length["cm"] else "m")
    if question and _METRIC.search(question):
        return replace(preferences, units="metric")
    if question and _IMPERIAL.search(question):
        return replace(preferences, units="imperial")
    return preferences
