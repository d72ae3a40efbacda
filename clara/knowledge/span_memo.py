"""What a span's text says whatever the question is, read once per text rather than once per search.

`spans.kind_preferences` asks each candidate sentence the same few dozen fixed patterns (a rule, a number, a unit,
a place) on every search, and the same sentences come back question after question: the shipped questions' 20,000
sentence reads were 1,560 sentences. The answers are kept by the sentence's own text, so a document re-ingested with
other wording is read afresh and nothing needs invalidating; the least recently used go first past `LIMIT`.
"""

from __future__ import annotations

import functools
import re

LIMIT = 32768  # entries (a pattern and a sentence each): a few megabytes; the shipped questions make ~10,000


@functools.lru_cache(maxsize=LIMIT)
def found(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` occurs in `text`: `bool(pattern.search(text))`, remembered."""
    return pattern.search(text) is not None


@functools.lru_cache(maxsize=LIMIT)
def stripped(pattern: re.Pattern[str], text: str) -> str:
    """`text` without its first match of `pattern` (a list item's label): `pattern.sub("", text, count=1)`,
    remembered."""
    return pattern.sub("", text, count=1)
