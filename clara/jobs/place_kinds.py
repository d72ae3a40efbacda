"""Places named by what kind of place they are: "that school", "the factory", "the market", "the hospital".

Technicians call a site by what it is as often as by its name. A kind word is matched against the words of site and
customer names first ("the school" is any site with "School" in its name, "the market" the Ferry Building
Marketplace), then against the business the customer is in (`segment`): no demo name says "factory", but an
industrial customer's plant is one. Which of several the technician means is `clara.jobs.resolution`'s to decide.
"""

from __future__ import annotations

import re

# Kinds of place as technicians say them, and the customer segments each can be.
PLACE_KINDS: dict[str, tuple[str, ...]] = {
    "school": ("education",), "high school": ("education",), "college": ("education",),
    "university": ("education",), "campus": ("education", "technology"),
    "hospital": ("healthcare",), "clinic": ("healthcare",), "medical center": ("healthcare",),
    "care home": ("healthcare",), "nursing home": ("healthcare",),
    "factory": ("industrial",), "plant": ("industrial",), "mill": ("industrial",), "terminal": ("industrial",),
    "distribution center": ("industrial",),
    "market": ("retail",), "mall": ("retail",), "shopping center": ("retail",), "store": ("retail",),
    "grocery": ("retail",),
    "hotel": ("hospitality",), "motel": ("hospitality",), "resort": ("hospitality",),
    "arena": ("entertainment",), "stadium": ("entertainment",), "venue": ("entertainment",),
    "ballpark": ("entertainment",),
    "library": ("government",), "courthouse": ("government",), "city hall": ("government",),
    "convention center": ("government",),
    "data center": ("technology",), "museum": ("nonprofit",),
}
# "that school", "the factory", "this hospital": a kind word after a determiner, not a room or a part of one ("the
# plant room", "the school's kitchen" is still the school).
KIND_OF_PLACE = re.compile(r"\b(?:that|this|the)\s+(?P<kind>" + "|".join(sorted(PLACE_KINDS, key=len, reverse=True))
                           + r")(?:'s)?\b(?!\s+(?:room|roof|floor|unit|level|side|door|wall|area|hours?)\b)",
                           re.IGNORECASE)


def kind_said(words: str) -> str | None:
    """The kind of place a reference is, when it is only that ("that school" -> "school"); else None."""
    match = KIND_OF_PLACE.fullmatch(words.strip())
    return match.group("kind").lower() if match else None
