"""A figure asked for in the other system of units, once: "how heavy is it in kilos", "the flow in litres a minute".

The technician's preference says how figures are given from turn to turn; a question that names a unit of the other
system ("in kilos", "in metres", "in psi") asks for that one answer in it, and leaves the preference as it was. A
length asked "in centimetres" or "in metres" is given in that unit, not the millimetres a spec sheet's metric
dimensions are otherwise read in, and a pressure asked "in bar" in bar, not kilopascals: the technician holding a
tape or reading a gauge wants the number they will read off it. Both systems named ("the weight in pounds and in
kilos", for a crane form) ask for the figure in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from clara.users.service import Preferences

# How a unit is asked for: "in kilos", "as bar", or counted in it ("how many litres a minute", "how many kilos").
_LEAD = r"\b(?:in|into|to|as|how (?:many|much))\s+"
_METRIC = re.compile(_LEAD + r"(?:metric|kilos?|kilograms?|kgs?|met(?:er|re)s?|centimet(?:er|re)s?|cms?|"
                     r"millimet(?:er|re)s?|mm|lit(?:er|re)s?|l/min|bar|kpa|kilopascals?|celsius|centigrade|"
                     r"kilowatts?|kw|cubic met(?:er|re)s?)\b", re.IGNORECASE)
_IMPERIAL = re.compile(_LEAD + r"(?:imperial|us units|pounds?|lbs?|feet|foot|inches|gallons?|gpm|psi|"
                       r"fahrenheit|btus?|btu/h|cfm|horsepower|hp)\b", re.IGNORECASE)


_LENGTH = re.compile(_LEAD + r"(?:(?P<cm>centimet(?:er|re)s?|cms?)|(?P<m>met(?:er|re)s?|m))\b",
                     re.IGNORECASE)
_BAR = re.compile(_LEAD + r"bars?\b", re.IGNORECASE)
# "in pounds and in kilos", "in kilos and pounds": the other system named after the first, in one breath
_BOTH = re.compile(rf"(?:{_METRIC.pattern}).*\band\b(?:\s+(?:in|into|as))?\s+(?:imperial|pounds?|lbs?|feet|inches|"
                   rf"gallons?|gpm|psi|fahrenheit)\b|(?:{_IMPERIAL.pattern}).*\band\b(?:\s+(?:in|into|as))?\s+"
                   r"(?:metric|kilos?|kilograms?|kgs?|met(?:er|re)s?|centimet(?:er|re)s?|lit(?:er|re)s?|bar|kpa|"
                   r"celsius)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AnswerUnits:
    """How one answer gives its figures: in the technician's preferences, or the system the question names; the
    metric unit a length (`length`: "mm", "cm", "m") and a pressure (`pressure`: "kPa", "bar") were asked in; and
    `both` when both systems were asked for."""

    preferences: Preferences
    length: str = "mm"
    pressure: str = "kPa"
    both: bool = False


def answer_in(question: str | None, preferences: Preferences) -> AnswerUnits:
    """How one answer gives its figures: the system of units the question names, else the technician's; the length
    and pressure units it names ("in metres", "in bar") for that answer's figures; both systems when it names both."""
    said = question or ""
    if _BOTH.search(said):
        return AnswerUnits(replace(preferences, units="imperial"), both=True)
    length = _LENGTH.search(said)
    metric = replace(preferences, units="metric")
    if length:
        return AnswerUnits(metric, length="cm" if length["cm"] else "m",
                           pressure="bar" if _BAR.search(said) else "kPa")
    if _BAR.search(said):
        return AnswerUnits(metric, pressure="bar")
    if _METRIC.search(said):
        return AnswerUnits(metric)
    if _IMPERIAL.search(said):
        return AnswerUnits(replace(preferences, units="imperial"))
    return AnswerUnits(preferences)


# A question that goes on from the last one ("and a pump room with an electric one?", "what if it's a diesel"): it
# asks the same thing of something else, in the units the last one asked for.
_GOES_ON = re.compile(r"^\W*(?:and|also|plus|what about|how about|what if|same for)\b", re.IGNORECASE)


def carried(question: str, earlier: str | None) -> str:
    """The words a question's units are read from: its own, or, when it names no unit and goes on from the last
    question ("What's the coldest the valve room may get, in Celsius?" then "And a pump room?"), the last one's."""
    if earlier and _GOES_ON.match(question) and not (_METRIC.search(question) or _IMPERIAL.search(question)):
        return earlier
    return question
