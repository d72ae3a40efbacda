"""A site called by its street, as technicians say it: "the job on Industrial Parkway", "larkin street", "the main
street one", "the contact at Geary Boulevard". The CRM keeps "456 Industrial Pkwy": nobody says the house number, and
the street's type is said in full or abbreviated either way. A street two sites share ("Broadway") names neither.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

# A street type or direction and the other ways it is written (the CRM's place key spells out the same ones).
_SPELLINGS = (
    ("street", "st", "str"), ("avenue", "ave", "av"), ("boulevard", "blvd"), ("parkway", "pkwy", "pky"),
    ("road", "rd"), ("drive", "dr"), ("lane", "ln"), ("court", "ct"), ("highway", "hwy"), ("place", "pl"),
    ("square", "sq"), ("terrace", "ter"), ("circle", "cir"), ("expressway", "expy"), ("freeway", "fwy"),
    ("center", "ctr", "centre"), ("north", "n"), ("south", "s"), ("east", "e"), ("west", "w"),
)
_WAYS = {form: forms for forms in _SPELLINGS for form in forms}
_DIRECTIONS = {"north", "south", "east", "west", "n", "s", "e", "w"}
# A street's type in any spelling, which says nothing more than the street it follows ("the main street one").
STREET_TYPE = re.compile(r"\b(?:" + "|".join(f for forms in _SPELLINGS[:16] for f in forms) + r")\b\.?", re.IGNORECASE)


def _word(word: str) -> str:
    forms = _WAYS.get(word, (word,))
    return "(?:" + "|".join(re.escape(form) + r"\.?" for form in forms) + ")"


@lru_cache(maxsize=4)
def _streets(known: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """For each street address one street alone names, its street as said (any spelling of its type, a leading
    direction optional) and the address; longest streets first, so "San Carlos Street" is not read as a shorter
    one."""
    holders: dict[str, list[str]] = {}
    for name in known:
        number, _, street = name.partition(" ")
        if not number[:1].isdigit() or not street:
            continue
        words = [w for w in re.split(r"[\s.,]+", street.lower()) if w]
        if words and words[0] in _DIRECTIONS and len(words) > 1:
            words = words[1:]
        if words:
            holders.setdefault(" ".join(_WAYS.get(w, (w,))[0] for w in words), []).append(name)
    found = []
    for street, names in sorted(holders.items(), key=lambda item: -len(item[0])):
        if len(set(names)) != 1 or len(street) < 4:
            continue
        pattern = r"\s+".join(_word(w) for w in street.split())
        found.append((re.compile(rf"(?<![\w-]){pattern}(?![\w-])", re.IGNORECASE), names[0]))
    return tuple(found)


def street_named(text: str, known: Sequence[str]) -> str | None:
    """The known street address whose street the text names without its number ("on larkin street": "100 Larkin
    St"); None when it names none, or only a street two sites share."""
    return next((address for pattern, address in _streets(tuple(known)) if pattern.search(text)), None)
