"""Words a speech engine reads naturally: "three jobs", "about twenty minutes", "seven thirty a.m.", "Main Street".

The daily brief is spoken in a truck or on a roof; "720 s" or "123 Main St" read aloud sound like a machine.
"""

from __future__ import annotations

import re
from datetime import time

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_STREET_WORDS = {"St": "Street", "Ave": "Avenue", "Blvd": "Boulevard", "Pkwy": "Parkway", "Rd": "Road",
                 "Dr": "Drive", "Ln": "Lane", "Ct": "Court", "Hwy": "Highway", "Pl": "Place"}
_STREET_ABBREVIATION = re.compile(r"(?<=[A-Za-z0-9] )(" + "|".join(_STREET_WORDS) + r")\b\.?")
_COMPACT_TIME = re.compile(r"\b(1[0-2]|0?[1-9])(?::([0-5][0-9]))? ?(am|pm)\b", re.IGNORECASE)


def number(n: int) -> str:
    """Whole numbers below a hundred in words; larger ones as digits, which engines already read well."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{number(n)} {noun if n == 1 else plural or noun + 's'}"


def duration(seconds: int) -> str:
    """A drive time as a person would say it: rounded to the minute, never "zero minutes"."""
    minutes = max(1, round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return count(minutes, "minute")
    spoken = "an hour" if hours == 1 else count(hours, "hour")
    return f"{spoken} and {count(minutes, 'minute')}" if minutes else spoken


def clock(t: time) -> str:
    """12-hour clock in words: 7:30 -> "seven thirty a.m.", 13:05 -> "one oh five p.m.", 12:00 -> "noon"."""
    if (t.hour, t.minute) == (12, 0):
        return "noon"
    hour = t.hour % 12 or 12
    minutes = "" if t.minute == 0 else f" oh {number(t.minute)}" if t.minute < 10 else f" {number(t.minute)}"
    return f"{number(hour)}{minutes} {'a.m.' if t.hour < 12 else 'p.m.'}"


def readable(text: str) -> str:
    """Spell out what engines misread: street types after a name ("123 Main St" -> "123 Main Street") and clock
    times written together ("8am" -> "eight a.m.")."""
    text = _STREET_ABBREVIATION.sub(lambda m: _STREET_WORDS[m.group(1)], text)
    return _COMPACT_TIME.sub(_say_compact_time, text)


def _say_compact_time(match: re.Match[str]) -> str:
    hour, minute, half = int(match.group(1)) % 12, int(match.group(2) or 0), match.group(3).lower()
    return clock(time(hour + (12 if half == "pm" else 0), minute))


_HOUR_WORDS = {word: n for n, word in enumerate(_ONES) if 1 <= n <= 12}
_MINUTE_WORDS = {"fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45, "oh five": 5, "o'clock": 0}
_HEARD_CLOCK = re.compile(
    r"^(?:at\s+)?(?P<hour>1[0-2]|0?[1-9]|" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + r")"
    r"(?:(?::|\s+)(?P<minute>[0-5][0-9]|" + "|".join(sorted(_MINUTE_WORDS, key=len, reverse=True)) + r"))?"
    r"(?:\s*(?P<half>a\.?m\.?|p\.?m\.?|in the (?:morning|afternoon)))?(?:\s+(?:one|job|appointment|visit|stop))?$",
    re.IGNORECASE)


def clock_heard(words: str) -> tuple[int, int | None] | None:
    """A time of day as a technician names a job by it: "the ten o'clock one", "my 1:30", "one thirty", "10 am".
    The hour is 0-23 when a half of the day is said, else 1-12 (either half); the minute None when not said."""
    said = re.sub(r"^(?:the|my)\s+", "", words.strip().lower())
    match = _HEARD_CLOCK.match(said)
    if match is None or (match.group("minute") is None and match.group("half") is None and "o'clock" not in said
                         and not said.endswith((" one", " job", " appointment", " visit", " stop"))):
        return None  # a bare "ten" is a count, not a time
    hour_said = match.group("hour")
    hour = int(hour_said) if hour_said.isdigit() else _HOUR_WORDS[hour_said]
    minute_said = match.group("minute")
    minute = None if minute_said is None else int(minute_said) if minute_said.isdigit() else _MINUTE_WORDS[minute_said]
    half = (match.group("half") or "").replace(".", "")
    if half.startswith(("pm", "in the afternoon")) and hour < 12:
        hour += 12
    elif half.startswith(("am", "in the morning")) and hour == 12:
        hour = 0
    return hour, minute


# A part of the day a job is named by: "after lunch", "this afternoon", "the morning one", "the place this afternoon".
_DAY_PART = re.compile(r"^(?:(?:the|my)\s+)?(?:(?:one|job|stop|place|site|visit|appointment|call)\s+)?"
                       r"(?P<part>after lunch|before lunch|(?:this|in the) (?:morning|afternoon|arvo|evening)|tonight|"
                       r"(?:morning|afternoon|arvo|evening)(?:\s+(?:one|job|stop|visit|appointment|call))?)$")
# "arvo" is Australian for the afternoon
_PART_HOURS = {"morning": (0, 12), "before lunch": (0, 12), "afternoon": (12, 17), "arvo": (12, 17),
               "after lunch": (12, 24),
               "evening": (17, 24), "tonight": (17, 24)}


def day_part_heard(words: str) -> tuple[int, int] | None:
    """The hours [start, end) of a part of the day a job is named by ("after lunch" is 12-24, "this morning" 0-12);
    None when the words name none."""
    match = _DAY_PART.match(" ".join(words.strip().lower().split()))
    if match is None:
        return None
    part = match.group("part")
    return next(hours for name, hours in _PART_HOURS.items() if name in part)
