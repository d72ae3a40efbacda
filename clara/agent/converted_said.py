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

from clara.agent.units_asked import AnswerUnits

# "what's that in kilos", "and that in cm?", "how much is that in litres", "convert it to bar", "that in metric
# please", "what was that in psi": a pronoun for the last answer and the unit wanted, nothing else asked; or the unit
# alone ("in centimetres", "and in bar?"), which can only mean the figure just said.
_ASKED = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|and|so|sorry|right)\W+)*(?:(?:(?:what(?:'s| is|s| was| were)|how much is|"
    r"how (?:many|much) (?:\w+ )?(?:is|was)|(?:can|could) you (?:convert|give me|put)|convert|give me|put)\s+)?"
    r"(?:that|it|this|those)\s+)?"
    r"(?:in|into|to|as)\s+(?:(?:the|a|an)\s+)?(?P<unit>[\w/ ]+?)(?:\s+(?:please|then|again|for me))?\W*$",
    re.IGNORECASE)


@dataclass(frozen=True)
class _Unit:
    """A unit a reply may say a figure in: the pattern of its spoken or written forms, its kind, the system it
    belongs to, its factor (and offset, for a temperature) to the kind's base (kg, m, L, kPa, L/min, °C), and the
    name said in the answer."""

    pattern: str
    kind: str
    metric: bool
    factor: float
    name: str
    offset: float = 0.0


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
    _Unit(r"°\s*F|degrees? (?:F|fahrenheit)|fahrenheit", "temperature", False, 5 / 9, "°F", -160 / 9),
    _Unit(r"°\s*C|degrees? (?:C|celsius|centigrade)|celsius|centigrade", "temperature", True, 1.0, "°C"),
)
# The unit each system gives a kind in when only "metric" or "imperial" is asked.
_DEFAULT = {(kind, metric): next(u for u in _UNITS if u.kind == kind and u.metric == metric and u.name in
                                 ("lb", "kg", "inches", "cm", "gallons", "litres", "psi", "kPa", "gpm", "L/min",
                                                  "°F", "°C"))
            for kind in ("mass", "length", "volume", "pressure", "flow", "temperature") for metric in (True, False)}
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


def _in(target: _Unit, value: float, unit: _Unit) -> float:
    """`value` in `unit` said in `target` (of the same kind), through the kind's base."""
    return (value * unit.factor + unit.offset - target.offset) / target.factor


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
            value = _in(target, float(figure.group("number").replace(",", "")), unit)
            lead = re.split(r"[,;:(]", sentence[:figure.start()])[-1].lower()  # the words of its own clause
            found[0 if named & set(re.findall(r"[a-z]+", lead)) else 1].append(
                f"{figure.group('number')}{_spaced(unit)} is about {_round(value)}{_spaced(target)}")
        if found[0] or (found[1] and not named):
            break
    said = found[0] or found[1][:2]
    return "; ".join(said) + "." if said else None


def _spaced(unit: _Unit) -> str:
    """A unit's name as written after a figure: "40°F", "12.6 lb"."""
    return unit.name if unit.name.startswith("°") else f" {unit.name}"


# A figure said again beside it, in brackets or after a slash: "40°F (4°C)", "325°F / 163°C", "36 inches (3 feet)".
_BESIDE = re.compile(r"\s*[(/]\s*(?:about\s+)?")


def alongside(reply: str, units: AnswerUnits) -> str:
    """`reply` with each figure it says in US units followed by the same figure in the metric unit asked for
    (`units`, "in celsius", "in centimetres", "in bar", or the metric preference): "kept at least 40°F (about
    4.4°C)". A document's answer is read as written, in the units it is written in; a technician holding a metric
    tape or gauge, or who asked for it in Celsius, hears the figure they will read beside it. A figure the document
    already pairs with its metric value is left as it is; one said again in other US units ("36 inches (3 feet)")
    is given in metric once, inside the brackets ("36 inches (3 feet, about 91.4 cm)")."""
    def beside(figure: re.Match[str]) -> str:
        unit = _unit_of(figure.group("unit"))
        again = _BESIDE.match(reply, figure.end())
        if unit.metric or (again and _FIGURE.match(reply, again.end())):
            return figure.group(0)
        target = _target(unit, units)
        value = f"about {_round(_in(target, float(figure.group('number').replace(',', '')), unit))}{_spaced(target)}"
        bracketed = reply[:figure.start()].rstrip().endswith("(") and reply[figure.end():].startswith(")")
        return f"{figure.group(0)}, {value}" if bracketed else f"{figure.group(0)} ({value})"

    return _FIGURE.sub(beside, reply)


def _target(unit: _Unit, units: AnswerUnits) -> _Unit:
    """The metric unit a US figure is given in: a length in the centimetres or metres asked for (else centimetres for
    inches, metres for feet), a pressure in bar when asked, else the kind's metric default."""
    if unit.kind == "length":
        wanted = units.length if units.length in ("cm", "m") else ("m" if unit.name == "feet" else "cm")
        return next(u for u in _UNITS if u.kind == "length" and u.name == wanted)
    if unit.kind == "pressure" and units.pressure == "bar":
        return next(u for u in _UNITS if u.name == "bar")
    return _DEFAULT[(unit.kind, True)]
