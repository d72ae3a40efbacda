"""The offline LLM's reading of a message: which tool it asks for, and the arguments in the technician's words.

Rules by what a message is about, most specific first: an answer to a read-back (yes, no, a correction) while a
draft waits; preferences; writes (a deficiency asked for in any clause, a job status reported in the first person);
questions about documents (standards, manuals, intervals, procedures: a place or unit they name is context, never
the thing looked up); the day's order ("my next job", "after this one", "who am I seeing first"); places ("who do I
call there", "any rules at that place", "what's due here", "how far from here"); model numbers as typed or spoken;
a nameplate and questions about the unit last photographed ("how old is it"); spec follow-ups ("its max fuse
size"); a kind of unit, at the site named. Hesitations and discourse markers ("uh", "ok so", "actually") are dropped
first. References ("here", "there", "my next site") are passed on as said: `clara.jobs.resolution` decides what
they mean, for this path and Gemini's alike. `route` returns None when no rule applies; the offline LLM then tries
similarity, then a knowledge search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from clara.agent.spec_answers import asks_age
from clara.jobs.drafts import severity_of, status_of
from clara.jobs.resolution import UNIT_KINDS
from clara.jobs.spoken import clock_heard
from clara.knowledge.specs import model_mentions


@dataclass(frozen=True)
class Route:
    tool: str
    arguments: dict[str, Any]


_STANDARD = re.compile(r"\bnfpa[\s-]*\d+[a-z]?\b", re.IGNORECASE)
_SPEC_TOPIC = re.compile(
    r"\b(amp|amps|amperage|draw|current|mca|mocp|rla|fla|lra|breaker|fuse|voltage|volts|phase|refrigerant|charge|"
    r"weigh\w*|dimensions?|size|seer2?|eer2?|hspf2?|efficiency|capacity|tonnage|tons?|btu\w*|pressure|psi|flow|gpm|cfm|"
    r"airflow|rpm|horsepower|hp|specs?|specifications?|service notes?|locked rotor|full load|overcurrent)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(its|it|that unit|this unit|the unit|that one|this one|that model|this model)\b",
                      re.IGNORECASE)
_NAMEPLATE = re.compile(r"\b(?:name ?plate|data ?plate|rating plate|(?:the|this|that) plate)\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^\s*(?:and|also|what about|how about|plus)\b", re.IGNORECASE)
_KNOWLEDGE = re.compile(
    r"\b(requirements?|required|require|code|standard|section|how often|frequency|interval|allowed|maximum|"
    r"minimum|clearance|procedure|troubleshoot\w*|what causes|why (?:is|does|would|do)|symptoms?|test(?:ing)? "
    r"(?:procedure|frequency)|annual|quarterly|monthly|weekly|semi-?annual)\b",
    re.IGNORECASE,
)
_JOB_REF = re.compile(
    r"\b(?:my |the )?(?:next|last|final|first|previous) (?:job|site|stop|appointment|visit|call|customer|work order)"
    r"(?: (?:of the day|today))?\b|\b(?:this|my current|the current) job\b|\bjob (?:number |#\s*)?\d+\b",
    re.IGNORECASE,
)
_AFTER = re.compile(r"\b(?:job|stop|one|site|appointment|visit|work|go)\s+(?P<side>after|before)\s+(?:the\s+|my\s+)?"
                    r"(?P<what>[A-Za-z0-9][\w .'&-]*?)\s*(?:\?|$|[.!,])", re.IGNORECASE)
_HERE_WORDS = re.compile(r"\b(here|this (?:site|building|place|location|address)|where i am|where i'm at)\b",
                         re.IGNORECASE)
_THERE_WORDS = re.compile(r"\b(there|that (?:site|building|place|location|address))\b", re.IGNORECASE)
_PREPOSITION = re.compile(r"\b(?:at|for|to|of|owns|near)\s+(?:the\s+)?([A-Za-z0-9][\w .'&-]*?)\s*(?:\?|$|\.|,|!)",
                          re.IGNORECASE)
_NOT_A_PLACE = re.compile(r"^(?:this|that|the|my)?\s*(?:site|building|place|job|location|one|here|there|it|"
                          r"get there|away|inspection|inspections|know|show up)$", re.IGNORECASE)
# Discourse markers and hesitations speech recognition keeps ("uh", "ok so", "morning clara"): they carry no request.
_HESITATION = re.compile(r"\b(?:uh+|um+|erm|hmm+)\b[,.]?\s*", re.IGNORECASE)
_LEADING_FILLERS = re.compile(r"^(?:\s*(?:ok(?:ay)?|so|well|alright|all right|right|oh|hey|hi|hello|yo|clara|actually|"
                              r"wait|sorry|(?:good )?(?:morning|afternoon|evening))\b[,.!]?)+\s*", re.IGNORECASE)
# A question about documents (standards, manuals, procedures, intervals): a place or unit it names is context, not
# the thing asked for, so it goes to the knowledge base before any place or job tool can take the "at X".
_DOCUMENT = re.compile(
    r"\b(?:manuals?|standards?|nfpa|per (?:the )?(?:manual|standard)|what does (?:the |nfpa )?\w+ say|"
    r"code (?:says?|requires?|requirements?)|(?:per|by|to) code|how often|frequency|intervals?|procedures?|"
    r"steps? (?:to|for)|troubleshoot\w*|what causes|"
    r"how (?:do|should|would|can) (?:i|you|we) (?:test|reset|inspect|check|troubleshoot|drain|replace|service)|"
    r"why (?:is|does|would|do|did|won'?t|isn'?t|doesn'?t|keeps?)|what (?:do|should) i check)\b",
    re.IGNORECASE,
)
# "after Chase Center", "after this one", "before that": the anchor of a question about the day's order.
_ANCHOR = re.compile(r"\b(?P<side>after|before)\s+(?P<what>[^?.!,]+)", re.IGNORECASE)
# Words that point at a job already in the conversation ("this one", "that stop"), as an anchor's whole phrase.
_DEICTIC_JOB = re.compile(r"^(?:this|that|it|there|here|this one|that one|the current one|(?:this|that|my current|"
                          r"the current|the) (?:job|stop|site|place|visit|appointment|call|one))\b", re.IGNORECASE)
# An ordinal said on its own ("who am I seeing first", "what's next", "the last one today"): a place in today's
# order, not the first step of a procedure.
_ORDINAL = re.compile(r"\b(?P<which>first|next|last|final|previous)(?:\s+(?:one|up|stop|job|site|visit|call|"
                      r"appointment|place|customer))?(?:\s+(?:today|of the day|on (?:my|the) (?:list|schedule)))?"
                      r"\s*(?:[?.!,]|$)", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon)|my day|the day)\b", re.IGNORECASE)
_SCHEDULE = re.compile(r"\b(?:plan|schedule|line-?up|agenda|jobs?|work orders?|stops|calls|appointments|visits|"
                       r"got|have|on)\b", re.IGNORECASE)
# Who to reach at a place: the customer's contact.
_CONTACT = re.compile(r"\b(?:customer|client|owner|owns|who(?:'s| is) at|contact|phone|number for|call|ask for|"
                      r"(?:their|his|her) number|"
                      r"talk to|speak (?:to|with)|manager|point of contact|who do i (?:see|meet|report to))\b",
                      re.IGNORECASE)
# What the customer or site asks of a visitor, when a place is named or meant.
_SITE_RULES = re.compile(r"\b(?:rules?|requirements?|restrictions?|access|badge|check.?in|escort|insurance|permits?|"
                         r"ppe|hours|anything (?:special|i should know)|should i know|need to know|contractors?|"
                         r"vendors?)\b", re.IGNORECASE)
# A first-person report of where the technician is with a job: "heading over now", "just got here", "all done here".
_STATUS_SAID = re.compile(
    r"^(?:(?:i'?m|i am|we'?re|we are|i'?ve|i have|we'?ve|just|now|all|finally)\s+)*"
    r"(?:on (?:my|our) way|omw|heading|headed|driving (?:over|there|to)|leaving (?:for|now)|en ?route|arrived|"
    r"rolling (?:out|over)|on the road|closing (?:it |this |this one )?out|"
    r"got (?:here|there|on ?site|to (?:the )?(?:site|job))|made it|pulled (?:up|in)|on ?site|starting|started|done|"
    r"finished|wrapping (?:up|it up)|wrapped (?:up|it up)|complete[d]?)\b"
    r"|^(?:i'?m|i am|we'?re|we are)\s+(?:just\s+|now\s+)?(?:here|there|on ?site|at the (?:site|job))\b",
    re.IGNORECASE,
)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|yup|ya|correct|that'?s (?:right|correct)|right|confirm(?:ed)?|save(?: it)?|"
                  r"go ahead|go for it|do it|send it|sounds good|looks good|perfect|affirmative|please do|ok(?:ay)?|sure|"
                  r"that works|lock it in)\b", re.IGNORECASE)
_NO = re.compile(r"^\s*(?:no|nope|nah|not quite|wrong|incorrect|that'?s wrong|negative)\b", re.IGNORECASE)
_QUESTION = re.compile(r"\?\s*$|^\s*(?:what|who|whose|where|when|how|why|which|is|are|can|could|does|do|tell|show|"
                       r"give|find|list|brief|log|record|report|add|write|mark|set|switch)\b", re.IGNORECASE)
_CANCEL = re.compile(r"\b(?:cancel(?: it| that)?|never ?mind|forget (?:it|that)|scrap (?:it|that)|discard|drop it|"
                     r"don'?t (?:save|log|record) (?:it|that|anything))\b", re.IGNORECASE)
_SEVERITY_WORDS = (r"out of service|out of order|inoperable|inoperative|impaired|critical|urgent|severe|"
                   r"high(?: priority| severity)?|needs? (?:a )?repair|medium|moderate|deficient|minor|cosmetic|"
                   r"recommend(?:ed|ation)?|suggest(?:ed|ion)?|low(?: priority| severity)?|not (?:critical|urgent|serious)|"
                   r"non-critical")
# "..., severity high", "..., out of service", "... - minor" at the end, or "severity high" anywhere.
_SEVERITY_TAIL = re.compile(rf"(?:\s*[,;.-]\s*|\s+(?=severity|priority))(?:(?:severity|priority)(?: is| should be| level)?"
                            rf"\s*[:-]?\s*|(?:mark(?: it)?|it'?s|as|make it)\s+)?(?P<words>{_SEVERITY_WORDS})"
                            rf"(?:\s+(?:severity|priority))?\s*[.!]?\s*$", re.IGNORECASE)
_SEVERITY_SAID = re.compile(rf"\b(?:severity|priority)(?: is| should be| level)?\s*[:-]?\s*(?P<words>{_SEVERITY_WORDS})\b"
                            rf"[,;]?", re.IGNORECASE)
_SEVERITY_ALONE = re.compile(rf"^(?:(?:severity|priority)(?: is| should be| level)?\s*[:-]?\s*|(?:mark(?: it)?|"
                             rf"it'?s|make it|make that)\s+)?(?P<words>{_SEVERITY_WORDS})\b", re.IGNORECASE)
# Where on site: "in the kitchen", "on the roof", "in stairwell B" (not "in the red").
_LOCATION = re.compile(
    r"\b(?:in|at|on|inside|near|by|behind|outside|under|above)\s+(?:the\s+)?(?P<where>(?!the red\b|red\b|the green\b|"
    r"green\b|the yellow\b|yellow\b)[a-z0-9][a-z0-9 '-]*?)(?=\s+(?:has|have|is|are|was|were|shows?|showing|needs?|won'?t|"
    r"doesn'?t|does not|can'?t|cannot|isn'?t|leaks?|leaking|missing|with|reads?|reading|keeps?|had)\b|\s*[,.;!?:]|$|"
    r"(?<!\bof)\s+(?=(?:the|an?|its|their)\s))",
    re.IGNORECASE,
)
_PLACE_NOUN = re.compile(r"\b(?:room|floor|stairwell|stair|roof|kitchen|corridor|hall|hallway|vault|basement|garage|"
                         r"lobby|closet|level|wing|riser|warehouse|dock|office|suite|attic|mezzanine|penthouse|"
                         r"parking|entrance|exit|yard|shaft|area|zone|bay|deck|tower|building|plant|center|lab|shop)\b", re.IGNORECASE)
_PREDICATE = re.compile(r"\s+(?:has|have|is|are|was|were|shows?|needs?|won'?t|doesn'?t|can'?t|isn'?t|leaks?|"
                        r"leaking|missing|keeps?|had|reads?|reading|with|fails?|failed|tripped|trips)\b", re.IGNORECASE)
_COMMAND = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can you|could you|i need to|i want to|i'?d like to|let'?s|go ahead and)\s+)?"
    r"(?:log|record|report|add|write up|note|file|open|enter)\s+(?:a\s+|an\s+|the\s+|new\s+)*deficienc(?:y|ies)"
    r"\s*(?:(?:on|for|about|against)\s+)?[:,.;-]?\s*|^\s*deficiency\s*(?:[:,.;-]\s*|(?:on|for|about)\s+)",
    re.IGNORECASE,
)
# A clause that only asks for the write ("..., put that down as a deficiency, ..."): not part of what is wrong.
_COMMAND_CLAUSE = re.compile(r"^\s*(?:and\s+)?(?:please\s+)?(?:(?:can|could) you\s+|go ahead and\s+)?"
                             r"(?:log|record|report|write|note|file|enter|put|flag|add|mark)\s+(?:it|this|that)"
                             r"(?:\s+(?:down|up|in))?(?:\s+as\s+(?:a\s+|an\s+)?(?:new\s+)?deficiency)?"
                             r"(?:\s+(?:for me|please))?\s*$", re.IGNORECASE)
# A request to write something up: a write verb and "deficiency" in one sentence, or "... as a deficiency".
_WRITE = re.compile(r"\b(?:log|record|report|add|write|note|file|enter|put|flag|open|create|make|raise|submit)\b"
                    r"[^.?!]*?\bdeficienc|\bas (?:a |an )?(?:new )?deficiency\b", re.IGNORECASE)
_TRAILING_COMMAND = re.compile(r"[,.;]?\s*(?:please\s+)?(?:log|record|report|write|note)\s+(?:it|this|that)"
                               r"(?:\s+up)?(?:\s+as\s+(?:a\s+)?deficiency)?(?:\s+please)?\s*[.!]?\s*$", re.IGNORECASE)
_STATUS_CHANGE = re.compile(
    r"^\s*(?:i'?m|i am|we'?re|i'?ve|i have|just)?\s*(?:on my way|omw|heading (?:over|out|there|to)|en ?route|"
    r"rolling (?:out|over)|"
    r"arrived|on ?site|here now|starting|started|done|finished|wrapping up|wrapped up)\b|"
    r"\b(?:mark|set|change|update|move|put)\b.*\b(?:job|status|it)\b.*\b(?:en ?route|on ?site|in progress|"
    r"complete\w*|done|finished|cancel\w*)\b|\b(?:cancel) (?:this|the|my|that) job\b",
    re.IGNORECASE,
)
_PREFERENCE_PHRASES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("skill_level", ((r"\b(beginner|novice|new tech\w*|apprentice|explain (?:more|the steps))\b", "beginner"),
                     (r"\b(expert|senior tech\w*|just the numbers|terse)\b", "expert"),
                     (r"\bintermediate\b", "intermediate"))),
    ("units", ((r"\bmetric\b", "metric"), (r"\b(imperial|us units|us customary|feet and inches)\b", "imperial"))),
    ("verbosity", ((r"\b(brief|shorter|short answers|(?:answers?|it) short|less detail|concise)\b", "brief"),
                   (r"\b(detailed|more detail|longer answers|elaborate)\b", "detailed"),
                   (r"\bnormal (?:length|answers|verbosity)\b", "normal"))),
)


def clean(text: str) -> str:
    return text.strip().strip("?!.,;: ").strip()


def _known_in(text: str, known: Sequence[str]) -> str | None:
    """The longest known customer name, site name or street address the text contains."""
    lowered = text.lower()
    return next((name for name in sorted(known, key=len, reverse=True)
                 if re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", lowered)), None)


# When the technician is expected somewhere: the job's scheduled start, not a drive time or a document.
_WHEN_DUE = re.compile(
    r"\b(?:when|what time)\b.*\b(?:(?:supposed|meant|due|need|have|got|gotta) (?:to )?be (?:there|at|on)|be there"
    r"|(?:that|the|this|my) (?:job|visit|appointment|one) (?:start|begin)s?"
    r"|does (?:that|the|it) (?:job|visit|appointment) (?:start|begin)|am i (?:due|expected|scheduled))\b",
    re.IGNORECASE)


_WRITTEN_UP = re.compile(r"\b(?:already (?:written up|logged|on (?:file|record))|written up|write-?ups|"
                         r"open (?:deficienc(?:y|ies)|items|issues)|existing deficienc(?:y|ies)|"
                         r"deficiencies (?:on file|there|here))\b", re.IGNORECASE)


# "..., no wait, ...": what follows takes the place of what the technician named just before it.
_CORRECTION = re.compile(r"[,;.]?\s*\b(?:no wait|wait no|no sorry|sorry|no,? i mean|i mean|i meant|scratch that|"
                         r"actually|no)\b[,;.]?\s+(?:make (?:it|that)\s+|i mean\s+)?", re.IGNORECASE)


def corrected(text: str, known: Sequence[str]) -> str:
    """The message as meant when a place is corrected mid-sentence: "how long to the ferry building, no wait, the
    wework" asks about WeWork. Only a known place named on both sides counts, so "no" elsewhere changes nothing."""
    for match in _CORRECTION.finditer(text):
        before, after = text[:match.start()], text[match.end():]
        wrong, right = _known_in(before, known), _known_in(after, known)
        if wrong and right and wrong.lower() != right.lower():
            cut = before.lower().rfind(wrong.lower())
            rest = after[after.lower().find(right.lower()) + len(right):]
            return before[:cut] + right + rest
    return text


def place_reference(text: str, known: Sequence[str]) -> str | None:
    """The place a message means, in its own words: a job reference ("my next site", "the job after X"), a known
    name, "here", "there", or what follows "at/for/to"; None when it names none."""
    named = named_place(text, known)
    if named:
        return named
    match = _PREPOSITION.search(text)
    place = clean(match.group(1)) if match else None
    return None if not place or _NOT_A_PLACE.match(place) else place


def _clauses(text: str) -> list[str]:
    """A message's clauses: split at commas, semicolons and sentence ends (not the point in "2.5")."""
    return [part for part in re.split(r"\s*(?:[,;]|[.!](?=\s|$))\s*", text) if part]


def asks_to_write(text: str) -> bool:
    """Whether a message asks for a deficiency: "log a deficiency ...", "... as a deficiency", or a clause of its own
    that only says to write the rest down ("the pump is leaking. record that.")."""
    return bool(_WRITE.search(text) or re.match(r"\s*deficiency\s*(?:[:,.;-]|(?:on|for|about)\b)", text, re.IGNORECASE)
                or (len(_clauses(text)) > 1 and any(_COMMAND_CLAUSE.match(part) for part in _clauses(text))))


def plain(text: str) -> str:
    """The request without hesitations and leading discourse markers ("ok so uh what's next" -> "what's next")."""
    return _LEADING_FILLERS.sub("", _HESITATION.sub("", text)).strip()


def day_anchor(text: str, known: Sequence[str]) -> tuple[str, str] | None:
    """The job a question about the day's order counts from, as (side, words): "after Chase Center", "after this
    one", "before that". None when "after" anchors something else ("recharging after use")."""
    trailing = re.search(r"\b(?:one|job|stop|site)\s+(?P<side>after|before)\s*(?:that|it|this)?\s*[?.!]*$", text,
                         re.IGNORECASE)
    if trailing:  # "and the one after": after the job just discussed
        return trailing.group("side").lower(), "that"
    for match in _ANCHOR.finditer(text):
        words = re.sub(r"^(?:the|my)\s+", "", clean(match.group("what")), flags=re.IGNORECASE)
        words = re.sub(r"\s+(?:today|job|one|stop|site)$", "", words, flags=re.IGNORECASE) or words
        side = match.group("side").lower()
        if _DEICTIC_JOB.fullmatch(words) or clock_heard(words):  # "after this one", "after the ten o'clock one"
            return side, words.lower()
        name = _known_in(words, known)
        if name and words.lower().startswith(name.lower()):
            return side, name
        job = _JOB_REF.match(clean(match.group("what")))
        if job:
            return side, job.group(0).lower()
    return None


def named_place(text: str, known: Sequence[str]) -> str | None:
    """A place a message names or points at, without guessing from "at/for ...": a job reference, a known name,
    "here" or "there"."""
    after = _AFTER.search(text)
    if after:
        return f"{after.group('side')} {clean(after.group('what'))}"
    job = _JOB_REF.search(text)
    if job:
        return job.group(0).lower()
    name = _known_in(text, known)
    if name:
        return name
    if _HERE_WORDS.search(text):
        return "here"
    return "there" if _THERE_WORDS.search(text) else None


def _ordinal_alone(text: str) -> str | None:
    """ "who am I seeing first", "what's next", "and the last one?": the ordinal, when it stands for a job."""
    match = _ORDINAL.search(text)
    return match.group("which").lower() if match else None


def preferences(text: str) -> dict[str, str]:
    lowered = text.lower()
    changes: dict[str, str] = {}
    for preference, phrases in _PREFERENCE_PHRASES:
        value = next((value for pattern, value in phrases if re.search(pattern, lowered)), None)
        if value is not None:
            changes[preference] = value
    return changes


def _severity(body: str) -> tuple[str | None, str]:
    """The severity the technician stated and the text without it; else one their words imply."""
    stated = _SEVERITY_TAIL.search(body) or _SEVERITY_SAID.search(body)
    if stated:
        return clean(stated.group("words")), clean(body[:stated.start()] + body[stated.end():])
    implied = severity_of(body)
    return (implied, body) if implied and implied != "deficient" else (None, body)


def _unit_words(subject: str) -> str | None:
    """The unit a phrase names, when it names one: a model, a kind of equipment, or "that unit"."""
    if model_mentions(subject) or UNIT_KINDS.search(subject) or re.search(r"\b(?:that|this) unit\b", subject, re.I):
        return clean(re.sub(r"^(?:the|a|an|on)\s+", "", subject.strip(), flags=re.IGNORECASE))
    return None


def _place(text: str) -> re.Match[str] | None:
    """Where on site a phrase says: "in the kitchen", "on the roof", "in stairwell B" (not "on startup")."""
    return next((m for m in _LOCATION.finditer(text) if _PLACE_NOUN.search(m.group("where"))), None)


def deficiency(text: str) -> dict[str, Any]:
    """A deficiency as said, split into what is wrong, how bad, which unit and where."""
    body = _TRAILING_COMMAND.sub("", _COMMAND.sub("", text, count=1))
    body = ", ".join(part for part in _clauses(body) if not _COMMAND_CLAUSE.match(part))
    body = re.sub(r"^(?:so|ok(?:ay)?)\b\s*,?\s*", "", clean(body), flags=re.IGNORECASE)
    severity, body = _severity(body)
    subject, colon, rest = body.partition(":")
    if not colon:
        predicate = _PREDICATE.search(body)
        subject, rest = (body[:predicate.start()], body[predicate.start():]) if predicate else (body, "")
    arguments: dict[str, Any] = {}
    where = _place(subject)
    if where:
        arguments["location"] = clean(where.group("where"))
        subject = subject[:where.start()] + subject[where.end():]
    elif (where := _place(rest)) is not None:
        arguments["location"] = clean(where.group("where"))
    subject = clean(re.sub(r"\s+", " ", subject))
    unit = _unit_words(subject)
    if unit is None:
        kind = UNIT_KINDS.search(body)
        unit = kind.group(1).lower() if kind else None
    named = clean(re.sub(r"^(?:the|a|an|on)\s+", "", subject, flags=re.IGNORECASE))
    if unit is None and where is not None and len(named.split()) == 1:
        # "the Amerex in the kitchen": a one-word subject said with its place names the unit (by maker, say); the
        # site's equipment decides, and the read-back says when nothing there matches.
        unit = named
    description = clean(rest) if colon else clean(f"{subject} {rest.strip()}")
    description = re.sub(r"^(?:the|a|an)\s+", "", description, flags=re.IGNORECASE)
    arguments = {"description": description, **({"severity": severity} if severity else {}), **arguments}
    if unit:
        arguments["equipment"] = unit
    return arguments


def _correction(text: str, kind: str) -> dict[str, Any]:
    """What an answer to a read-back changes ("no, severity high", "it's the B260 in the kitchen")."""
    body = re.sub(r"^(?:\s*(?:no|nope|nah|not quite|wrong|actually|yes|yeah|yep|ok(?:ay)?|so|well|wait|sorry|oh|uh+|"
                  r"um+|hmm+|i mean)\b[,.!]?)+\s*", "", text, flags=re.IGNORECASE)
    if kind == "job_status":
        status = status_of(body)
        return {"status": status} if status else {}
    changes: dict[str, Any] = {}
    alone = _SEVERITY_ALONE.match(clean(body))
    if alone and not clean(body[alone.end():]):
        return {"severity": clean(alone.group("words"))}
    body = re.sub(r"^(?:but\s+)?(?:it'?s|it is|it was|make it|change it to|should be|i meant|i mean)\s+", "", body,
                  flags=re.IGNORECASE)
    stated, body = _severity(body) if _SEVERITY_TAIL.search(body) or _SEVERITY_SAID.search(body) else (None, body)
    if stated:
        changes["severity"] = stated
    described = re.match(r"^(?:the )?description(?: is| should be| to)?\s*[:,-]?\s*(.+)$", body, re.IGNORECASE)
    if described:
        return {**changes, "description": clean(described.group(1))}
    where = _LOCATION.search(body)
    if where:
        changes["location"] = clean(where.group("where"))
        body = clean(body[:where.start()] + body[where.end():])
    unit = _unit_words(body) if body else None
    if unit:
        changes["equipment"] = unit
    elif "location" not in changes and _PLACE_NOUN.search(body):  # "the kitchen one"
        changes["location"] = clean(re.sub(r"^(?:the\s+)|\s+one$", "", body, flags=re.IGNORECASE))
    return changes


def draft_answer(text: str, kind: str) -> Route | None:
    """A message answering a read-back: yes, no, cancel, or a correction; None when it is about something else
    (a question, a new request: the draft is then set aside, never saved by a later yes)."""
    if _CANCEL.search(text):
        return Route("edit_draft", {"cancel": True})
    if _QUESTION.search(text) and not (_YES.match(text) or _NO.match(text)):
        return None
    correction = _correction(text, kind)
    if correction:  # "no, severity high", "yes, but it's the B260": a correction, never a yes
        return Route("edit_draft", correction)
    yes, no = _YES.match(text), _NO.match(text)
    if yes and not no:
        return Route("confirm_draft", {"accept": True})
    if no:
        return Route("confirm_draft", {"accept": False})
    return None


def route(text: str, tools: set[str], known_places: Sequence[str], *, draft_kind: str | None = None,
          photo: bool = False) -> Route | None:
    """The tool a message asks for, with its arguments; None when no rule applies (similarity decides then).

    `draft_kind` names the draft waiting for a yes, if any: then answers to it come first. `photo` says the unit
    discussed is the one last read from a nameplate: "it" and "this one" then mean that unit, answered from its
    plate. The order is by what a message is about, most specific first: a write or a status report; a question
    about documents (a place it names is context); the day's order; a place (who, rules, what's due, how far); then
    specs and the knowledge base.
    """

    def pick(name: str, **arguments: Any) -> Route | None:
        return Route(name, {k: v for k, v in arguments.items() if v is not None}) if name in tools else None

    if draft_kind is not None and "confirm_draft" in tools:
        answer = draft_answer(text, draft_kind)
        if answer is not None:
            return answer
    text = corrected(plain(text), known_places)
    if not clean(text):
        return None
    lowered = text.lower()
    changes = preferences(text)
    if changes and re.search(r"\b(set|switch|change|use|make|keep|prefer|i'?m|i am|be more|talk to me|treat me|give me|"
                             r"from now on|answers?|preferences?|settings?|units)\b", lowered):
        return pick("set_preferences", **changes)
    if re.search(r"\b(preferences|settings|skill level|verbosity)\b", lowered):
        return pick("get_preferences")
    fixed = re.search(r"\b(fixed|repaired|resolved|corrected)\b", lowered)
    if not fixed and asks_to_write(text):
        return pick("log_deficiency", **deficiency(text))
    if fixed and re.search(r"\b(mark|set|it'?s|is|was|been|deficiency)\b", lowered):
        number = re.search(r"(?:deficiency|number|#|no\.?)\s*#?\s*(\d+)", lowered)
        return pick("mark_deficiency_fixed", deficiency_id=int(number.group(1)) if number else None)
    if _STATUS_CHANGE.search(text) or (_STATUS_SAID.search(text) and not _QUESTION.search(text)):
        status = status_of(text)
        if status is not None:
            job = _AFTER.search(text) or _JOB_REF.search(text)
            where = _known_in(text, known_places)
            return pick("update_job_status", status=status, job=job.group(0).lower() if job else where)
    if re.search(r"\b(daily brief|brief me|my day|plan for (?:the day|today)|today'?s plan|morning brief|"
                 r"summary of (?:my|the) day|how does my day look)\b", lowered):
        return pick("daily_brief")
    if _STANDARD.search(text):
        return pick("knowledge_search", query=clean(text), source="nfpa")
    if _DOCUMENT.search(text):
        return pick("knowledge_search", query=clean(text))
    travel = re.search(r"\b(how (?:long|far)|travel time|drive time|driving time|get to|drive to|eta|distance to|"
                       r"drive there)\b", lowered)
    anchor = day_anchor(text, known_places)
    if anchor and not travel and not _CONTACT.search(text) and not _SITE_RULES.search(text):
        side, what = anchor
        return pick("next_job", after=what) if side == "after" else pick("job_details", job=f"the job before {what}")
    after = _AFTER.search(text)
    if after and after.group("side") == "after" and not re.search(r"\b(how (?:long|far)|customer)\b", lowered):
        return pick("next_job", after=clean(after.group("what")))
    if re.search(r"\b(next (?:job|stop|appointment|visit|call)|where am i (?:going|headed)|where to next)\b", lowered) \
            and not re.search(r"\b(how (?:long|far)|customer|who|special|know|due|drive|distance)\b", lowered):
        return pick("next_job")
    if re.search(r"\b(?:last|final|first|previous) (?:job|stop|appointment|visit|call)\b", lowered) and \
            not re.search(r"\b(how (?:long|far)|customer|who|special|due|drive|distance)\b", lowered):
        return pick("job_details", job=_JOB_REF.search(text).group(0).lower())  # type: ignore[union-attr]
    if re.search(r"\b(my jobs|jobs (?:today|for today|do i have)|today'?s jobs|my schedule|schedule today|"
                 r"what'?s on (?:my plate|today)|how many jobs)\b", lowered):
        return pick("my_jobs_today")
    about_equipment = bool(UNIT_KINDS.search(text) or _SPEC_TOPIC.search(text) or model_mentions(text))
    if _WHEN_DUE.search(text) and not about_equipment:
        ordinal = _ORDINAL.search(text)
        job = _JOB_REF.search(text)
        return pick("job_details", job=job.group(0).lower() if job else f"my {ordinal.group('which').lower()} job"
                    if ordinal else place_reference(text, known_places) or "that job")
    if _WRITTEN_UP.search(text) and not about_equipment:  # what is already on record at a place or job
        return pick("job_details", job=place_reference(text, known_places) or "there")
    job_number = re.search(r"\bjob\s*(?:number\s*|#\s*|no\.?\s*)?(\d+)\b", lowered)
    if job_number or re.search(r"\b(this|current|the) job\b|\bjob details\b", lowered):
        there = "there" if _THERE_WORDS.search(text) and not job_number else None  # "what's the job there"
        return pick("job_details", job_id=int(job_number.group(1)) if job_number else None, job=there)
    if re.search(r"\b(special (?:requirements?|instructions?|rules?|notes?)|anything special|site rules|"
                 r"(?:need|should|have|ought) to know (?:before|about|there|here)|(?:before|when|once) i (?:show up|go|"
                 r"get there|arrive|head|pull up)|access (?:notes?|rules?|instructions?)|"
                 r"check.?in (?:rules|procedure))\b", lowered) or \
            (_SITE_RULES.search(text) and not about_equipment and named_place(text, known_places)):
        if _CONTACT.search(text) and re.search(r"\b(?:who|number|phone|contact)\b", lowered):
            # "who do I ask for when I get there"; "the contact's number, and any rules there": the customer card
            # carries the contact and the special requirements both
            return pick("customer_at_location", location=place_reference(text, known_places))
        return pick("site_requirements", site=place_reference(text, known_places))
    if re.search(r"\binspections?\b.*\b(due|overdue|needed|coming up|pending)\b|\bwhat(?:'s| is) (?:over)?due\b|"
                 r"\boverdue\b|\bdue (?:for|an?) (?:inspection|testing|test|service)\b", lowered):
        return pick("inspections_due", site=place_reference(text, known_places))
    trip = _trip(text, known_places) if travel else None
    if trip is not None:
        destination, origin = trip
        return pick("travel_time", destination=destination, origin=origin)
    if _CONTACT.search(text) and not (about_equipment and not re.search(r"\b(customer|client|owner|owns)\b", lowered)):
        return pick("customer_at_location", location=place_reference(text, known_places))
    ordinal = _ordinal_alone(text)
    if ordinal and not about_equipment and not _KNOWLEDGE.search(text):
        if ordinal == "next":
            return pick("next_job")
        return pick("job_details", job=f"my {'last' if ordinal == 'final' else ordinal} job")
    if _TODAY.search(text) and _SCHEDULE.search(text) and not about_equipment and not _KNOWLEDGE.search(text):
        return pick("my_jobs_today")
    models = model_mentions(text)
    if models:
        return pick("equipment_spec", model=models[-1], question=clean(text))
    if "read_nameplate" in tools and (_NAMEPLATE.search(text) or (_PRONOUN.search(text) and asks_age(text))):
        return pick("read_nameplate", question=clean(text))
    if photo and "read_nameplate" in tools and (_PRONOUN.search(text) or _FOLLOW_UP.search(text)) and \
            (_SPEC_TOPIC.search(text) or re.search(r"\bserial\b", lowered)):
        return pick("read_nameplate", question=clean(text))
    if _SPEC_TOPIC.search(text) and (_PRONOUN.search(text) or _FOLLOW_UP.search(text)):
        return pick("equipment_spec", question=clean(text))
    unit = UNIT_KINDS.search(text)
    if _SPEC_TOPIC.search(text) and unit:
        site = named_place(text, known_places)
        return pick("equipment_spec", model=f"the {unit.group(1).lower()}", question=clean(text),
                    site=None if site == "there" else site)
    if _KNOWLEDGE.search(text):
        return pick("knowledge_search", query=clean(text))
    place = _known_in(text, known_places)
    if place:
        return pick("customer_at_location", location=place)
    return None


# Words that can only ask about a trip, or "how far is it" said alone (the place is the one discussed). Otherwise
# "how long" and "how far" ask for a duration or a distance of any kind ("how long do we keep the records", "how far
# from an exit door"): a trip only when a place follows.
_TRIP = re.compile(r"\b(?:travel time|drive time|driving time|get (?:to|there|over)|drive (?:to|there|over)|eta|"
                   r"distance (?:to|from)|how far away|far from here|how long (?:will it take|till|until|to (?:get|drive"
                   r"|reach))|minutes away|miles away)\b|^\s*how (?:far|long)(?: is it| will it take| does it take)?[\s?.!]*$",
                   re.IGNORECASE)


def _trip(text: str, known: Sequence[str]) -> tuple[str | None, str | None] | None:
    """(destination, origin) of a question about getting somewhere; None when it asks how long or how far about
    something else."""
    origin = re.search(r"\bfrom\s+(?:the\s+)?(.+?)\s*(?:\?|$|[.!,])", text, re.IGNORECASE)
    destination = place_reference(text[:origin.start()] if origin else text, known)
    if destination in ("here",) or (destination and _NOT_A_PLACE.match(destination)):
        destination = None
    departure = clean(origin.group(1)) if origin else None
    places = [p for p in (destination, departure) if p]
    if not _TRIP.search(text) and not any(named_place(p, known) or _DEICTIC_JOB.match(p) for p in places):
        return None
    return destination, departure


def small_talk(text: str) -> str | None:
    lowered = text.lower().strip()
    if re.match(r"^(hi|hello|hey|good (?:morning|afternoon|evening)|yo)\b", lowered):
        return "Hi, Clara here. Ask me about your jobs, a customer, an equipment spec or a code requirement."
    if re.search(r"\b(thanks|thank you|cheers|appreciate it)\b", lowered):
        return "You're welcome."
    if re.match(r"^(ok|okay|got it|cool|great|perfect|sounds good|yes|yeah|yep|sure|no|nope|alright|all right)\W*$",
                lowered):
        return "Okay."
    if re.search(r"\b(tell me a joke|how are you|who are you|what can you do)\b", lowered):
        return ("I'm Clara: I look up your jobs, customers, equipment specs and code requirements, and log "
                "deficiencies.")
    return None


def arguments_for(tool: str, text: str, known: Sequence[str]) -> dict[str, Any]:
    """Arguments for a tool chosen by similarity alone: whatever the message offers for its main parameter."""
    if tool == "knowledge_search":
        return {"query": clean(text)}
    if tool == "log_deficiency":
        return deficiency(text)
    if tool == "equipment_spec":
        models = model_mentions(text)
        return {"question": clean(text), **({"model": models[-1]} if models else {})}
    if tool in ("customer_at_location", "inspections_due", "travel_time", "site_requirements"):
        place = place_reference(text, known)
        key = {"customer_at_location": "location", "inspections_due": "site", "travel_time": "destination",
               "site_requirements": "site"}[tool]
        return {key: place} if place else {}
    if tool == "set_preferences":
        return preferences(text)
    if tool == "update_job_status":
        status = status_of(text)
        return {"status": status} if status else {}
    return {}
