"""A unit at a site said by its kind and where on site it stands ("the extinguisher in the kitchen"), or only by
where it stands ("the one in the riser room", "the riser room one"), in the words `clara.jobs.resolution` reads."""

from __future__ import annotations

import re
from typing import Sequence

from clara.agent.deficiency_said import LOCATION, PLACE_NOUN
from clara.agent.places_said import known_in
from clara.agent.said import clean
from clara.jobs.place_kinds import KIND_OF_PLACE
from clara.jobs.unit_match import UNIT_KINDS

_ASKING = re.compile(r"\s+(?:here|there|what|whats|what's|when|whens|which|who|how|is|was|does|do|did|and)\b.*$",
                     re.IGNORECASE)


def unit_said(text: str, kind: str, known: Sequence[str]) -> str:
    """A unit named by its kind, with where on site it is when said ("the extinguisher in the kitchen"); a site's
    name ("at Chase Center") is where the site is, not where on it."""
    place_named = known_in(text, known)
    if place_named:
        text = re.sub(rf"\b(?:at|in|on|for)\s+(?:the\s+)?{re.escape(place_named)}\b", " ", text, flags=re.IGNORECASE)
    where = next((m for m in LOCATION.finditer(text) if PLACE_NOUN.search(m.group("where"))
                  and not UNIT_KINDS.search(m.group("where"))), None)
    place = clean(_ASKING.sub("", where.group("where"))) if where else ""
    # "that backflow": the one discussed, so the determiner is kept
    article = "that" if re.search(rf"\b(?:that|this|same)\s+{re.escape(kind)}", text, re.IGNORECASE) else "the"
    if not where or not PLACE_NOUN.search(place):
        return f"{article} {kind.lower()}"
    preposition = next(w for w in where.group(0).lower().split() if w not in ("out", "up", "down", "over", "back"))
    return f"{article} {kind.lower()} {preposition} the {place}"


# A unit pointed at only by where it is on site: "which one is in the riser room", "and the one out in the street
# vault", "whats up on the roof there".
_BY_PLACE = re.compile(r"\b(?:(?:the|that|which|what) (?:one|unit|thing)s?|what(?:'?s| is| are)?(?: up| there| installed)?)"
                       r"\s+(?:is\s+|are\s+|'s\s+)?(?:(?:out|up|down|over|back)\s+)?(?P<prep>in|on|at)\s+"
                       r"(?:(?:the|their|its)\s+)?"
                       r"(?P<where>[a-z][a-z ]*?)(?:\s+(?:here|there|(?:at|for)\s+[\w' &.-]+))?\s*[?.!]*$", re.IGNORECASE)


# The place said before "one": "the riser room one", "and the roof one".
_PLACE_ONE = re.compile(r"\bthe (?P<where>(?:(?!(?:the|on|in|at|of)\b)[a-z]+\s+){0,2}(?!(?:the|on|in|at|of)\b)[a-z]+) "
                        r"one\b", re.IGNORECASE)


def unit_by_place(text: str, known: Sequence[str]) -> str | None:
    """ "the one in the riser room" when a message points at a unit only by a place on site (a room, the roof, a
    vault), also said "the riser room one", for `clara.jobs.resolution` to find; None when the place is a site
    ("what's at the ferry building", "the ferry building one")."""
    said = _BY_PLACE.search(text)
    before_one = _PLACE_ONE.search(text) if said is None else None
    where = said.group("where") if said else before_one.group("where") if before_one else None
    if where is None or not PLACE_NOUN.search(where) or known_in(f"the {where}", known) or \
            KIND_OF_PLACE.search(where):
        return None
    preposition = said.group("prep").lower() if said else "on" if re.search(r"\broof\b", where, re.I) else "in"
    return f"the one {preposition} the {where.lower()}"
