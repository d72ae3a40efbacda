"""What a knowledge question asks, read once before either index is asked: its words, identifiers and answer type.

Speech recognition writes numbers as words and manuals as digits; a question's frame ("how often") names no topic;
and a question whose answer is an amount (a duration, a count, a setting, a limit) prefers, of two sentences on the
asked subject, the one giving a number. These are properties of the question alone, so they live apart from the
indexes and the ranking that use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


@dataclass(frozen=True)
class Query:
    text: str
    lexemes: list[str]
    identifiers: set[str]
    standards: set[str]
    vector: np.ndarray | None  # None when the embedder is unavailable
    words: frozenset[str] = frozenset()  # the question's tokens as written, lowercased: a table row's key is one
    wants_amount: bool = False  # "how long", "what pressure", "max ...": the answer is a number


_QUESTION_FRAME = re.compile(r"\bhow\s+(?:often|many|much|long)\b", re.IGNORECASE)
# A question whose answer is an amount: a duration, a count, a setting, a limit. Classic question answering's answer
# type: of two sentences on the asked subject, the one giving a number answers "how long do we keep the records".
_AMOUNT_QUESTION = re.compile(
    r"\b(?:how\s+(?:long|often|many|much|far|high|low|big|small|large|tall|deep|wide|close|quick|fast|soon|hot|cold"
    r"|heavy|old|frequently)|at\s+what|(?:what|which)(?:\s+\w+)?\s+(?:size|pressure|temperature|temp|voltage|volts"
    r"|current|amps?|amperage|setting|set\s*point|setpoint|level|rating|distance|interval|frequency|range|torque"
    r"|charge|capacity|flow|weight|spacing|clearance|time|delay|length|speed|rpm|cfm|psi|percent(?:age)?"
    r"|concentration|number|value|limit|height|gauge)|max(?:imum)?|min(?:imum)?)\b", re.IGNORECASE)
# A number that is not a list or clause label ("(5) Records.", "(f)(2)", "3.2 Wiring") nor part of a code ("T14").
_LABEL = re.compile(r"^\s*(?:\(?[0-9A-Za-z]{1,4}\)|\d+(?:\.\d+)*\.?)\s+")
_AMOUNT = re.compile(r"(?<![\w(.])\d+(?:[.,]\d+)*(?![\d)])|\b(?:" + "|".join(_NUMBER_WORDS)
                     + r"|once|twice|half|dozen)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def wants_amount(text: str) -> bool:
    return bool(_AMOUNT_QUESTION.search(text))


def gives_amount(span_text: str) -> bool:
    return bool(_AMOUNT.search(_LABEL.sub("", span_text, count=1)))


def lexical_text(text: str) -> str:
    """The words the lexical side should match: spoken numbers also as digits, and without the question's frame
    ("how often" asks for a frequency, it names no topic: "often about 1 %" must not outrank the interval)."""
    return spoken_numbers(_QUESTION_FRAME.sub(" ", text))


def spoken_numbers(text: str) -> str:
    """ "flashing five times" -> "flashing five 5 times": speech recognition writes numbers as words, manuals as digits."""
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b",
                  lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(1).lower()]}", text, flags=re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lowercased tokens, a number whole whether or not it is written with thousands separators: a table's row key
    "2,000 lb" is what a technician says as "2000 pounds"."""
    return _WORD.findall(_THOUSANDS.sub("", text.lower()))
