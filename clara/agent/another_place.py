"""A follow-up that only names another place ("what about at the Ferry Building", "and ABC?", "how about there"):
the last question about a place, asked again of the place now named.

Read alone, a place said with nothing asked of it is that place's customer card; after "what's overdue here" it asks
what is overdue there, and after "any rules at WeWork" what the rules are there.
"""

from __future__ import annotations

import json
import re
from typing import Sequence

from livekit.agents import llm

from clara.agent.places_said import known_in
from clara.agent.said import Route

_OPENER = re.compile(r"^\W*(?:and|also|ok(?:ay)?|so)?\s*(?:what about|how about|same (?:for|at|with)|and)\b",
                     re.IGNORECASE)
# The words around the place that ask nothing else: "what about at the ferry building", "and over at abc then".
_AROUND = re.compile(r"\b(?:and|also|ok(?:ay)?|so|what|how|about|same|for|with|at|in|on|over|out|the|then|one|site|"
                     r"job|place|there|here|please)\b", re.IGNORECASE)
# The place lookups a follow-up may repeat, and the argument each takes the place in.
_PLACE_ARGUMENT = {"inspections_due": "site", "site_requirements": "site", "customer_at_location": "location",
                   "travel_time": "destination"}


def last_call(items: Sequence[llm.ChatItem]) -> Route | None:
    """The tool the conversation called last, before the message being answered."""
    for item in reversed(items):
        if isinstance(item, llm.FunctionCall):
            try:
                arguments = json.loads(item.arguments or "{}")
            except json.JSONDecodeError:
                arguments = {}
            return Route(item.name, arguments if isinstance(arguments, dict) else {})
    return None


def at_another_place(text: str, chosen: list[Route], last: Route | None, known: Sequence[str]) -> list[Route]:
    """The routes for `text`: the last place lookup, of the place now named, when `text` only names a place after
    "what about" or "and"; else `chosen` unchanged."""
    if len(chosen) != 1 or chosen[0].tool != "customer_at_location" or last is None or \
            last.tool not in _PLACE_ARGUMENT or last.tool == "customer_at_location" or not _OPENER.match(text):
        return chosen
    place = chosen[0].arguments.get("location")
    named = known_in(text, known)
    rest = text.lower()
    for word in (named or "").lower().split():  # "abc" names ABC Manufacturing
        rest = re.sub(rf"\b{re.escape(word)}\b", " ", rest)
    if not place or re.search(r"[a-z0-9]", _AROUND.sub(" ", rest)):
        return chosen
    return [Route(last.tool, {_PLACE_ARGUMENT[last.tool]: place})]
