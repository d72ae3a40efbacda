"""What a span's text says whatever the question is, read once per text rather than once per search.

`spans.kind_preferences` asks each candidate sentence the same few dozen fixed patterns (a rule, a number, a unit,
a place) on every search, and the same sentences come back question after question: the shipped questions' 20,000
sentence reads were 1,560 sentences. The answers are kept by the sentence's own text, so a document re-ingested with
other wording is read afresh and nothing needs invalidating; the store is emptied when it reaches `LIMIT` entries.
"""

from __future__ import annotations

import re

LIMIT = 32768  # entries (a pattern and a sentence each): a few megabytes; the shipped questions make ~10,000

_found: dict[tuple[re.Pattern[str], str], bool] = {}
_stripped: dict[tuple[re.Pattern[str], str], str] = {}


def found(pattern: re.Pattern[str], text: str) -> bool:
    """Whether `pattern` occurs in `text`: `bool(pattern.search(text))`, remembered."""
    key = (pattern, text)
    hit = _found.get(key)
    if hit is None:
        if len(_found) >= LIMIT:
            _found.clear()
        hit = _found[key] = pattern.search(text) is not None
    return hit


def stripped(pattern: re.Pattern[str], text: str) -> str:
    """`text` without its first match of `pattern` (a list item's label): `pattern.sub("", text, count=1)`,
    remembered."""
    key = (pattern, text)
    out = _stripped.get(key)
    if out is None:
        if len(_stripped) >= LIMIT:
            _stripped.clear()
        out = _stripped[key] = pattern.sub("", text, count=1)
    return out
