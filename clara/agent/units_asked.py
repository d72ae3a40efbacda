"""A figure asked for in the other system of units, once: "how heavy is it in kilos", "the flow in litres a minute".

The technician's preference says how figures are given from turn to turn; a question that names a unit of the other
system ("in kilos", "in metres", "in psi") asks for that one answer in it, and leaves the preference as it was.
"""

from __future__ import annotations

import re
from dataclasses import replace

from clara.users.service import Preferences

_METRIC = re.compile(r"\b(?:in|into|to|as)\s+(?:metric|kilos?|kilograms?|kgs?|met(?:er|re)s?|centimet(?:er|re)s?|cms?|"
                     r"millimet(?:er|re)s?|mm|lit(?:er|re)s?|l/min|bar|kpa|kilopascals?|celsius|centigrade|"
                     r"kilowatts?|kw|cubic met(?:er|re)s?)\b", re.IGNORECASE)
_IMPERIAL = re.compile(r"\b(?:in|into|to|as)\s+(?:imperial|us units|pounds?|lbs?|feet|foot|inches|gallons?|gpm|psi|"
                       r"fahrenheit|btus?|btu/h|cfm|horsepower|hp)\b", re.IGNORECASE)


def answer_in(question: str | None, preferences: Preferences) -> Preferences:
    """The preferences one answer is given in: the system of units the question names, else the technician's."""
    if question and _METRIC.search(question):
        return replace(preferences, units="metric")
    if question and _IMPERIAL.search(question):
        return replace(preferences, units="imperial")
    return preferences
