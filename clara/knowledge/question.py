"""What a knowledge question asks, read once before either index is asked: its words, identifiers and answer type.

Speech recognition writes numbers as words and manuals as digits, and a question's frame ("how often") names no
topic. These are properties of the question alone, so they live apart from the indexes and the ranking that use them
(what kind of sentence answers it, an amount or a place, is `clara.knowledge.spans`' to say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from clara.knowledge.spans import NUMBER_WORDS as _NUMBER_WORDS

@dataclass(frozen=True)
class Query:
    text: str
    lexemes: list[str]
    identifiers: set[str]
    standards: set[str]
    vector: np.ndarray | None  # None when the embedder is unavailable
    words: frozenset[str] = frozenset()  # the question's tokens as written, lowercased: a table row's key is one


_QUESTION_FRAME = re.compile(r"\bhow\s+(?:often|many|much|long)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def lexical_text(text: str) -> str:
    """The words the lexical side should match: spoken numbers also as digits, and without the question's frame
    ("how often" asks for a frequency, it names no topic: "often about 1 %" must not outrank the interval)."""
    return spoken_numbers(_QUESTION_FRAME.sub(" ", text))


def spoken_numbers(text: str) -> str:
    """ "flashing five times" -> "flashing five 5 times": speech recognition writes numbers as words, manuals as
    digits."""
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b",
                  lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(1).lower()]}", text, flags=re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lowercased tokens, a number whole whether or not it is written with thousands separators: a table's row key
    "2,000 lb" is what a technician says as "2000 pounds"."""
    return _WORD.findall(_THOUSANDS.sub("", text.lower()))
