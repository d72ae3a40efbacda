"""Two questions in one utterance: "what time do I need to be at the Ferry Building and who do I ask for".

Each question is read on its own (`routing.route`) and each gets its tool, so the reply carries both answers; the
second borrows the place the first named when it names none or says "there" ("... and who do I ask for"). Writes
and answers to a read-back are never split: one request, one draft. A status said in passing before a question ("just
pulled up at the ferry building what's due here") gets the question's answer alone: no status change is read back,
since the technician asked something else (three authors of conversation sets expected no read-back there, none one;
it used to get the read-back alone, then both). When both halves ask the same tool the same thing (who and their
number are one customer card), one call answers both. A spec question naming two models or more ("which is heavier, a
50TCQA08 or a 48TCDA08", "points on an NFS2-640 compared to an NFS2-3030") asks it of each. A message whose
sentences read as a whole ask nothing a rule reads is read by its last question ("it's my first week, so bear with
me. Where am I supposed to be first thing today?").
"""

from __future__ import annotations

import re
from typing import Sequence

from clara.agent.places_said import known_in, named_place
from clara.agent.reading import asks
from clara.agent.repeat_said import LastWrite
from clara.agent.routing import route
from clara.agent.said import Route, clauses, plain
from clara.jobs.unit_match import UNIT_KINDS
from clara.knowledge.spoken_models import model_mentions

# Who the technician is, said before a question to set it in context: "I'm the apprentice on this job, ...", "I'm
# new here so ...". The question is what is asked; a preference it implies is not set unasked.
_WHO_I_AM = re.compile(r"^\W*(?:(?:i'?m|im|i am) (?:just |only |still |kind of )?(?:the|a|an|new|brand new)\b"
                       r"[^,.;?!]*?)"
                       r"(?:[,.;!]\s*|\s+so\s+)(?=\w)", re.IGNORECASE)
_SECOND = re.compile(r",?\s+and\s+(?=(?:what|what'?s|whats|who|who'?s|whos|when|where|how|is|are|any|anything|do|does|"
                     r"can)\b)", re.IGNORECASE)
# Lookups whose answer depends on the thing asked about (a model, a kind of unit), not on a place or the day.
_LOOKUPS = {"knowledge_search", "equipment_spec"}
_WRITES = {"log_deficiency", "update_job_status", "mark_deficiency_fixed", "set_preferences", "confirm_draft",
           "edit_draft"}


def routes(text: str, tools: set[str], known: Sequence[str], *, draft_kind: str | None = None,
           photo: bool = False, last_write: LastWrite | None = None) -> list[Route]:
    """The tool calls a message asks for: none, one, or one per question when it asks two."""
    said = plain(text)
    me = _WHO_I_AM.match(said) if not (draft_kind and "confirm_draft" in tools) else None
    if me is not None and asks(said[me.end():]):  # "I'm the apprentice on this job, what's a main drain test for"
        text = said = said[me.end():]
    whole = route(text, tools, known, draft_kind=draft_kind, photo=photo, last_write=last_write)
    if whole is None and (draft_kind is None or "confirm_draft" not in tools):  # no read-back waits for an answer
        whole = _asked_last(said, tools, known, photo)
    if whole is None or whole.tool in _STORY_READS:
        whole = _asked_after_a_story(said, tools, known, photo) or whole
    if whole is not None and whole.tool == "equipment_spec" and whole.arguments.get("model"):
        models = list(dict.fromkeys(model_mentions(said)))
        # "which is heavier, a 50TCQA08 or a 48TCDA08": the same question of each model; "the fifty tcqa oh five
        # sorry i mean oh six" names one, corrected
        if len(models) > 1 and _BOTH.search(said) and not _CORRECTED.search(said):
            return [Route("equipment_spec", {**whole.arguments, "model": model}) for model in models]
    if whole is not None and whole.tool == "update_job_status":
        asked = _asked_after_a_status(said, tools, known, photo)
        if asked is not None:  # the answer, and no status read back: it was said in passing
            return [asked]
    split = _SECOND.search(said)
    if split is None or (whole is not None and whole.tool in _WRITES):
        return [whole] if whole is not None else []
    first_said, second_said = said[:split.start()], said[split.end():]
    place = named_place(first_said, known)
    if place and named_place(second_said, known) in (None, "there"):  # "there", in the same breath, is the first's
        second_said = f"{second_said} {place}" if place in ("here", "there") else f"{second_said} at {place}"
    first = route(first_said, tools, known, photo=photo)
    second = route(second_said, tools, known, photo=photo)
    if first is None or second is None or {first.tool, second.tool} & _WRITES:
        return [whole] if whole is not None else []
    if second.tool in _LOOKUPS and _subject(first_said) and not _subject(second_said):
        # "TFP-8 battery test: how long on battery and what minimum voltage": two facts of one thing, asked in one
        # lookup; split, the second would be searched without the thing it is about
        return [whole] if whole is not None else [first]
    return [first] if first == second else [first, second]


# A question run on after a status said in passing: "just pulled up at the ferry building what equipment they got
# here", "on my way to abc how long is the drive".
_ASKED_AFTER = re.compile(r"[,.;]?\s+(?=(?:what|what'?s|whats|who|who'?s|whos|where|where'?s|wheres|when|how|which|any|anything|"
                          r"is there|are there|do (?:i|we|they)|does)\b)", re.IGNORECASE)


def _asked_after_a_status(said: str, tools: set[str], known: Sequence[str], photo: bool) -> Route | None:
    """The call for a question asked in the same breath as a status said in passing ("here" and "there" in it are
    the place the status named); None when no question follows the status, or no rule reads it."""
    split = _ASKED_AFTER.search(said)
    if split is None:
        return None
    status_said, question = said[:split.start()], said[split.end():]
    place = named_place(status_said, known)
    if place not in (None, "here", "there"):
        question = re.sub(r"\b(?:here|there)\b", f"at {place}", question, count=1, flags=re.IGNORECASE)
    elif place is not None and named_place(question, known) is None:  # "got here, who do I talk to on site"
        question = f"{question} {place}"
    answer = route(question, tools, known, photo=photo)
    return answer if answer is not None and answer.tool not in _WRITES else None


def _subject(said: str) -> bool:
    """Whether words name the thing a lookup is about: a model number or a kind of unit."""
    return bool(model_mentions(said) or UNIT_KINDS.search(said))


# Models put side by side ("a 50TCQA08 or a 48TCDA08", "an NFS2-640 compared to an NFS2-3030"), and a model said
# again to correct it ("oh five sorry i mean oh six").
_BOTH = re.compile(r"\b(?:or|and|vs\.?|versus|compared (?:to|with)|than|both|each|between)\b", re.IGNORECASE)
_CORRECTED = re.compile(r"\b(?:sorry|i mean|i meant|no wait|wait no|actually|scratch that|make (?:that|it)|"
                        r"correction|not the)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _asked_last(said: str, tools: set[str], known: Sequence[str], photo: bool) -> Route | None:
    """The call for the question a message ends on after sentences that ask nothing ("it's my first week, so bear
    with me. Where am I supposed to be first thing today?"): what went before is a preamble; None when no rule
    reads the last question alone either."""
    sentences = [s for s in _SENTENCE_END.split(said) if s.strip()]
    if len(sentences) < 2:
        return None
    asked = next((s for s in reversed(sentences) if asks(s)), None)
    return route(asked, tools, known, photo=photo) if asked is not None else None


# A story told before the ask: long, and the question its last clause ("last time I was at WeWork the guard gave me
# a hard time ..., so remind me, what are their rules").
_STORY_WORDS = 20
# What a story's own words read as: the documents (its units, its standards) and past visits ("last time I was at").
# A spec lookup is not among them: its unit may be named in the story ("..., anyway, the fire pump out there, what's
# the full load amps"), and the question alone would lose it.
_STORY_READS = frozenset({"knowledge_search", "job_history"})


def _asked_after_a_story(said: str, tools: set[str], known: Sequence[str], photo: bool) -> Route | None:
    """The call for the question a long message ends on after a story: the story's words (a unit, a standard, a
    past visit) would otherwise decide what is looked up. "There" and "their" in the question are the
    place the story named. Only a question about the day or a place is taken so: a document question keeps the
    story as its context, and a write is never read from a question."""
    parts = clauses(said)
    if len(said.split()) < _STORY_WORDS or len(parts) < 2 or not asks(parts[-1]):
        return None
    question, story = parts[-1], " ".join(parts[:-1])
    place = known_in(story, known)  # a site the story names, not a visit it tells of ("last time")
    if place is not None and named_place(question, known) in (None, "there"):
        question = f"{question} at {place}"
    answer = route(question, tools, known, photo=photo)
    return answer if answer is not None and answer.tool not in _LOOKUPS | _WRITES else None
