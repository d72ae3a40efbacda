"""Spoken form of Clara's replies, for the voice path only: what a speech engine should say, not what a screen shows.

"50TCQA06" read as a word is gibberish, "psi" as one syllable is wrong, "10-15" is not "ten minus fifteen". One
scanner finds those spans and renders each either as plain words (any TTS, or a realtime model's tool output) or
as SSML (`say-as`, `sub`) for an engine that accepts it. Text chat never goes through here.
"""

from __future__ import annotations

import re
from html import escape
from typing import AsyncIterable, AsyncIterator, Callable

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FRACTIONS = {
    (1, 2): "one half", (1, 3): "one third", (2, 3): "two thirds", (1, 4): "one quarter", (3, 4): "three quarters",
    (1, 8): "one eighth", (3, 8): "three eighths", (5, 8): "five eighths", (7, 8): "seven eighths",
    (1, 16): "one sixteenth",
}
_HALVES = {(1, 2): "a half", (1, 4): "a quarter", (3, 4): "three quarters"}

# Abbreviations read as words wherever they stand (upper case, as written in specs and codes).
_WORDS = {
    "MCA": "minimum circuit ampacity", "MOCP": "maximum overcurrent protection", "RLA": "rated load amps",
    "LRA": "locked rotor amps", "FLA": "full load amps", "GPM": "gallons per minute", "CFM": "cubic feet per minute",
    "PSI": "P S I", "PSIG": "P S I G", "NFPA": "N F P A", "BTU": "B T U", "BTUH": "B T U per hour",
    "SEER": "seer", "SEER2": "seer two", "EER": "E E R", "RTU": "R T U", "FDC": "F D C", "OS&Y": "O S and Y",
}
_WORDS_CI = {"psi": "P S I", "psig": "P S I G", "psid": "P S I D", "gpm": "gallons per minute",
             "cfm": "cubic feet per minute"}

# Units read only after a number ("25 A" is amps; "A" alone is a letter): every unit the spec files and Clara's
# answers use, metric ones included (tests/agent/test_speech.py checks the spec files against this table).
UNITS = {
    "A": ("amp", "amps"), "V": ("volt", "volts"), "VAC": ("volt AC", "volts AC"), "VDC": ("volt DC", "volts DC"),
    "AH": ("amp hour", "amp hours"), "Hz": ("hertz", "hertz"), "hp": ("horsepower", "horsepower"),
    "kW": ("kilowatt", "kilowatts"), "W": ("watt", "watts"), "ft": ("foot", "feet"), "in": ("inch", "inches"),
    "sq ft": ("square foot", "square feet"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "kg": ("kilogram", "kilograms"), "gal": ("gallon", "gallons"), "L": ("liter", "liters"),
    "min": ("minute", "minutes"), "h": ("hour", "hours"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "mi": ("mile", "miles"), "km": ("kilometer", "kilometers"), "mm": ("millimeter", "millimeters"),
    "rpm": ("R P M", "R P M"), "BTU/h": ("B T U per hour", "B T U per hour"), "gal/h": ("gallon per hour",
    "gallons per hour"), "L/h": ("liter per hour", "liters per hour"), "L/min": ("liter per minute",
    "liters per minute"), "m³/h": ("cubic meter per hour", "cubic meters per hour"), "%": ("percent", "percent"),
    "tons": ("ton", "tons"), "ton": ("ton", "tons"), "psi": ("P S I", "P S I"), "psig": ("P S I G", "P S I G"),
    "psid": ("P S I D", "P S I D"), "kPa": ("kilopascal", "kilopascals"), "gpm": ("gallon per minute",
    "gallons per minute"), "GPM": ("gallon per minute", "gallons per minute"), "cfm": ("cubic foot per minute",
    "cubic feet per minute"), "CFM": ("cubic foot per minute", "cubic feet per minute"),
}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_SHORT_MONTHS = {m[:3]: m for m in _MONTHS} | {"Sept": "September"}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

_SCANNER = re.compile(
    "|".join((
        # Dates and times before anything that would read their digits as a range or a quantity.
        r"(?P<date>\b(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])\b)",
        r"(?P<short_date>\b(?P<short_month>" + "|".join(_SHORT_MONTHS) + r")\.?\s(?P<short_day>[1-9]|[12]\d|3[01])\b)",
        r"(?P<time>\b(?P<hour>1[0-2]|0?[1-9])(?::(?P<minute>[0-5]\d))?\s?(?P<half>[AaPp])\.?[Mm]\b\.?)",
        # Mixed numbers first ("1-1/2", "2 1/2"), then plain fractions, so neither is read as a range.
        r"(?P<mixed>\b\d+[ -]\d{1,2}/\d{1,2}\b)(?:\s?(?P<mixed_unit>" + _UNIT_PATTERN + r")(?![A-Za-z]))?",
        r"(?P<fraction>\b\d{1,2}/\d{1,2}\b)(?:\s?(?P<fraction_unit>" + _UNIT_PATTERN + r")(?![A-Za-z]))?",
        # A run of upper-case letters and digits holding both (hyphens inside): a model number. Quantities such as
        # "25A", "460V" or "18AH" are left to the unit rule below.
        r"(?P<model>\b(?!" + _NUMBER + r"(?:A|V|W|kW|Hz|AH|VAC|VDC|L)\b)(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])"
        r"[A-Z0-9]+(?:-[A-Z0-9]+)*\b)",
        r"(?P<range>\b" + _NUMBER + r"\s?[-–]\s?" + _NUMBER + r"\b)",
        r"(?P<degrees>" + _NUMBER + r"\s?(?:°\s?(?P<scale>[FC])|(?P<bare_f>F))\b)",
        # "36 in. clearance": the abbreviation's dot is no sentence end.
        r"(?P<quantity>\b" + _NUMBER + r")\s?(?P<unit>" + _UNIT_PATTERN + r")(?![A-Za-z])(?:\.(?=\s[a-z]))?",
        r"(?P<word>\b(?:" + "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True)) + r")(?![\w&]))",
        r"(?P<word_ci>\b(?:" + "|".join(_WORDS_CI) + r")\b)",
        r"(?P<plusminus>±)",
    ))
)


_KINDS = ("date", "short_date", "time", "mixed", "fraction", "model", "range", "degrees", "quantity", "word",
          "word_ci", "plusminus")
# "an MCA" is right when read as letters, wrong once expanded to "minimum circuit ampacity".
_ARTICLE = re.compile(r"\b([Aa])n (?=(?:minimum|maximum|rated|locked|full|gallons|cubic)\b)")


def _characters(token: str) -> str:
    """ "50TCQA06" -> "five zero T C Q A zero six"; hyphens become "dash"."""
    spoken = []
    for ch in token:
        if ch.isdigit():
            spoken.append(_DIGITS[int(ch)])
        elif ch == "-":
            spoken.append("dash")
        else:
            spoken.append(ch.upper())
    return " ".join(spoken)


def _fraction(numerator: int, denominator: int) -> str:
    return _FRACTIONS.get((numerator, denominator), f"{numerator} over {denominator}")


def _mixed(text: str) -> str:
    whole, fraction = re.split(r"[ -]", text, maxsplit=1)
    numerator, denominator = (int(p) for p in fraction.split("/"))
    part = _HALVES.get((numerator, denominator), _fraction(numerator, denominator))
    return f"{whole} and {part}"


def _unit(number: str, unit: str) -> str:
    singular, plural = UNITS[unit]
    return f"{number} {singular if number == '1' else plural}"


def _render(match: re.Match[str], *, ssml: bool) -> str:
    kind = next(name for name in _KINDS if match.group(name))
    text = match.group(0)
    spoken: str
    if kind == "date":
        month = _MONTHS[int(match.group("month")) - 1]
        spoken = f"{month} {int(match.group('day'))}, {match.group('year')}"
        return f'<sub alias="{escape(spoken)}">{escape(text)}</sub>' if ssml else spoken
    if kind == "short_date":
        spoken = f"{_SHORT_MONTHS[match.group('short_month')]} {match.group('short_day')}"
        return f'<sub alias="{escape(spoken)}">{escape(text)}</sub>' if ssml else spoken
    if kind == "time":
        minute = match.group("minute")
        clock = match.group("hour").lstrip("0") + (f":{minute}" if minute and minute != "00" else "")
        spoken = f"{clock} {'a.m.' if match.group('half').lower() == 'a' else 'p.m.'}"
        return f'<sub alias="{escape(spoken)}">{escape(text)}</sub>' if ssml else spoken
    if kind == "model":
        if ssml:
            return f'<say-as interpret-as="characters">{escape(text)}</say-as>'
        return _characters(text)
    if kind == "mixed":
        spoken = _mixed(match.group("mixed"))
        if match.group("mixed_unit"):
            spoken += " " + UNITS[match.group("mixed_unit")][1]
    elif kind == "fraction":
        numerator, denominator = (int(p) for p in match.group("fraction").split("/"))
        spoken = _fraction(numerator, denominator)
        if match.group("fraction_unit"):
            spoken += " of a" + ("n " if UNITS[match.group("fraction_unit")][0][0] in "aeiou" else " ")
            spoken += UNITS[match.group("fraction_unit")][0]
    elif kind == "range":
        low, high = re.split(r"\s?[-–]\s?", text)
        spoken = f"{low} to {high}"
    elif kind == "degrees":
        number = re.match(_NUMBER, text)
        assert number is not None
        fahrenheit = match.group("scale") == "F" or match.group("bare_f")
        spoken = f"{number.group(0)} degrees {'Fahrenheit' if fahrenheit else 'Celsius'}"
    elif kind == "quantity":
        spoken = _unit(match.group("quantity"), match.group("unit"))
    elif kind == "word":
        spoken = _WORDS[text]
    elif kind == "word_ci":
        spoken = _WORDS_CI[text.lower()]
    else:
        spoken = "plus or minus"
    return f'<sub alias="{escape(spoken)}">{escape(text)}</sub>' if ssml else spoken


def _scan(text: str, render: Callable[[re.Match[str]], str], plain: Callable[[str], str]) -> str:
    out, position = [], 0
    for match in _SCANNER.finditer(text):
        out.append(plain(text[position:match.start()]))
        out.append(render(match))
        position = match.end()
    out.append(plain(text[position:]))
    return "".join(out)


def spoken(text: str) -> str:
    """Plain words a speech engine reads correctly."""
    return _ARTICLE.sub(r"\1 ", _scan(text, lambda m: _render(m, ssml=False), lambda s: s))


def to_ssml(text: str) -> str:
    """The same reading as SSML markup, without the `<speak>` root (engines that accept SSML add their own)."""
    return _scan(text, lambda m: _render(m, ssml=True), escape)


def accepts_ssml(tts: object) -> bool:
    """Whether the configured TTS takes SSML: Google Cloud TTS does when built with `enable_ssml=True`."""
    options = getattr(tts, "_opts", None)
    return bool(getattr(options, "enable_ssml", False))


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


async def spoken_stream(text: AsyncIterable[str], *, ssml: bool = False) -> AsyncIterator[str]:
    """An LLM's streamed text in spoken form, sentence by sentence: a model number split across two chunks would
    otherwise be read as two words."""
    render = to_ssml if ssml else spoken
    pending = ""
    async for chunk in text:
        pending += chunk
        ends = [m.end() for m in _SENTENCE_END.finditer(pending)]
        if ends:
            cut = ends[-1]
            yield render(pending[:cut])
            pending = pending[cut:]
    if pending:
        yield render(pending)
