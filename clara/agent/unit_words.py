"""The unit a phrase of a write-up names, in the words the unit resolver (`clara.jobs.unit_match`) reads: a model, a
kind of equipment, "that unit", or a generic word and where it stands ("the thing down in the street vault")."""

from __future__ import annotations

import re

from clara.agent.said import clean
from clara.jobs.unit_match import UNIT_BY_PLACE, UNIT_KINDS
from clara.knowledge.spoken_models import model_mentions

# The words that name no unit by themselves; said as a write-up's subject they only carry its place.
_GENERIC_SUBJECT = re.compile(r"^(?:the |that |this )?(?:unit|one|thing|equipment|machine|device|box)$", re.IGNORECASE)


def unit_words(subject: str) -> str | None:
    """The unit a phrase names, when it names one: a model, a kind of equipment, "that unit", or a generic word said
    with where it is ("the one in the kitchen": the resolver finds the unit by the place)."""
    if model_mentions(subject) or UNIT_KINDS.search(subject) or UNIT_BY_PLACE.search(subject) or \
            re.search(r"\b(?:that|this) unit\b", subject, re.I):
        return clean(re.sub(r"^(?:the|a|an|on)\s+", "", subject.strip(), flags=re.IGNORECASE))
    return None


def generic_subject(subject: str) -> bool:
    """Whether a write-up's subject, its place taken out, is only a generic word ("the thing", "the one"): what is
    wrong is then said without it ("has a cracked test cock", not "thing has a cracked test cock")."""
    return bool(_GENERIC_SUBJECT.match(clean(subject)))
