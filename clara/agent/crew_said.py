"""A technician's day asked about by name or pronoun, as a dispatcher, an admin or a lead would: "where's James at
right now", "what does Priya have after lunch", "who's the contact at her three o'clock", "this is Devon's lead,
what's he got today".

A colleague named (from the company's technicians) in a question about a day asks `crew_day` for them; "he", "she",
"his" or "her" in such a question, once a colleague has been asked about, means that colleague again. A write said
with a name in it ("James says the pump leaks, log it") is still a write, and a unit's record or figures asked for
a colleague ("he wants to know when the fire pump there was last looked at") still that unit's: both are left to the
rules.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Sequence

from livekit.agents import llm

from clara.agent.said import Route, clean
from clara.agent.spec_answers import asks_age, asks_inspection
from clara.agent.topics_said import SPEC_TOPIC
from clara.jobs.unit_match import UNIT_KINDS

_ABOUT_A_DAY = re.compile(r"\b(?:got|have|has|having|doing|working|schedule\w*|day|jobs?|stops?|start\w*|finish\w*|"
                          r"done|wrap\w*|where(?:'s| is)?|at|last|first|next|after|before|lunch|morning|afternoon|"
                          r"o'?clock|contact|rules?|how many|today|tonight|tomorrow|busy|headed|heading|one)\b",
                          re.IGNORECASE)
_A_WRITE = re.compile(r"\b(?:log|write (?:it |that |this )?up|deficiency|mark (?:it|him|her|the|job)|save|en route|"
                      r"in progress|complete[d]?|cancel\w*)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|he'?s|she'?s)\b", re.IGNORECASE)


@lru_cache(maxsize=4)
def _names_pattern(people: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every colleague's full and first name (a possessive or plural "s" allowed), and whose first
    name each matched form is: built once per roster, not two patterns per colleague per turn (with a few hundred
    technicians that overflowed `re`'s own cache and recompiled every name on every turn)."""
    first_of: dict[str, str] = {}
    for name in people:
        first = name.split()[0]
        for form in (name.lower(), first.lower()):
            first_of.setdefault(form, first)  # two colleagues called Sam: the roster's first one, as before
    forms = sorted(first_of, key=len, reverse=True)  # "sam ortiz" before "sam"
    return re.compile(rf"\b({'|'.join(map(re.escape, forms))})(?:'s|s)?\b", re.IGNORECASE), first_of


def _named(text: str, people: Sequence[str]) -> str | None:
    if not people:
        return None
    pattern, first_of = _names_pattern(tuple(people))
    found = pattern.search(text)
    return first_of[found.group(1).lower()] if found else None


def _last_colleague(items: Sequence[llm.ChatItem]) -> str | None:
    """The colleague the conversation last asked about (`crew_day`'s technician), if any."""
    for item in reversed(items):
        if isinstance(item, llm.FunctionCall) and item.name == "crew_day":
            try:
                return str(json.loads(item.arguments or "{}").get("technician") or "") or None
            except json.JSONDecodeError:
                return None
    return None


def _of_a_unit(text: str) -> bool:
    """Whether a question is about a unit's record or figures ("he also wants to know when the fire pump at
    Westlake was last looked at"): the colleague only relays it, it is not about their day."""
    return bool(UNIT_KINDS.search(text) and (asks_inspection(text) or asks_age(text) or SPEC_TOPIC.search(text)))


# A colleague as the source of what is said ("James said ...", "Devon told me ..."), not whose day is asked about.
_REPORTS = re.compile(r"\s+(?:(?:just|also|already)\s+)?(?:said|says|told (?:me|us)|tells (?:me|us)|mentioned|"
                      r"reckons|thinks|claims|was saying|swears)\b", re.IGNORECASE)


def _hearsay(text: str, people: Sequence[str]) -> bool:
    """Whether a colleague named is only who reported what is asked about, their own day not being asked."""
    pattern, _ = _names_pattern(tuple(people))
    found = pattern.search(text)
    said = _REPORTS.match(text, found.end()) if found is not None else None
    # "Priya said she's running late, what's she got next" is still about her day
    return said is not None and not _PRONOUN.search(text, said.end())


def crew_call(text: str, people: Sequence[str], items: Sequence[llm.ChatItem]) -> Route | None:
    """`crew_day` for a question about a colleague's day, named or by pronoun; None for anything else."""
    if not people or not _ABOUT_A_DAY.search(text) or _A_WRITE.search(text) or _of_a_unit(text):
        return None
    named = _named(text, people)
    if named is not None and _hearsay(text, people):
        return None  # "James said the library's gauge is out of date, is that written up": the claim is asked about
    if named is None and _PRONOUN.search(text):
        named = _last_colleague(items)
    return Route("crew_day", {"technician": named, "question": clean(text)[:500]}) if named else None
