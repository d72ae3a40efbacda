"""A deficiency as a technician says it: whether a message asks for one, and what is wrong, how bad, which unit
and where. The unit and place stay in the technician's words; `clara.jobs.resolution` finds the unit at the site,
and the read-back shows what was understood before anything is stored.
"""

from __future__ import annotations

import re
from typing import Any

from clara.agent.fault_words import ASKS_WHEN_TO_WRITE, DOING, FAULT_STATE, ITS_STATE, PART, PREDICATE, STATE, \
    TROUBLE
from clara.agent.said import clauses, clean
from clara.agent.unit_words import generic_subject, unit_words
from clara.jobs.drafts import BEYOND_USE, NEEDS_REPAIR, NOT_URGENT, OUT_OF_SERVICE, severity_of
from clara.jobs.unit_match import UNIT_BY_PLACE, UNIT_KINDS
from clara.knowledge.spoken_models import model_mentions

SEVERITY_WORDS = (rf"{NOT_URGENT}|{OUT_OF_SERVICE}|tagged out|critical|urgent|severe|{BEYOND_USE}|"
                  rf"high(?: priority| severity)?|{NEEDS_REPAIR}|medium|moderate|deficient|minor|cosmetic|"
                  r"recommend(?:ed|ation)?|suggest(?:ed|ion)?|low(?: priority| severity)?|"
                  r"(?:monitor|watch) (?:it|that)|keep an eye on (?:it|that)")
# "..., severity high", "..., out of service", "... - minor" at the end, or "severity high" anywhere; unpunctuated
# speech ends with it as a clause of its own: "... its out of service", "... it just needs repair", "... call it low".
# A severity assigned, in the verbs technicians assign one with: "mark it high", "put it minor", "make needs repair"
# (the "it" dropped, as second-language speakers and radio talk do), "set it to low", "call it critical".
ASSIGNED = r"(?:mark|make|put|set|call|rate|flag|class|list)(?: (?:it|that|this))?(?: down)?(?: (?:as|at|to))?"
SEVERITY_TAIL = re.compile(rf"(?:\s*[,;.-]\s*|\s+(?=severity|priority)|\s+(?=(?:it|it'?s|its|it is|call it|mark it|"
                            rf"make it|put it down as)\s))"
                            rf"(?:(?:severity|priority)(?: is| should be| level)?\s*[:-]?\s*|"
                            rf"(?:{ASSIGNED}|as)\s+|"
                            # "... it's low" is a reading, "... it's low priority" a severity
                            # "..., that's a high": a grade, with its article
                            rf"(?:it'?s|its|it is|that'?s|thats|that is)\s+an?\s+|"
                            rf"(?:it'?s|its|it is|it)\s+"
                            rf"(?!(?:(?:just|only|really|pretty)\s+)?(?:low|high)\s*[.!]?\s*$))?"
                            rf"(?:(?:just|only|pretty|really|probably)\s+)?"
                            rf"(?P<words>{SEVERITY_WORDS})"
                            rf"(?:\s+(?:severity|priority))?\s*[.!]?\s*$", re.IGNORECASE)
SEVERITY_SAID = re.compile(rf"\b(?:severity|priority)(?: is| should be| level)?\s*[:-]?\s*(?P<words>{SEVERITY_WORDS})\b"
                            rf"[,;]?", re.IGNORECASE)
SEVERITY_ALONE = re.compile(rf"^(?:(?:severity|priority)(?: is| should be| level)?\s*[:-]?\s*|(?:mark(?: it)?|"
                             rf"it'?s|make(?: it| that)?|put(?: it| that)?(?: down)?(?: as| at)?|(?:bump|raise|change|set|drop|lower|move|knock)(?: it| that)?"
                             rf"(?: up| down| back)?(?: to)?"
                             # "say needs repair", "call it minor", "let's go with medium"
                             rf"|(?:(?:let'?s|lets|i'?d|i would|we'?ll|just)\s+)?(?:say|call it|go with)"
                             # the grade said before, taken again: "go back to high", "put it back to minor"
                             rf"|(?:(?:go|put it|set it|make it)\s+)?back to)\s+)?(?:(?:just|only)\s+)?(?P<words>{SEVERITY_WORDS})\b",
                             re.IGNORECASE)
# Where on site: "in the kitchen", "on the roof", "in stairwell B" (not "in the red").
LOCATION = re.compile(
    r"\b(?:(?:out|up|down|over|back)\s+)?(?:in|at|on|inside|near|by|behind|outside|under|above)\s+(?:the\s+)?"
    r"(?P<where>(?!the red\b|red\b|the green\b|green\b|the yellow\b|yellow\b|between\b)[a-z0-9][a-z0-9 '-]*?)"
    r"(?=\s+(?:has|have|is|are|was|were|shows?|showing|needs?|won'?t|"
    r"doesn'?t|does not|can'?t|cannot|isn'?t|leaks?|leaking|missing|with|reads?|reading|keeps?|had|got|gets)\b|"
    r"\s*[,.;!?:]|$|"
    r"(?<!\bof)\s+(?=(?:the|an?|its|their)\s))",
    re.IGNORECASE,
)
PLACE_NOUN = re.compile(r"\b(?:room|floor|stairwell|stair|roof|kitchen|corridor|hall|hallway|vault|basement|garage|"
                         r"lobby|closet|level|wing|riser|warehouse|dock|office|suite|attic|mezzanine|penthouse|"
                         r"parking|entrance|exit|yard|shaft|area|zone|bay|deck|tower|building|plant|center|lab|shop)\b",
                         re.IGNORECASE)
_COMMAND = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can you|could you|i need to|i want to|i'?d like to|let'?s|go ahead and)\s+)?"
    r"(?:log|record|report|add|write up|note|file|open|enter)\s+(?:a\s+|an\s+|the\s+|new\s+)*deficienc(?:y|ies)"
    r"\s*(?:(?:on|for|about|against)\s+)?[:,.;-]?\s*|^\s*deficiency\s*(?:[:,.;-]\s*|(?:on|for|about)\s+)"
    # a write-up after another: "log another one, ...", "one more deficiency: ...", "another deficiency: ..."
    r"|^\s*(?:(?:log|record|write up|add|note|put down)\s+(?:another|one more)(?:\s+(?:one|deficiency))?|"
    r"(?:another|one more|new)\s+deficiency)\s*(?:(?:on|for|about)\s+)?[:,.;-]?\s*(?=\S)",
    re.IGNORECASE,
)
# A clause that only asks for the write ("..., put that down as a deficiency, ..."): not part of what is wrong.
_COMMAND_CLAUSE = re.compile(r"^\s*(?:(?:and|ok(?:ay)?|alright|all right|right|so|now|then)\s*,?\s+)*(?:please\s+)?"
                             r"(?:(?:can|could) you\s+|go ahead(?:\s*,)?(?:\s+and)?\s+)?"
                             r"(?:log|record|report|write|note|file|enter|put|flag|add|mark)\s+(?:it|this|that)"
                             r"(?:\s+(?:down|up|in))?(?:\s+as\s+(?:a\s+|an\s+)?(?:new\s+)?deficiency)?"
                             r"(?:\s+(?:for me|please|too|as well|also))*\s*$", re.IGNORECASE)
# A request to write something up: a write verb and "deficiency" in one sentence, or "... as a deficiency".
_WRITE = re.compile(r"\b(?:log|record|report|add|write|note|file|enter|put|flag|open (?:up )?(?:a|an|new)|create|make|"
                    r"raise|submit)\b"
                    r"[^.?!]*?\bdeficienc|\bas (?:a |an )?(?:new )?deficiency\b|"
                    r"^\s*(?:another|one more|new)\s+deficiency\b"
                    # "log another one, ...": not "add another stop to my day", "note one more thing, what time ..."
                    r"|^\s*(?:log|record|write up|add|note|put down)\s+(?:another|one more)(?:\s+(?:one|deficiency))?"
                    r"\s*(?:[:,.;-]|$)", re.IGNORECASE)
# How a request opens before its verb: "please", "also", "can you", "I need to", "I'm gonna", "let's".
_REQUEST_OPENER = (r"^\s*(?:(?:please|ok(?:ay)?|so|and|also|plus|then|now|alright|all right|right|oh|hey|yo|clara|"
                   r"go ahead)\s*,?\s+)*"
                   r"(?:(?:can|could|would|will) you\s+|go ahead and\s+|let'?s\s+|let me\s+|"
                   r"(?:(?:i|we)\s+(?:need|want|have|got|would like)|i'?d like|we'?d like)\s+to\s+|"
                   r"(?:i|we)\s+(?:gotta|wanna)\s+|(?:i'?m|im|i am|we'?re)\s+(?:gonna|going to)\s+|"
                   r"(?:need to|gotta|gonna|have to)\s+)?")
# A request to write down what follows, said first: "note that the riser gauge is cracked", "make a note the jockey
# pump is short cycling", "put down that the FDC cap is missing", "write up the backflow, it's leaking", "I need to
# write up the Ansul system over the hood: ...", "also log the kitchen extinguisher: ...".
_LEADING_COMMAND = re.compile(_REQUEST_OPENER +
                              r"(?:(?:log|note|record|flag) (?:this|that|it)\s*[:,;-]|"
                              r"note|log|record|flag|document|jot down|write (?:up|down)|put down|red.?tag|"
                              r"(?:write|put|jot) (?:this|that|it) (?:up|down)(?: for me)?|"
                              r"(?:make|take|leave) a note(?: of)?)\s+(?:down\s+)?(?:that\s+)?(?=\S)", re.IGNORECASE)
_TRAILING_COMMAND = re.compile(r"[,.;]?\s*(?:please\s+)?(?:log|record|report|write|note|put|add|flag)\s+"
                               r"(?:it|this|that)"
                               r"(?:\s+(?:up|down))?(?:\s+as\s+(?:a\s+)?deficiency)?(?:\s+(?:please|too|as well|also))*"
                               r"\s*[.!]?\s*$", re.IGNORECASE)


# The write-up asked for of "it" before the fault is said ("ok write it up, the gauge is in the red"): when the fault
# names no unit, the unit is the one just talked about (a serial looked up, a unit asked whether it is overdue). Said
# after the fault ("the links are past date, put that down"), "that" is the fault, and no unit is meant.
_POINTED = re.compile(_REQUEST_OPENER + r"(?:write|put|jot|log|note|record|flag)\s+(?:it|that)\s+(?:up|down)\b",
                      re.IGNORECASE)


# Whether to write it up, asked: "should I write it up", "do we need to log that".
_WONDERS = re.compile(r"\b(?:should|shall|do|does|must|need|have) (?:i|we)\b[^,.;]*\b(?:log|write|record|"
                      r"report|note|put)\b", re.IGNORECASE)


# The technician asking what they may or must do ("can I still", "how fast do we"): the verb that follows is theirs to
# do, in the field or by the rules, not a request to Clara to write something down.
_ASKS_OWN_ACT = re.compile(r"\b(?:can|could|may|should|shall|do|does|must|need|have|has)\s+(?:i|we)(?:\s+(?:still|even|"
                           r"just|really|ever|actually))?\s*$", re.IGNORECASE)


# A write-up taken up again after an aside: "ok back to the write up, fire pump packing running a steady stream".
_RESUMED = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|alright|all right|anyway)\W+)*(?:back to|about|re|on|for) "
                      r"(?:the|that|my) "
                      r"(?:write.?up|deficiency|report)\b\W*\w", re.IGNORECASE)
# What says a grade is given to what was reported: "it's minor", "that's a high", "as critical".
_GRADED = r"(?:it'?s|its|it is|that'?s|thats|that is|as)\s+(?:an?\s+)?"
# A severity that ends a report as its own clause, in words that only ever name one: "..., relief valve dumping,
# deficient", "Kitchen hood suppression: two nozzle caps missing. Medium." ("..., reading low" is a reading.)
# A severity assigned with a verb ("mark it high", "put it low") is one, though "high" and "low" alone may be readings.
_VERDICT = re.compile(rf"^(?:(?:{_GRADED})?(?:(?:just|only|pretty|really|probably)\s+)?(?:{NOT_URGENT}|"
                      rf"{OUT_OF_SERVICE}|"
                      rf"critical|urgent|deficient|{NEEDS_REPAIR}|{BEYOND_USE}|medium|moderate|minor|cosmetic|severe|"
                      r"(?:high|low|medium) (?:priority|severity)|"
                      r"(?:severity|priority) (?:high|low|medium|critical))|"
                      rf"{ASSIGNED}\s+(?:{SEVERITY_WORDS}))\W*$", re.IGNORECASE)


def reported_with_a_verdict(text: str) -> bool:
    """Whether a message is a write-up said without a verb: a unit, what is wrong with it, and a severity as a clause
    of its own ("backflow at the north riser, relief valve dumping, deficient"; a bare "high" or "low" only after a
    clause that says what is wrong: "... has a dent, high"). Never a question: a fault asked about is for the manuals.
    The unit may be named by where it is alone ("the thing in the vault"). The read-back decides what is stored."""
    parts = clauses(text)
    bare = len(parts) > 1 and re.fullmatch(rf"(?i)\s*(?:{_GRADED})?(?:high|low)\W*", parts[-1]) and \
        PREDICATE.search(" " + parts[-2])
    if len(parts) < 2 or not (_VERDICT.match(parts[-1].strip()) or bare) or "?" in text or _ASKS_ABOUT.search(text):
        return False
    said = " ".join(parts[:-1])
    return bool((UNIT_KINDS.search(said) or UNIT_BY_PLACE.search(said) or model_mentions(said)) and
                (PREDICATE.search(f" {said}") or TROUBLE.search(said) or len(parts) > 2))


def asks_to_write(text: str) -> bool:
    """Whether a message asks for a deficiency: "log a deficiency ...", "... as a deficiency", a clause of its own
    that only says to write the rest down ("the pump is leaking. record that."), or a request to note a problem
    with a unit ("note that the riser gauge is cracked"): a unit and what is wrong with it. A question about when
    one must be written ("how soon do we report ...") asks the standards, and a command clause after "can I" (split
    off a spoken "can I still put it in") is the technician's own act asked about."""
    parts = clauses(text)
    commanded = any(_COMMAND_CLAUSE.match(part) and not (at and _ASKS_OWN_ACT.search(parts[at - 1]))
                    for at, part in enumerate(parts))
    return bool((_WRITE.search(text) and not ASKS_WHEN_TO_WRITE.search(text)) or
                re.match(r"\s*deficiency\s*(?:[:,.;-]|(?:on|for|about)\b)", text, re.IGNORECASE)
                or (len(parts) > 1 and commanded)
                # "... has a bad belt log it", but not "should I write it up?"
                or bool(_TRAILING_COMMAND.search(text) and PREDICATE.search(text) and not _WONDERS.search(text))
                or _notes_a_problem(text) or bool(_RESUMED.match(text)) or reported_with_a_verdict(text))


# A question about a problem, not a request to write it down: "what should I check", "is that normal", "any ideas",
# "how do I fix it", "what could cause that", "where do I start", "thoughts".
_ASKS_ABOUT = re.compile(
    r"\b(?:what|how|why|where|which)(?:'?s)?\s+(?:do|does|did|should|would|could|can|might|is|are|was|to|now|else|"
    r"wrong|causing|going on|gives)\b|\bwhat (?:could|would|might|can|may) (?:be )?caus|\bhow (?:come|so)\b|"
    r"\b(?:is|are|was) (?:that|this|it|they|those) (?:normal|ok(?:ay)?|bad|a problem|an issue|a big deal|serious|safe|"
    r"common|expected)\b|\bany (?:ideas?|thoughts|tips|suggestions|advice|clue)\b|\b(?:thoughts|ideas)\W*$",
    re.IGNORECASE)


def asks_about_a_problem(text: str) -> bool:
    """Whether a message asks a question rather than for a write-up: "the pump keeps tripping, what do I check",
    "the packing is dripping a lot, is that normal". Only a request to write makes a draft; a question is answered."""
    return bool(_ASKS_ABOUT.search(text)) and not asks_to_write(text)


def troubleshooting(text: str) -> bool:
    """Whether a message asks what to do about a fault it describes: for the manuals, never a record or a spec."""
    return asks_about_a_problem(text) and bool(TROUBLE.search(text))


# Said of a second write-up, so it is not taken for a correction of the first: "... too", "... as well", "another".
_ADDITIVE = re.compile(r"\b(?:too|as well|also|another|one more)\b", re.IGNORECASE)
# How a correction of a read-back opens: "no, it's the B260", "actually make it high", "wrong unit, the other one".
_CORRECTION_OPENER = re.compile(r"^\W*(?:no|nope|nah|not|actually|wait|sorry|i mean|i meant|it'?s|it is|make|change|"
                                r"set|switch|wrong|scratch)\b", re.IGNORECASE)


def says_what_is_wrong(text: str) -> bool:
    """Whether words say something of a unit ("... is weeping", "... has a cracked belt", "... missing its pin")."""
    return bool(PREDICATE.search(f" {text}"))


def another_write(text: str) -> bool:
    """Whether a message said while a write-up waits is a write-up of its own: asked for ("..., log that too") or
    said as one more ("the backflow in the riser room is weeping too", "and the kitchen one's tag is torn, minor"),
    naming a unit and what is wrong with it.
    Taken for a correction, it would keep the waiting draft's description and swap only its unit."""
    # a severity said with it ("and the kitchen one has a broken tag, minor") grades a write-up: nobody grades a
    # question
    if _CORRECTION_OPENER.match(text) or not (asks_to_write(text) or _ADDITIVE.search(text) or
                                              SEVERITY_TAIL.search(text)):
        return False
    arguments = deficiency(text)
    return bool(arguments.get("equipment")) and says_what_is_wrong(arguments["description"])


def _notes_a_problem(text: str) -> bool:
    """ "note that the riser gauge is cracked": a leading request to write, then a unit or part and a predicate."""
    lead = _LEADING_COMMAND.match(text)
    if lead is None:
        return False
    rest = text[lead.end():]
    said_of = PREDICATE.search(rest)
    if said_of is not None and bool(unit_words(rest[:said_of.start()]) or PART.search(rest[:said_of.start()])):
        return True
    # the unit in a clause of its own, then what is wrong in words without a verb: "write up the rooftop unit,
    # condenser fan motor seized", "log the backflow in the vault: relief valve dumping"
    unit, *fault = clauses(rest.replace(":", ",")) or [""]
    return bool(fault and (unit_words(unit) or PART.search(unit)) and
                any(words.search(" ".join(fault)) for words in (TROUBLE, FAULT_STATE, DOING)))


def stated_severity(body: str) -> tuple[str | None, str]:
    """The severity the technician stated and the text without it; else one their words imply."""
    stated = SEVERITY_TAIL.search(body) or SEVERITY_SAID.search(body)
    if stated:
        return clean(stated.group("words")), clean(body[:stated.start()] + body[stated.end():])
    implied = severity_of(_READING.sub(" ", body))
    return (implied, body) if implied and implied != "deficient" else (None, body)


# "trips on high discharge pressure", "a low gauge": a reading the technician describes, not how bad it is ("high
# priority" and "low severity" still are). Read as a severity, "high head pressure" saved an inoperable record.
_READING = re.compile(r"\b(?:high|low)\s+(?!priority\b|severity\b|risk\b)(?=[a-z])", re.IGNORECASE)


def _place(text: str) -> re.Match[str] | None:
    """Where on site a phrase says: "in the kitchen", "on the roof", "in stairwell B" (not "on startup")."""
    return next((m for m in LOCATION.finditer(text) if PLACE_NOUN.search(m.group("where"))), None)


# Some of a unit's parts, opening what is wrong with them: "in the street vault one of the test cocks is leaking".
_SHARE = re.compile(r"\b(?:one|two|three|four|some|all|both|several|a couple|a few|most|each|half) of\b", re.IGNORECASE)


def _place_end(where: re.Match[str]) -> int:
    """Where the place said ends: before a unit or a part run on after it with no comma ("in the street vault
    relief valve is spitting": the place is the street vault, the relief valve is what is wrong)."""
    words = where.group("where")
    cut = min((m for m in (UNIT_KINDS.search(words), PART.search(words), _SHARE.search(words)) if m),
              key=lambda m: m.start(), default=None)
    if cut and cut.start() > 0 and PLACE_NOUN.search(words[:cut.start()]) and \
            not PLACE_NOUN.search(words[cut.start():]):
        return where.start("where") + cut.start()
    return where.end()


# A bare "no" between two units ("the extinguisher, no, the backflow in the riser room ...", "the panel no the pump
# is leaking"): a correction only when a unit is named on both sides of it. Never "not": "the backflow in the riser
# room, not the one in the lobby" denies what follows it, so the place is the riser room.
_BARE_NO = re.compile(r",?\s*\b(?:no|nope|nah)\b,?\s+(?=(?:the|that|this|it'?s|its)\s)", re.IGNORECASE)
# The unit denied after the one meant ("..., not the one in the lobby"): not part of what is wrong.
_DENIED_ONE = re.compile(r",?\s*\bnot\s+(?:the|that|this)\s+one\s+(?:in|on|at|by|near)\s+[^,.;!?]+", re.IGNORECASE)
# One correction however many words it takes: "no wait, scratch that, ..."
_MID_CORRECTION = re.compile(r"(?:,?\s*\b(?:no wait|wait no|no sorry|scratch that|i mean|i meant|sorry)\b,?\s*)*"
                             r",?\s*\b(?:no wait|wait no|no sorry|scratch that|i mean|i meant)\b,?\s*", re.IGNORECASE)
# What a correction names, up to "one" ("the corridor one") or a place ("the one in the corridor").
_CORRECTED_PLACE = re.compile(r"^(?:(?:it'?s|its)\s+)?(?:the\s+)?(?:(?P<kind>[\w' -]+?)\s+one|one\s+(?:in|on|at)\s+"
                              r"(?:the\s+)?(?P<where>[\w' -]+?)(?=,|$|\s+(?:has|is|are|was|needs?|with)\b))",
                              re.IGNORECASE)


def _mid_correction(body: str) -> str:
    """ "the extinguisher in the kitchen, no wait, the corridor one, ...": the place named after the correction
    takes the place of the one named before it; the rest of the message stays."""
    marker = _MID_CORRECTION.search(body) or _BARE_NO.search(body)
    if marker is None:
        return body
    explicit = marker.re is _MID_CORRECTION
    before, after = body[:marker.start()], body[marker.end():]
    named = _CORRECTED_PLACE.match(after)
    place = named and (named.group("where") or named.group("kind"))
    wrong = next(reversed([m for m in LOCATION.finditer(before) if PLACE_NOUN.search(m.group("where"))]), None)
    if not place or not PLACE_NOUN.search(place) or wrong is None:
        unit = _unit_corrected(before, after)
        return unit if unit is not None else before + ", " + after if explicit else body
    rest = after[named.end():].lstrip(" ,")  # type: ignore[union-attr]
    return f"{before[:wrong.start()]}in the {clean(place)}{before[wrong.end():]}" + (f", {rest}" if rest else "")


def _unit_corrected(before: str, after: str) -> str | None:
    """ "the B260, no wait, the B500 in the kitchen has ...": a unit named after the correction takes the place of
    the one named before it. The correction restarts the sentence when it says what is wrong itself (or nothing was
    said before it); else it replaces the subject and what was said of it stays ("the B260 is missing its pin, I
    mean the B500"). None when a unit is not named on both sides."""
    said_after = PREDICATE.search(after)
    corrected_unit = unit_words(after[:said_after.start()] if said_after else after)
    said_before = PREDICATE.search(before)
    if corrected_unit is None or not unit_words(before[:said_before.start()] if said_before else before):
        return None
    if said_after or said_before is None:
        return after
    unit, _, tail = after.partition(",")  # "I mean the B500, minor": the severity still ends the sentence
    return unit + before[said_before.start():] + (f", {tail}" if clean(tail) else "")


def _without_here(where: str) -> str:
    """ "the roof here" is the roof: "here" and "there" say the site, which the job already gives."""
    return clean(re.sub(r"\s+(?:right |over |up |down |out )?(?:here|there)$", "", where.strip(), flags=re.IGNORECASE))


def _after_preamble(body: str) -> str:
    """The write-up from its request on: "found it, write up the dry valve, air leak at the clapper" is a write-up
    of the dry valve. What came before (a few words naming no unit and nothing wrong) is neither unit nor fault."""
    parts = clauses(body)
    at = next((i for i, part in enumerate(parts) if i and _LEADING_COMMAND.match(part)), None)
    kept = at is None or any(len(p.split()) > 3 or unit_words(p) or TROUBLE.search(p) for p in parts[:at])
    return body if kept else ", ".join(parts[at:])


def deficiency(text: str) -> dict[str, Any]:
    """A deficiency as said, split into what is wrong, how bad, which unit and where."""
    body = _after_preamble(_TRAILING_COMMAND.sub("", _COMMAND.sub("", text, count=1)))
    if _notes_a_problem(body):
        body = body[_LEADING_COMMAND.match(body).end():]  # type: ignore[union-attr]
    body = ", ".join(part for part in clauses(_DENIED_ONE.sub("", body)) if not _COMMAND_CLAUSE.match(part))
    # what opens it, "one more, ..." after a write-up and "found it", "go ahead" before one included
    body = re.sub(r"^(?:(?:so|ok(?:ay)?|and|also|plus|yes|yeah|yep|one more|another one|go ahead|found it|got it|"
                  r"there it is|here it is|(?:back to|about|re|on|for) (?:the|that|my) (?:write.?up|deficiency|report)|"
                  r"(?:and |here'?s )?another(?=\s*[,:;-]))\b\s*[,:;-]?\s*)+", "", clean(_mid_correction(body)),
                  flags=re.IGNORECASE)
    body = re.sub(r"(?:\s*,)?\s+(?:too|as well|also)$", "", body, flags=re.IGNORECASE)  # "... is weeping too"
    # "the backflow's leaking": the contraction is the verb, so the unit is "the backflow"
    body = re.sub(r"\b(\w+)'s\s+(?=(?:\w+ing|\w+ed|broken|bad|shot|low|out|down|busted|missing)\b)", r"\1 is ", body)
    severity, body = stated_severity(ITS_STATE.sub(", it's ", body))
    subject, colon, rest = body.partition(":")
    first, comma, after = body.partition(",")
    if not colon and comma and not PREDICATE.search(first) and unit_words(first) and \
            any(words.search(after) for words in (PREDICATE, DOING, FAULT_STATE, TROUBLE)):
        subject, rest = first, after  # "the extinguisher in the corridor, gauge is reading low"
    elif not colon:
        doing = DOING.search(body)
        predicate = PREDICATE.search(body) or (doing if doing and unit_words(body[:doing.start()]) else None)
        subject, rest = (body[:predicate.start()], body[predicate.start():]) if predicate else (body, "")
    owner = re.search(r"\s+(?:its|it'?s|their)\s+(?=\w)", subject, re.IGNORECASE)
    if not colon and owner and unit_words(subject[:owner.start()]):  # "the B260 its gauge is in the red"
        subject, rest = subject[:owner.start()], subject[owner.start():] + rest
    arguments: dict[str, Any] = {}
    where = _place(subject)
    if where:
        end = _place_end(where)
        arguments["location"] = _without_here(subject[where.start("where"):end])
        subject = subject[:where.start()] + " " + subject[end:]
    elif (where := _place(rest)) is not None:
        arguments["location"] = _without_here(rest[where.start("where"):_place_end(where)])
    subject = clean(re.sub(r"\s+", " ", subject))
    share = _SHARE.search(subject)  # "the backflow one of the test cocks": the unit is the backflow
    unit = unit_words(subject[:share.start()] if share and share.start() else subject)
    if unit is None:
        kind = UNIT_KINDS.search(body)
        unit = kind.group(1).lower() if kind else None
    named = clean(re.sub(r"^(?:the|a|an|on)\s+", "", subject, flags=re.IGNORECASE))
    if unit is None and where is not None and len(named.split()) == 1:
        # "the Amerex in the kitchen": a one-word subject said with its place names the unit (by maker, say); the
        # site's equipment decides, and the read-back says when nothing there matches.
        unit = named
    one_at = re.match(r"^(?P<place>[\w' -]+?)\s+one$", named, re.IGNORECASE)
    if unit is None and one_at and PLACE_NOUN.search(one_at.group("place")):
        unit = "one"  # "the corridor one": the unit there, as "the one in the corridor" is
        arguments.setdefault("location", clean(one_at.group("place")))
    if not colon:  # "the valve, it's weeping": what is said of the unit
        rest = re.sub(r"^\s*(?:it'?s|its|it is)\s+(?=got\b|been\b)", " has ", rest, flags=re.IGNORECASE)
        rest = re.sub(r"^ has got\b", " has", rest)
        rest = re.sub(rf"^\s*(?:it'?s|its|it is)\s+(?={STATE})", " is ", rest, flags=re.IGNORECASE)
    description = clean(rest) if colon or generic_subject(subject) else clean(f"{subject} {rest.strip()}")
    description = re.sub(r"^(?:the|a|an)\s+", "", description, flags=re.IGNORECASE)
    arguments = {"description": description, **({"severity": severity} if severity else {}), **arguments}
    if unit:
        arguments["equipment"] = unit
    elif description and _POINTED.match(text):
        arguments["equipment"] = "it"
    return arguments

