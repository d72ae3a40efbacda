"""The last answer's figure in other units: "what's that in kilos", "and that in centimetres?", "convert it to bar".

A technician told "the charge is 12.6 lb" or "at least 4 inches off the floor" and holding a metric scale or tape
asks for the same figure in the unit they read. The figure was just said, so it is converted from the last reply, no
tool and no lookup, whichever tool gave it (a spec sheet, a standard, a manual): the first sentence of the reply
holding a figure of that kind (a weight for "kilos", a length for "centimetres"), each such figure in it converted.
When the reply holds none ("what's that in kilos" after a phone number), the message is not a conversion and the
rules read it as the question it then is. Asked with no pronoun ("the weight in kilos") it names its own figure: a
spec question, answered in those units by `units_asked`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "what's that in kilos", "and that in cm?", "how much is that in litres", "convert it to bar", "that in metric
# please": a pronoun for the last answer and the unit wanted, nothing else asked.
_ASKED = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|and|so|sorry|right)\W+)*(?:(?:what(?:'s| is|s)|how much is|how (?:many|much) (?:\w+ )?is|"
    r"(?:can|could) you (?:convert|give me|put)|convert|give me|put)\s+)?(?:that|it|this|those)\s+"
    r"(?:in|into|to|as)\s+(?:(?:the|a|an)\s+)?(?P<unit>[\w/ ]+?)(?:\s+(?:please|then|again|for me))?\W*$",
    re.IGNORECASE)


@dataclass(frozen=True)
class _Unit:
    """A unit a reply may say a figure in: the pattern of its spoken or written forms, its kind, the system it
    belongs to, its factor to the kind's base (kg, m, L, kPa, L/min), and the name said in the answer."""

    pattern: str
    kind: str
    metric: bool
    factor: float
    name: str


_UNITS: tuple[_Unit, ...] = (
    _Unit(r"lbs?|pounds?", "mass", False, 0.45359237, "lb"),
    _Unit(r"kg|kgs|kilos?|kilograms?", "mass", True, 1.0, "kg"),
    _Unit(r"in\.|inch(?:es)?|\"", "length", False, 0.0254, "inches"),  # "4 in the" is no length
    _Unit(r"ft|feet|foot|'", "length", False, 0.3048, "feet"),
    _Unit(r"mm|millimet(?:er|re)s?", "length", True, 0.001, "mm"),
    _Unit(r"cm|centimet(?:er|re)s?", "length", True, 0.01, "cm"),
    _Unit(r"m|met(?:er|re)s?", "length", True, 1.0, "m"),
    _Unit(r"gal(?:lons?)?", "volume", False, 3.785411784, "gallons"),
    _Unit(r"l|lit(?:er|re)s?", "volume", True, 1.0, "litres"),
    _Unit(r"psi|psig", "pressure", False, 6.894757, "psi"),
    _Unit(r"kpa|kilopascals?", "pressure", True, 1.0, "kPa"),
    _Unit(r"bar", "pressure", True, 100.0, "bar"),
    _Unit(r"gpm", "flow", False, 3.785411784, "gpm"),
    _Unit(r"l/min|litres? (?:a|per) minute", "flow", True, 1.0, "L/min"),
)
# The unit each system gives a kind in when only "metric" or "imperial" is asked.
_DEFAULT = {(kind, metric): next(u for u in _UNITS if u.kind == kind and u.metric == metric and u.name in
                                 ("lb", "kg", "inches", "cm", "gallons", "litres", "psi", "kPa", "gpm", "L/min"))
            for kind in ("mass", "length", "volume", "pressure", "flow") for metric in (True, False)}
_FIGURE = re.compile(r"(?<![\w.])(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>"
                     + "|".join(f"(?:{u.pattern})" for u in _UNITS) + r")(?![\w/])", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def _unit_named(words: str) -> _Unit | str | None:
    """The unit the technician asked for, or "metric"/"imperial" for a whole system; None for anything else."""
    words = " ".join(words.lower().split())
    if words in ("metric", "imperial", "us units"):
        return "metric" if words == "metric" else "imperial"
    return next((u for u in _UNITS if re.fullmatch(u.pattern, words) and words not in ("in", "'", '"')), None)


def _unit_of(said: str) -> _Unit:
    return next(u for u in _UNITS if re.fullmatch(u.pattern, said, re.IGNORECASE))


def _round(value: float) -> str:
    """A converted figure as people say it: one decimal below 100, whole above."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}".rstrip("0").rstrip(".")


# Words of a question that say nothing of what it asks about.
_PLAIN_WORDS = frozenset("what whats that this them they their there here have with from does much many about into "
                         "need meant actually scrap when where which would could should will your then tell give "
                         "know".split())


def _named_by(question: str | None) -> set[str]:
    """The words of the question the last reply answered that can name a figure ("charge", "gap", "floor")."""
    return {w for w in re.findall(r"[a-z]+", (question or "").lower()) if len(w) > 3 and w not in _PLAIN_WORDS}


def converted(text: str, reply: str | None, question: str | None = None) -> str | None:
    """The last reply's figure in the unit `text` asks for, or None when `text` asks no conversion of "that" or the
    reply holds no figure of that kind. `question` is what the last reply answered: a figure its words lead up to
    ("the clearance ... to the floor must be at least 4 inches" after "how much gap to the floor") is "that", before
    any other figure of the kind the reply also gives (a pull station's 42 to 48 inches)."""
    asked = _ASKED.match(text)
    if not reply or asked is None:
        return None
    wanted = _unit_named(asked.group("unit"))
    if wanted is None:
        return None
    named = _named_by(question)
    found: list[list[str]] = [[], []]  # the figures the question's words lead up to, and the rest
    for sentence in _SENTENCE.split(reply):
        for figure in _FIGURE.finditer(sentence):
            unit = _unit_of(figure.group("unit"))
            target = _DEFAULT[(unit.kind, wanted == "metric")] if isinstance(wanted, str) else wanted
            if target.kind != unit.kind or target is unit:
                continue
            value = float(figure.group("number").replace(",", "")) * unit.factor / target.factor
            lead = re.split(r"[,;:(]", sentence[:figure.start()])[-1].lower()  # the words of its own clause
            found[0 if named & set(re.findall(r"[a-z]+", lead)) else 1].append(
                f"{figure.group('number')} {unit.name} is about {_round(value)} {target.name}")
        if found[0] or (found[1] and not named):
            break
    said = found[0] or found[1][:2]
    return "; ".join(said) + "." if said else None
