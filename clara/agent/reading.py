"""A message as the offline routing rules read it: its words once cleaned, what the conversation holds, and the
features several rules test (a model named, a kind of unit, a trip asked about), each worked out once.

Also the three readings the offline LLM asks of a message outside the rules: whether it `asks` something, whether it
reads as talk (`conversational`), and whether it is only a `remark` to be answered "Okay.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

from clara.agent.draft_said import QUESTION
from clara.agent.places_said import known_in, without_places
from clara.agent.trips_said import LEAVE_FOR
from clara.agent.repeat_said import LastWrite
from clara.agent.said import Route, clean, plain
from clara.agent.topics_said import (
    ASKED, ASKS, DOCUMENT, EMBEDDED_QUESTION, FINITE, KNOWLEDGE, SPEC_TOPIC, TAG_QUESTION, TRADE,
)
from clara.jobs.unit_match import UNIT_KINDS
from clara.knowledge.spoken_models import model_mentions


def asks(text: str) -> bool:
    """Whether a message is put as a question or a request ("what's ...", "can you ...", "...?"), in any words."""
    said = plain(text)
    return bool("?" in said or QUESTION.search(said) or ASKS.search(said) or ASKED.match(said) or
                EMBEDDED_QUESTION.search(said) or TAG_QUESTION.search(said))


# Talk rather than a search phrase: an interjection, a person, or a verb ("ugh long day already", "lol I'm good").
# "torque on the ground lug in the booster cabinet" has none of them: typed as into a search box, it is searched.
_CHATTER = re.compile(r"\b(?:ugh|man|lol|wow|phew|geez|jeez|damn|dang|whew|haha|ha|meh|yikes|oof|dude|bro|i|i'?m|im|"
                      r"i'?ve|we|we'?re|you|you'?re|my|our|your|me|us)\b", re.IGNORECASE)


# The speaker's own now ("brutal traffic on the bay bridge today"): a search phrase says no when.
_NOW = re.compile(r"\b(?:today|tonight|yesterday|this (?:morning|afternoon|evening)|right now)\b", re.IGNORECASE)


def conversational(text: str) -> bool:
    """Whether a message reads as talk (an interjection, a person, a verb, the speaker's now), not as words typed
    into a search box."""
    said = plain(text)
    return bool(_CHATTER.search(said) or FINITE.search(said) or _NOW.search(said))


# A question asked after its topic, of a thing by its name ("rexbury handhole cover, which bolt is number one",
# "what kind is ok per the fire marshal"): a wh-word, a noun, then its verb. A pronoun there is a statement's ("no
# idea what it is").
_ASKED_OF_A_THING = re.compile(r"\b(?:what|which|whose|how many|how much)\s+(?!(?:it|that|this|he|she|they|we|i|you)\b)"
                               r"[a-z]+\s+(?:is|are|was|were|goes|go|do|does|did|can|should|has|have|gets|needs)\b",
                               re.IGNORECASE)


def remark(text: str, known_places: Sequence[str]) -> bool:
    """Whether a message is only a remark: a statement with no question, no request and nothing of the trade.

    Said "Okay." to, a real question would be lost, so a remark must read as one: a clause (not a search phrase),
    without a figure or a question tag."""
    said = plain(text)
    if not clean(said) or asks(said) or _ASKED_OF_A_THING.search(said):
        return False
    if re.search(r"\d", said) or not FINITE.search(said) or TAG_QUESTION.search(said):
        return False
    return not (TRADE.search(said) or UNIT_KINDS.search(said) or SPEC_TOPIC.search(said) or KNOWLEDGE.search(said)
                or DOCUMENT.search(said) or model_mentions(said) or known_in(said, known_places))


def call(tool: str, **arguments: Any) -> Route:
    """A tool call with the arguments the message gave (None means not said, and is left out)."""
    return Route(tool, {k: v for k, v in arguments.items() if v is not None})


# A trip asked about: how long or far, the drive, getting somewhere, when to set off.
# "how long do we get to fix it" asks a time allowed, not a drive
_TRAVEL = re.compile(r"\b(how (?:long|far)|travel time|drive time|driving time|"
                     r"(?<!do we )(?<!do i )(?<!do you )(?<!do they )(?<!does it )get to|drive to|eta|distance to|"
                     rf"drive there|{LEAVE_FOR})\b")


@dataclass(frozen=True)
class Reading:
    """One message, read once: the words the rules see (hesitations dropped, clauses joined, a place corrected
    mid-sentence), the tools offered, the places known, and what the conversation holds (a read-back waiting, the
    last write-up, a unit photographed). The features many rules test are worked out when first asked and kept."""

    text: str
    tools: frozenset[str]
    known: Sequence[str]
    draft_kind: str | None = None
    photo: bool = False
    last_write: LastWrite | None = None

    @cached_property
    def lowered(self) -> str:
        return self.text.lower()

    @property
    def drafting(self) -> bool:
        """A read-back waits for a yes (and the tools to answer it are offered)."""
        return self.draft_kind is not None and "confirm_draft" in self.tools

    @cached_property
    def models(self) -> list[str]:
        """Model numbers said, as typed or spoken; a place's name ("Plant 1") is not one."""
        return model_mentions(without_places(self.text, self.known))

    @cached_property
    def unit(self) -> re.Match[str] | None:
        """A kind of unit named ("the RTU", "the backflow")."""
        return UNIT_KINDS.search(self.text)

    @cached_property
    def about_equipment(self) -> bool:
        """A unit, a figure of one, or a model is what the message is about."""
        return bool(self.unit or SPEC_TOPIC.search(self.text) or self.models)

    @cached_property
    def knowledge(self) -> bool:
        """Words of the documents: standards, procedures, intervals, troubleshooting."""
        return bool(KNOWLEDGE.search(self.text))

    @cached_property
    def travel(self) -> bool:
        return bool(_TRAVEL.search(self.lowered))
