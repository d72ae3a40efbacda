"""A question about getting somewhere ("how far is the plant from here", "when should I head out for my next one",
"how far is that from the first one"): the trip's two ends in the technician's words, for `clara.jobs.trips`.
"""

from __future__ import annotations

import re
from typing import Sequence

from clara.agent.places_said import DEICTIC_JOB, NOT_A_PLACE, named_place, place_reference
from clara.agent.said import clean

# When to set off for a place: the drive there answers it.
LEAVE_FOR = r"(?:when|what time) (?:should|do|must|can) (?:i|we) (?:(?:need|have|got|ought) to )?(?:leave|head out|" \
            r"head over|set off|get going|take off|hit the road)"
# Words that can only ask about a trip, or "how far is it" said alone (the place is the one discussed). Otherwise
# "how long" and "how far" ask for a duration or a distance of any kind ("how long do we keep the records", "how far
# from an exit door"): a trip only when a place follows.
_TRIP = re.compile(r"\b(?:travel time|drive time|driving time|get (?:to|there|over)|drive (?:to|there|over)|eta|"
                   r"distance (?:to|from)|how far away|far from here"
                   # "how long till we get there", not "how long till it tries again" nor "until they shut off"
                   r"|how long (?:will it take|(?:till|until) (?:i|we|you)\b|to (?:get|drive|reach))"
                   r"|minutes away|miles away"
                   r"|how (?:long|far)(?: of)?(?: a| the)? (?:drive|ride|trip|haul)"  # "how long of a drive is that"
                   rf"|{LEAVE_FOR}"  # "when should I head out for the plant": how long the drive is
                   r")\b"
                   r"|^\s*how (?:far|long)(?: is it| will it take| does it take)?[\s?.!]*$",
                   re.IGNORECASE)


# A thing of a kind, not a place one drives to: "an extinguisher in a warehouse", "a pull station", "any exit".
_ANY_ONE = re.compile(r"^(?:an?|any|each|every|the nearest|the closest)\s+(?!(?:first|second|third|next|last)\b)",
                      re.IGNORECASE)
# A job by its place in the day, said as "one": "how far is that from the first one".
_ORDINAL_ONE = re.compile(r"\b(?:the |my )?(?:first|second|third|fourth|next|last|final|previous) one\b", re.IGNORECASE)
_THE_DRIVE = re.compile(r"\b(?:of\s+)?(?:a|the)\s+(?:drive|ride|trip|haul)\b", re.IGNORECASE)


def trip(text: str, known: Sequence[str]) -> tuple[str | None, str | None] | None:
    """(destination, origin) of a question about getting somewhere; None when it asks how long or how far about
    something else."""
    origin = re.search(r"\bfrom\s+(?:the\s+)?(.+?)(?:\s+to\s+(?P<to>.+?))?\s*(?:\?|$|[.!,])", text, re.IGNORECASE)
    if origin and origin.group("to"):  # "from there to the next job": both ends in one phrase
        return clean(origin.group("to")), clean(origin.group(1))
    # "how long of a drive is that": the drive is how, not where; "that" is the place discussed
    said = _THE_DRIVE.sub(" ", text[:origin.start()] if origin else text)
    destination = place_reference(said, known)
    if destination and _ANY_ONE.match(destination) and not named_place(destination, known):
        return None  # "the max travel distance to an extinguisher": a distance the standards set, to any such thing
    if destination in ("here",) or (destination and NOT_A_PLACE.match(destination)):
        destination = None
    ordinal = _ORDINAL_ONE.search(said)
    if destination is None and ordinal:  # "how far is the last one from the first one"
        destination = ordinal.group(0)
    departure = clean(origin.group(1)) if origin else None
    places = [p for p in (destination, departure) if p]
    if not _TRIP.search(text) and not any(named_place(p, known) or DEICTIC_JOB.match(p) or _ORDINAL_ONE.fullmatch(p)
                                          for p in places):
        return None
    return destination, departure
