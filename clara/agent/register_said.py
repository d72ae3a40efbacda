"""A site's units counted or compared by age, as asked and as answered: "how many rooftop units are at Chase
Center", "which of the two backflows here is older", "which of them is the oldest", "the newest piece of equipment on
site".

The units come from the site's equipment register (`clara.jobs.units`), their ages from its install dates
(`clara.jobs.unit_ages`); this module only reads which comparison the words ask for and says the result.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from clara.agent.unit_answers import age, installed_on, named
from clara.jobs.models import Equipment
from clara.jobs.unit_ages import by_age

AgeRank = Literal["oldest", "newest"]

_OLD = re.compile(r"\b(?:old(?:er|est)|earliest installed|installed first|been (?:there|here|in) (?:the )?longest)\b",
                  re.IGNORECASE)
_NEW = re.compile(r"\b(?:new(?:er|est)|young(?:er|est)|most recent(?:ly installed)?|latest|installed last|"
                  r"last (?:one )?(?:put in|installed))\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow many\b", re.IGNORECASE)


def age_rank(question: str | None) -> AgeRank | None:
    """Whether a question asks for the oldest or the newest of some units (None: neither, or both at once)."""
    said = question or ""
    old, new = bool(_OLD.search(said)), bool(_NEW.search(said))
    return None if old == new else "oldest" if old else "newest"


# The comparison itself asked ("which one's older", "which of the two is the newest"), not a figure of the one picked.
_WHICH = re.compile(r"\bwhich\b", re.IGNORECASE)
# A unit pointed at by its age alone: "that old one", "the newer one", "the older unit".
_POINTER = re.compile(r"^\W*(?:(?:the|that|this|those|them|it|one|unit|from before)\W*)*$", re.IGNORECASE)
_AGE_WORD = re.compile(r"\b(?:old(?:er|est)?|new(?:er|est)?)\b", re.IGNORECASE)


def pointed_age(words: str | None) -> AgeRank | None:
    """The age a unit is pointed at by ("the older one", and of two "the old one", "the new one"), or None."""
    said = words or ""
    return age_rank(said) or ("oldest" if re.search(r"\bold\b", said, re.IGNORECASE) else
                              "newest" if re.search(r"\bnew\b", said, re.IGNORECASE) else None)


def asks_which(question: str | None) -> bool:
    """Whether a question asks which unit is the older or newer, rather than a figure of it."""
    return bool(_WHICH.search(question or ""))


def without_age(words: str) -> str:
    """A unit's words without the age said of it: "the older backflow" -> "the backflow"."""
    return " ".join(_AGE_WORD.sub(" ", words).split())


def only_pointer(words: str) -> bool:
    """Whether a unit's words, its age taken out, only point ("that one", "the unit"): the kind is the one discussed."""
    return bool(_POINTER.match(words))


def counts(question: str | None) -> bool:
    """Whether a question asks how many units there are."""
    return bool(_HOW_MANY.search(question or ""))


def compared(units: list[Equipment], rank: AgeRank, site: str, today: date) -> tuple[str, list[Equipment]]:
    """The oldest or newest of a site's `units` said, with when it went in and its age; ties named together. Also
    the units picked, so the one named becomes the unit discussed ("how old is it" next)."""
    picked = by_age(units, oldest=rank == "oldest")
    adjective = {"oldest": "older", "newest": "newer"}[rank] if len(units) == 2 else rank
    if not picked:
        return f"There are no install dates on file for the units at {site}, so I can't tell which is {adjective}.", []
    when = installed_on(picked[0])
    ago = age(picked[0].install_date, today) if picked[0].install_date else ""
    if len(units) == 1:
        return f"At {site} there's only {named(picked[0])}, installed on {when}, {ago} ago.", picked
    if len(picked) == 1:
        return f"Of the {len(units)} at {site}, the {adjective} is {named(picked[0])}, installed on {when}, {ago} " \
            f"ago.", picked
    names = ", ".join(named(u) for u in picked[:-1]) + f" and {named(picked[-1])}"
    return f"Of the {len(units)} at {site}, {names} tie as the {rank}: all installed on {when}, {ago} ago.", picked
