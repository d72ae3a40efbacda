"""The offline LLM's reading of a message: which tool it asks for, and the arguments in the technician's words.

Rules by what a message is about, most specific first: an answer to a read-back (yes, no, a correction) while a
draft waits; preferences; writes (a deficiency asked for in any clause, a job status reported in the first person);
questions about documents (standards, manuals, intervals, procedures, a fault asked about: a place or unit they
name is context, never the thing looked up); the day's order ("my next job", "after this one", "who am I seeing
first", "which one am I finishing at"); places ("who do I call there", "any rules at that school", "what's due
here", "how far from here"); model numbers as typed or spoken; a nameplate and questions about the unit last photographed ("how old is it"); spec
follow-ups ("its max fuse size", "mca on that", a figure asked in a fragment); a kind of unit, at the site named
("the RTU on the roof, what model is it"). What a site needs before a kind of work ("before welding here") is its
special requirements; a limit asked as a distance ("how far away can it be") is a document's, not a trip.
Hesitations and discourse markers ("uh", "ok so", "actually") are dropped first; a sign-off ("talk to you later")
asks for no tool. References ("here", "there", "my next site") are passed on as said: `clara.jobs.resolution`
decides what they mean, for this path and Gemini's alike. `route` returns None when no rule applies; the offline LLM
then tries similarity, then a knowledge search.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from clara.agent.deficiency_said import another_write, asks_to_write, deficiency, troubleshooting
from clara.agent.draft_said import QUESTION, draft_answer
from clara.agent.history_said import past_question
from clara.agent.places_said import AFTER, JOB_REF, ON_A_DAY, ORDINAL, THERE_WORDS, clock_reference, corrected, \
    day_anchor, day_end, heading_for, known_in, named_place, ordinal_alone, place_named, place_reference, trip, \
    unit_by_place, unit_said, without_places
from clara.agent.readings_said import fault_code, reports_a_reading
from clara.agent.repeat_said import LastWrite, of_the_last_kind, repeat_arguments, repeated_unit
from clara.agent.said import Route, clean, only_preferences, plain, preferences, reverts_preferences, signs_off
from clara.agent.spec_answers import asks_age, asks_inspection
from clara.agent.spoken_clauses import with_clauses
from clara.jobs.days import DAY_WORDS
from clara.jobs.drafts import status_of
from clara.jobs.unit_match import UNIT_KINDS
from clara.knowledge.spec_fields import voltage_said
from clara.knowledge.spoken_models import model_mentions, names_a_relative

_STANDARD = re.compile(r"\bnfpa[\s-]*\d+[a-z]?\b", re.IGNORECASE)
_SPEC_TOPIC = re.compile(
    r"\b(amp|amps|amperage|draw|current|mca|mocp|rla|fla|lra|breaker|fuse|voltage|volts|phase|refrigerant|"
    r"(?<!in )charge|"  # "who's in charge there" asks for a person
    r"weigh\w*|dimensions?|size|seer2?|eer2?|hspf2?|efficiency|capacity|tonnage|tons?|btu\w*|pressure|psi|flow|gpm|cfm|"
    r"airflow|rpm|horsepower|hp|specs?|specifications?|service notes?|locked rotor|full load|overcurrent|churn|"
    r"freon|rated|ratings?)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(its|it|that unit|this unit|the unit|that one|this one|that model|this model|that thing|"
                      r"this thing)\b|\b(?:on|for|of|in|about) (?:that|this)\s*[?.!]*$", re.IGNORECASE)
_NAMEPLATE = re.compile(r"\b(?:name ?plate|data ?plate|rating plate|(?:the|this|that) plate)\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^\s*(?:and|also|what about|how about|plus)\b", re.IGNORECASE)
_KNOWLEDGE = re.compile(
    r"\b(requirements?|required|require|code|standard|section|how often|frequency|interval|allowed|maximum|"
    r"minimum|clearance|procedure|troubleshoot\w*|what causes|why (?:is|does|would|do)|symptoms?|test(?:ing)? "
    r"(?:procedure|frequency)|annual|quarterly|monthly|weekly|semi-?annual)\b",
    re.IGNORECASE,
)
# the thing asked for, so it goes to the knowledge base before any place or job tool can take the "at X".
_DOCUMENT = re.compile(
    r"\b(?:manuals?|standards?|nfpa|per (?:the )?(?:manual|standard)|what does (?:the |nfpa )?\w+ say|"
    r"code (?:says?|requires?|requirements?)|(?:per|by|to) code|how often|frequency|intervals?|procedures?|"
    r"steps? (?:to|for)|troubleshoot\w*|what causes|"
    r"how (?:do|should|would|can) (?:i|you|we) (?:test|reset|inspect|check|troubleshoot|drain|replace|service)|"
    r"why (?:is|does|would|do|did|won'?t|isn'?t|doesn'?t|keeps?)|what (?:do|should) i check)\b",
    re.IGNORECASE,
)
# A limit a document sets, asked as a distance or a height ("how far away can it be max", "how high can I hang a
# pull station"): not a trip.
_LIMIT = re.compile(r"\bhow (?:far|high|low|close|long|big)\b[^?]*\b(?:can|may|must|should|allowed to)\s+"
                    r"(?:it|they|the|an?|you|i|we|one|those|these)\b[^?]*\b(?:be|go|mount\w*|hang|hung|put|place\w*|"
                    r"install\w*|sit)\b",
                    re.IGNORECASE)
# A rule asked as an age ("how old can a sprinkler head get before it has to be tested"): of any unit of a kind (an
# article, not "it"), under a limit or an obligation. "How old is it" is the unit's own plate.
_AGE_RULE = re.compile(r"\bhow old\b(?=.*\b(?:an?|any)\s)(?=.*\b(?:ha(?:ve|s) to|must|can|could|should|need\w* to|"
                       r"allowed|before|max\w*|oldest)\b)", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon)|my day|the day)\b", re.IGNORECASE)
_SCHEDULE = re.compile(r"\b(?:plan|schedule|line-?up|agenda|jobs?|work orders?|stops|calls|appointments|visits|"
                       r"got|have|on|doing|working|up to)\b", re.IGNORECASE)
# Who to reach at a place: the customer's contact.
# A person asked for by their role at the place ("who's the facilities guy there", "the chief engineer's cell")
# is the customer's contact: the card names each contact with their title.
_CONTACT = re.compile(r"\b(?:customer|client|owner|owns|who(?:'s| is) at|contact|phone|number for|call|ask for|"
                      r"(?:their|his|her) (?:number|cell|mobile|phone)|"
                      r"who(?:'?s| is) (?:the|their|your) (?!(?:next|first|last|final|previous)\b)\w+|"
                      r"talk to|speak (?:to|with)|manager|point of contact|who do i (?:see|meet|report to)|"
                      r"who (?:runs|manages|is in charge of|looks after|takes care of)|who(?:'?s| is)? in charge)\b",
                      re.IGNORECASE)
# What the customer or site asks of a visitor, when a place is named or meant.
_SITE_RULES = re.compile(r"\b(?:rules?|requirements?|restrictions?|access|badge|check.?in|escort|insurance|permits?|"
                         r"get (?:in(?:side)?|into|through|past)\b(?! (?:touch|trouble)\b)|let (?:me|us) in|"
                         r"ppe|hours|anything (?:special|i should know)|should i know|need to know|contractors?|"
                         r"vendors?)\b", re.IGNORECASE)
# A first-person report of where the technician is with a job: "heading over now", "just got here", "all done here".
_STATUS_SAID = re.compile(
    r"^(?:(?:i'?m|i am|we'?re|we are|i'?ve|i have|we'?ve|just|now|all|finally|ok(?:ay)?|so)\s+)*"
    r"(?:on (?:my|our) way|omw|heading|headed|driving (?:over|there|to)|leaving (?:for|now|\w+(?: \w+)? now)|"
    r"en ?route|arrived|rolling (?:out|over|to)|on the road|closing (?:it |this |this one )?out|"
    r"got (?:here|there|on ?site|to (?:the )?(?:site|job))|made it|pulled (?:up|in)|on ?site|starting|started|done|"
    r"finished|wrapping (?:up|it up)|wrapped (?:up|it up)|complete[d]?)\b"
    r"|^(?:i'?m|i am|we'?re|we are)\s+(?:just\s+|now\s+)?(?:here|there|on ?site|at the (?:site|job))\b",
    re.IGNORECASE,
)
_STATUS_CHANGE = re.compile(
    r"^\s*(?:i'?m|i am|we'?re|i'?ve|i have|just)?\s*(?:on my way|omw|heading (?:over|out|there|to)|en ?route|"
    r"rolling (?:out|over)|"
    r"arrived|on ?site|here now|starting|started|done|finished|wrapping up|wrapped up)\b|"
    r"\b(?:mark|set|change|update|move|put)\b.*\b(?:job|status|it)\b.*\b(?:en ?route|on ?site|in progress|"
    r"complete\w*|done|finished|cancel\w*)\b|\b(?:cancel) (?:this|the|my|that) job\b",
    re.IGNORECASE,
)
# A status set on a job named any way: "mark ABC as in progress", "put wework down as done", "set my 1:30 to en route".
_SET_STATUS = re.compile(r"\b(?:mark|set|change|update|move|put|flip|switch)\b(?P<job>(?:(?!\bdeficienc)[^,.;?!])+?)"
                         r"\b(?:as|to|down as|in|into)?\s*(?:en ?route|on ?site|in progress|complete[d]?|done|finished|"
                         r"cancel(?:l?ed)?|started|closed(?: out)?)\b", re.IGNORECASE)

# When the technician is expected somewhere: the job's scheduled start, not a drive time or a document.
_WHEN_DUE = re.compile(
    r"\b(?:when|what time)\b.*\b(?:(?:supposed|meant|due|need|have|got|gotta) (?:to )?be (?:there|here|at|on)"
    # arriving said as a verb: "what time am I supposed to roll in", "when do they want me to show up"
    r"|(?:supposed|meant|due|expected|need|have|got|gotta|want me|want us|expecting me|expecting us) (?:to )?"
    r"(?:roll (?:in|up)|show up|get (?:there|here|in|on ?site)|arrive|pull (?:in|up)|be in)"
    r"|be (?:there|here)"
    r"|(?:is|was) (?:that|it|this) (?:one|job|visit|appointment|stop)?\s*$"
    r"|(?<=when)'?s (?:that|it|this)(?: one| job| visit| appointment| stop)?\s*$"
    r"|(?:that|the|this|my) (?:job|visit|appointment|one) (?:start|begin)s?"
    r"|does (?:that|the|it) (?:job|visit|appointment) (?:start|begin)|am i (?:due|expected|scheduled)"
    r"|(?:do|will|should|can|must) (?:i|we) (?:start|begin|get started|kick off))\b"
    # the time booked at a job ("how much time do I have at ABC", "how long do I get there")
    r"|\bhow (?:long|much time) (?:do|will|did) (?:i|we) (?:have|get|got)(?: booked)? (?:at|there|here|on|for)\b"
    # "how long do they have me booked there", "how much time am I scheduled for at ABC"
    r"|\bhow (?:long|much time)\b(?![\w' ]*\b(?:drive|driving|trip|ride|commute|travel)\b)[\w' ]*"
    r"\b(?:booked|scheduled|slotted|blocked(?: out)?)\b"
    # how long the technician is booked at a job ("how long am I at the Ferry Building"): its length, not a drive
    r"|\bhow long (?:am i|are we|will i be|is (?:the|my|that|this) (?![\w' ]*\b(?:drive|driving|trip|ride|commute|"
    r"travel|from|get)\b)[\w' ]*?(?:job|visit|stop|appointment|one))\b"
    r"(?! (?:driving|going to drive|on the road))",
    re.IGNORECASE)
# What a job is about, asked of a place ("what am I doing there", "what's the problem at ABC", "what's going on
# here"): the job's work, its problem and its notes, not the customer card.
_JOB_ASKED = re.compile(r"\bwhat(?:'?s| is| am i| are we| do i| do we)?\s+(?:am i |are we )?(?:doing|working on|fixing|"
                        r"(?:going )?(?:there|in) for|the (?:problem|issue|complaint|trouble|call|work|scope|ticket|"
                        r"story|deal)|wrong|going on)\b", re.IGNORECASE)
# An area of a site ("on the roof", "in the riser room"): a question about it asks about the units there.
_AREA = re.compile(r"\b(?:roof|room|closet|vault|basement|attic|mezzanine|garage|kitchen|hall(?:way)?|corridor|"
                   r"warehouse|lobby|yard)\b", re.IGNORECASE)

# "what time's ABC", "when's the Ferry Building": a time asked of a place on its own is that place's job today.
_WHEN_AT = re.compile(r"^\s*(?:and\s+)?(?:when|what time)(?:'?s|\s+is|\s+am i (?:at|in))\b", re.IGNORECASE)
_WRITTEN_UP = re.compile(r"\b(?:already (?:written up|logged|on (?:file|record))|written up|write-?ups|"
                         r"on the books(?! for (?:me|us)\b| (?:today|tomorrow)\b)|"
                         r"still open|outstanding (?:items|issues|deficienc(?:y|ies))|"
                         r"open (?:deficienc(?:y|ies)|items|issues)|existing deficienc(?:y|ies)|"
                         r"deficiencies (?:on file|there|here)|"
                         # a unit's state on record: "is the fire pump there still down", "is that valve still leaking"
                         r"still (?:down|broken|out(?: of service)?|impaired|red.?tagged|not working|dead|leaking|"
                         r"open|bad|an issue|a problem))\b", re.IGNORECASE)


# What the trade talks about: equipment, its parts and faults, the work and its paperwork. A statement with none of
# it, and no question or request in it, is a remark ("man it's freezing up on this roof", "traffic was brutal"):
# acknowledged, never searched for, never stored.
_TRADE = re.compile(
    r"\b(?:pumps?|valves?|panels?|alarms?|sprinklers?|extinguishers?|compressors?|motors?|fans?|coils?|filters?|belts?|"
    r"breakers?|fuses?|pressure|leak\w*|drip\w*|faults?|trouble|errors?|codes?|trip\w*|fail\w*|broke\w*|damage\w*|"
    r"corrod\w*|rust\w*|smell\w*|nois\w*|heads?|pipes?|piping|risers?|drains?|gauges?|tags?|batter\w+|strobes?|horns?|"
    r"detectors?|smoke|heat\w*|cool\w*|flow|switch\w*|relays?|contactors?|capacitors?|refrigerant|charge|wir\w+|"
    r"inspect\w*|test\w*|deficien\w*|jobs?|customers?|sites?|units?|systems?|models?|specs?|permits?|schedule)\b",
    re.IGNORECASE)
_ASKS = re.compile(r"\b(?:can you|could you|would you|please|i need|i want|tell me|show me|help|remind|let me know)\b",
                   re.IGNORECASE)


# Which unit of a kind a site has: "what rooftop unit do they have here", "which fire panel is at this site", "what
# panel does ABC have", "which pump's at the plant".
# A lead-in may come first, as speech runs on: "ok im at main street what backflow preventers they got here".
_INVENTORY = re.compile(r"(?:^\s*(?:and\s+)?|\b)(?:what|which|whats|what's)\b.*\b(?:do (?:they|we|you) (?:have|got)|"
                        r"(?:does|do|did) (?!i\b|we\b)[\w' &.-]+ (?:have|got)\b(?! to\b)|(?:have|has) (?:they|we|it|\w+) got|"
                        r"'?s (?:at|on|in)|(?:they|we) (?:have|got)|(?:is|are) (?:at|on|in|here|there)|here|there|"
                        r"at this|on ?site|"
                        r"installed)\b", re.IGNORECASE)
# Which unit of a kind it is: "the RTU on the roof, what model is it", "the FACP here, which one is it".
_WHICH_UNIT = re.compile(r"\b(?:what|which|whats|what's)\s+(?:model|make|brand|one|unit)\b|\bwhich (?:one|unit)\b",
                         re.IGNORECASE)
# What a site asks before a kind of work: "what do I need before welding here", "anything I gotta do before I start",
# "ok to drill there or do I need sign-off": the customer's special requirements, not a standard.
_BEFORE_WORK = re.compile(r"\b(?:before|prior to)\s+(?:i\s+|we\s+)?(?:(?:can\s+)?(?:start|begin|get started|do any|"
                          r"go (?:up|in|on)|work|touch|open|cut|drill|weld|core|grind|test|impair|show up|arrive|"
                          r"get there|pull up|head)\b|(?!anything|something|nothing)\w+ing\b)"
                          # "before" said as "first": "I need to cut a hanger there, anything to sort out first?"
                          r"|\b(?:do|sort(?: out)?|take care of|arrange|line up|set up|square away|get (?:sorted|"
                          r"signed|cleared|approved)|know)\b[\w' ]*\bfirst\s*[?.!]*$", re.IGNORECASE)
_NEEDS = re.compile(r"\b(?:need|needs|gotta|got to|have to|has to|must|should|required|anything)\b", re.IGNORECASE)
_PERMISSION = re.compile(r"\b(?:ok(?:ay)?|allowed|alright|cleared) to (?:drill|cut|weld|core|penetrate|braze|solder|"
                         r"grind|shut|impair|test|work|start)\b|\bsign.?off\b|\bhot work\b|\b(?:permission|approval)\b",
                         re.IGNORECASE)
# A question as speech recognition writes it: no question mark, contractions without their apostrophe.
_ASKED = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?"
                    r"(?:what|whats|who|whos|whose|where|wheres|when|whens|why|how|hows|which|"
                    r"is|isnt|are|arent|am|was|were|will|would|should|shall|can|cant|could|do|dont|does|did|have|has|"
                    r"any|anything|got)\b", re.IGNORECASE)


# A remark is a clause about how things are ("traffic was brutal", "man its freezing up here"): it has a finite verb.
# A phrase without one ("torque on the ground bar", "max line set length on a korrin 12k") is what a search box gets,
# and one ending in a question tag ("..., is that normal") is a question.
_FINITE = re.compile(r"\b(?:is|was|are|were|its|it's|thats|that's|im|i'm|we're|they're|been|am|feel|feels|felt|"
                     r"love|hate|got|gets|getting|looks|looking|seems)\b", re.IGNORECASE)
# Marking a deficiency fixed is the one write stored without a read-back, so it takes a request ("mark it fixed")
# or a report ("the leak was repaired"), never a question that mentions a repair ("how long can a critical deficiency
# go before it must be fixed?", "is deficiency 12 fixed?").
_MARK = re.compile(r"\b(?:mark|set|close)\b")
_REPORTED = re.compile(r"\b(?:it'?s|is|was|been|deficiency)\b")
_QUESTION_FORM = re.compile(r"\?\s*$|^\s*(?:what|who|whose|where|when|how|why|which|is|are|was|were|can|could|"
                            r"does|do|did|should|must|will|would|has|have|had)\b", re.IGNORECASE)
# A request put as a question ("can you mark wework complete?"): asked of Clara, so it is still a request.
_POLITE_REQUEST = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|and|hey|clara)\W+)*(?:please\b|(?:can|could|would|will) you\b)",
                             re.IGNORECASE)
_TAG_QUESTION = re.compile(r"\b(?:is|are|was|does|do|should|can|could|will)\s+(?:that|it|this|they|he|she)\b[\w\s]*$",
                           re.IGNORECASE)


# A question inside a longer utterance: "so like what do I got going on today", "I was wondering who's there".
_EMBEDDED_QUESTION = re.compile(r"\b(?:what|who|where|when|which|how)(?:'?s)?\s+(?:do|does|did|is|are|was|were|have|"
                                r"has|had|can|could|should|would|will|am|time|about|else|long|far|many|much|often)\b",
                                re.IGNORECASE)


def asks(text: str) -> bool:
    """Whether a message is put as a question or a request ("what's ...", "can you ...", "...?"), in any words."""
    said = plain(text)
    return bool("?" in said or QUESTION.search(said) or _ASKS.search(said) or _ASKED.match(said) or
                _EMBEDDED_QUESTION.search(said) or _TAG_QUESTION.search(said))


# Talk rather than a search phrase: an interjection, a person, or a verb ("ugh long day already", "lol I'm good").
# "torque on the ground lug in the booster cabinet" has none of them: typed as into a search box, it is searched.
_CHATTER = re.compile(r"\b(?:ugh|man|lol|wow|phew|geez|jeez|damn|dang|whew|haha|ha|meh|yikes|oof|dude|bro|i|i'?m|im|"
                      r"i'?ve|we|we'?re|you|you'?re|my|our|your|me|us)\b", re.IGNORECASE)


def conversational(text: str) -> bool:
    """Whether a message reads as talk (an interjection, a person, a verb), not as words typed into a search box."""
    said = plain(text)
    return bool(_CHATTER.search(said) or _FINITE.search(said))


def remark(text: str, known_places: Sequence[str]) -> bool:
    """Whether a message is only a remark: a statement with no question, no request and nothing of the trade.

    Said "Okay." to, a real question would be lost, so a remark must read as one: a clause (not a search phrase),
    without a figure or a question tag."""
    said = plain(text)
    if not clean(said) or asks(said):
        return False
    if re.search(r"\d", said) or not _FINITE.search(said) or _TAG_QUESTION.search(said):
        return False
    return not (_TRADE.search(said) or UNIT_KINDS.search(said) or _SPEC_TOPIC.search(said) or _KNOWLEDGE.search(said)
                or _DOCUMENT.search(said) or model_mentions(said) or known_in(said, known_places))


def route(text: str, tools: set[str], known_places: Sequence[str], *, draft_kind: str | None = None,
          photo: bool = False, last_write: LastWrite | None = None) -> Route | None:
    """The tool a message asks for, with its arguments; None when no rule applies (similarity decides then).

    `draft_kind` names the draft waiting for a yes, if any: then answers to it come first. `last_write` is the
    conversation's last deficiency read back: "same thing for the kitchen one" says it again. `photo` says the unit
    discussed is the one last read from a nameplate: "it" and "this one" then mean that unit, answered from its
    plate. The order is by what a message is about, most specific first: a write or a status report; a question
    about documents (a place it names is context); the day's order; a place (who, rules, what's due, how far); then
    specs and the knowledge base.
    """

    def pick(name: str, **arguments: Any) -> Route | None:
        return Route(name, {k: v for k, v in arguments.items() if v is not None}) if name in tools else None

    if draft_kind is not None and "confirm_draft" in tools:
        answer = draft_answer(text, draft_kind, known_places)
        if answer is not None:
            return answer
    text = corrected(with_clauses(plain(text)), known_places)
    if not clean(text) or signs_off(text):  # "talk to you later": answered as small talk, no tool
        return None
    lowered = text.lower()
    changes = preferences(text)
    # "switch me back": the last change undone. Not while a read-back waits: the talk is about the unit written up,
    # and a preference change there would set the draft aside.
    drafting = draft_kind is not None and "confirm_draft" in tools  # a read-back waits: the confirm tools are offered
    if not changes and not drafting and reverts_preferences(text):
        return pick("set_preferences", revert=True)
    if changes and only_preferences(text):  # "metric please", "go back to imperial"
        return pick("set_preferences", **changes)
    if changes and re.search(r"\b(set|switch|change|use|make|keep|prefer|i'?m|i am|be more|talk to me|treat me|give me|"
                             r"from now on|answers?|preferences?|settings?|units)\b", lowered):
        return pick("set_preferences", **changes)
    if re.search(r"\b(preferences|settings|skill level|verbosity)\b", lowered):
        return pick("get_preferences")
    fixed = re.search(r"\b(fixed|repaired|resolved|corrected)\b", lowered)
    again = repeated_unit(text) if last_write is not None else None
    if again is not None:  # "same thing for the kitchen one": the last write-up, of another unit
        return pick("log_deficiency", **repeat_arguments(again, last_write))  # type: ignore[arg-type]
    if not fixed and (asks_to_write(text) or ((drafting or last_write is not None) and another_write(text))):
        return pick("log_deficiency", **of_the_last_kind(deficiency(text), last_write))
    if fixed and (_MARK.search(lowered) or (_REPORTED.search(lowered) and not _QUESTION_FORM.search(text))):
        number = re.search(r"(?:deficiency|number|#|no\.?)\s*#?\s*(\d+)", lowered)
        return pick("mark_deficiency_fixed", deficiency_id=int(number.group(1)) if number else None)
    set_status = _SET_STATUS.search(text)
    named_job = set_status and (known_in(set_status.group("job"), known_places) or
                                clock_reference(set_status.group("job")) or JOB_REF.search(set_status.group("job")))
    # A question never drafts: "should I mark wework as complete?", "did I set it to done?" ask, they change nothing.
    wonders = bool(_QUESTION_FORM.search(text)) and not _POLITE_REQUEST.match(text)
    if not wonders and (_STATUS_CHANGE.search(text) or named_job or
                        (_STATUS_SAID.search(text) and not QUESTION.search(text))):
        status = status_of(text)
        if status is not None:
            job = AFTER.search(text) or JOB_REF.search(text)
            where = known_in(heading_for(text) if status == "en_route" else text, known_places) or \
                clock_reference(text)  # "heading to my ten o'clock now"
            if isinstance(named_job, str):  # "set the ferry building job to en route": the job the verb names
                where, job = named_job, None
            return pick("update_job_status", status=status, job=job.group(0).lower() if job else where)
    if re.search(r"\b(daily brief|brief me|my day|plan for (?:the day|today)|today'?s plan|morning brief|"
                 r"summary of (?:my|the) day|how does my day look)\b", lowered):
        return pick("daily_brief")
    if _STANDARD.search(text):
        return pick("knowledge_search", query=clean(text), source="nfpa")
    if _DOCUMENT.search(text) or _LIMIT.search(text) or _AGE_RULE.search(text) or troubleshooting(text):
        # a fault described and asked about ("the pump keeps tripping, thoughts"): the manuals, never a spec sheet
        return pick("knowledge_search", query=clean(text))
    if fault_code(text) or reports_a_reading(text):  # what a display shows: the manuals, not a spec sheet
        return pick("knowledge_search", query=clean(text))
    models = model_mentions(without_places(text, known_places))
    about_equipment = bool(UNIT_KINDS.search(text) or _SPEC_TOPIC.search(text) or models)
    history = past_question(text, known_places, asks=asks) \
        if not about_equipment and not _KNOWLEDGE.search(text) else None
    if history is not None:
        return pick("job_history", **history)
    other_day = DAY_WORDS.search(text)
    if other_day and other_day.group(0).lower() not in ("today", "tonight") and \
            _asks_about_a_day(text, known_places, about_equipment):
        first_or_last = ON_A_DAY.search(text)  # "what kind of job is the first one tomorrow": that job
        return pick("job_details", job=first_or_last.group(0).lower()) if first_or_last else \
            pick("my_jobs_today", day=other_day.group(0).lower())  # "and thursday?", "where am I headed Monday"
    travel = re.search(r"\b(how (?:long|far)|travel time|drive time|driving time|get to|drive to|eta|distance to|"
                       r"drive there)\b", lowered)
    anchor = day_anchor(text, known_places)
    if anchor and not travel and not _CONTACT.search(text) and not _SITE_RULES.search(text):
        side, what = anchor
        return pick("next_job", after=what) if side == "after" else pick("job_details", job=f"the job before {what}")
    after = AFTER.search(text)
    if after and after.group("side") == "after" and not re.search(r"\b(how (?:long|far)|customer)\b", lowered):
        return pick("next_job", after=clean(after.group("what")))
    if re.search(r"\b(next (?:job|stop|appointment|visit|call)|where am i (?:going|headed)|where to next)\b", lowered) \
            and not re.search(r"\b(how (?:long|far)|customer|who|special|know|due|drive|distance)\b", lowered):
        return pick("next_job")
    if re.search(r"\b(?:last|final|first|previous) (?:job|stop|appointment|visit|call)\b", lowered) and \
            not re.search(r"\b(how (?:long|far)|customer|who|special|due|drive|distance)\b", lowered):
        return pick("job_details", job=JOB_REF.search(text).group(0).lower())  # type: ignore[union-attr]
    ends = day_end(text)
    if ends and not about_equipment and not travel and not _KNOWLEDGE.search(text) and not _CONTACT.search(text):
        return pick("job_details", job=f"my {ends} job")  # "which one am I finishing at", "where do I start today"
    if re.search(r"\b(my jobs|jobs (?:today|for today|do i have)|today'?s jobs|my schedule|schedule today|"
                 r"what'?s on (?:my plate|today)|how many jobs)\b", lowered):
        return pick("my_jobs_today")
    if (_WHEN_DUE.search(text) or (_WHEN_AT.search(text) and not travel and place_named(text, known_places))) and \
            not about_equipment:
        ordinal = ORDINAL.search(text)
        job = JOB_REF.search(text)
        return pick("job_details", job=job.group(0).lower() if job else f"my {ordinal.group('which').lower()} job"
                    if ordinal else place_reference(text, known_places) or "that job")
    if _JOB_ASKED.search(text) and not about_equipment and not _AREA.search(text) and not _KNOWLEDGE.search(text):
        place = named_place(text, known_places)
        if place is not None:
            return pick("job_details", job=place)
    if _WRITTEN_UP.search(text) and not models and not _SPEC_TOPIC.search(text):
        # what is already on record at a place or job, a unit there included ("open deficiencies on the pump")
        return pick("job_details", job=place_reference(text, known_places) or "there")
    job_number = re.search(r"\bjob\s*(?:number\s*|#\s*|no\.?\s*)?(\d+)\b", lowered)
    if re.search(r"\bwhat (?:kind|type|sort) of (?:job|work|visit)\b", lowered) and not job_number:
        return pick("job_details", job=named_place(text, known_places))  # "what kind of job is it here"
    if job_number or re.search(r"\b(this|current|the) job\b|\bjob details\b|\bjob (?:about|for|involve|entail)\b",
                               lowered):
        # "what's the job there", "what's the job at the Ferry Building about"
        named = re.search(r"\bthe ((?:[\w'&-]+ ){0,2}[\w'&-]+) job\b", text, re.IGNORECASE)  # "the skyline job"
        named_words = named.group(1) if named and not re.fullmatch(
            r"(?:this|that|current|next|last|first|final|previous|same|other|whole)", named.group(1).lower()) else None
        there = None if job_number else known_in(text, known_places) or named_words or \
            ("there" if THERE_WORDS.search(text) else None)
        return pick("job_details", job_id=int(job_number.group(1)) if job_number else None, job=there)
    before_work = (_BEFORE_WORK.search(text) and _NEEDS.search(text)) or _PERMISSION.search(text)
    if (before_work and not about_equipment and named_place(text, known_places)) or \
            re.search(r"\b(special (?:requirements?|instructions?|rules?|notes?)|anything special|site rules|"
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
    journey = trip(text, known_places) if travel else None
    if journey is not None:
        destination, origin = journey
        return pick("travel_time", destination=destination, origin=origin)
    if _CONTACT.search(text) and not (about_equipment and not re.search(r"\b(customer|client|owner|owns)\b", lowered)):
        return pick("customer_at_location", location=place_reference(text, known_places))
    ordinal = ordinal_alone(text)
    if ordinal and not about_equipment and not _KNOWLEDGE.search(text):
        if ordinal == "next":
            return pick("next_job")
        return pick("job_details", job=f"my {'last' if ordinal == 'final' else ordinal} job")
    asks_the_day = _SCHEDULE.search(text) and not about_equipment and not _KNOWLEDGE.search(text) and \
        not remark(text, known_places)  # "traffic on the bridge was brutal this morning" is not a question
    if _TODAY.search(text) and asks_the_day:
        place = known_in(text, known_places)  # "what am I doing at the plant today": that job
        return pick("job_details", job=place) if place else pick("my_jobs_today")
    if models:
        return pick("equipment_spec", model=models[-1], question=clean(text))
    if "read_nameplate" in tools and (_NAMEPLATE.search(text) or (_PRONOUN.search(text) and asks_age(text))):
        return pick("read_nameplate", question=clean(text))
    if photo and "read_nameplate" in tools and (_PRONOUN.search(text) or _FOLLOW_UP.search(text)) and \
            (_SPEC_TOPIC.search(text) or re.search(r"\bserial\b", lowered)):
        return pick("read_nameplate", question=clean(text))
    if _SPEC_TOPIC.search(text) and (_PRONOUN.search(text) or _FOLLOW_UP.search(text)):
        return pick("equipment_spec", question=clean(text))
    if voltage_said(text) and not models and len(clean(text).split()) <= 6 and not _KNOWLEDGE.search(text):
        return pick("equipment_spec", question=clean(text))  # "and at four sixty": the last figure, that version
    unit = UNIT_KINDS.search(text)
    placed = None if unit or models else unit_by_place(text, known_places)
    if placed and (asks(text) or _FOLLOW_UP.search(text)):  # "which one is in the riser room", "what's on the roof"
        site = named_place(text, known_places)
        return pick("equipment_spec", model=placed, question=clean(text), site=None if site == "there" else site)
    if _SPEC_TOPIC.search(text) and not unit and not _KNOWLEDGE.search(text) and len(clean(text).split()) <= 6:
        # a figure asked in a fragment ("so max fuse is what"): of the unit discussed; with none, the spec lookup
        # fails and the question goes to the manuals and standards
        return pick("equipment_spec", question=clean(text))
    if unit and (asks_age(text) or asks_inspection(text) or _INVENTORY.search(text) or _WHICH_UNIT.search(text) or
                 _SPEC_TOPIC.search(text)):  # the unit of that kind at the site: its record, or its model's sheet
        site = named_place(text, known_places)
        return pick("equipment_spec", model=unit_said(text, unit.group(1), known_places), question=clean(text),
                    site=None if site == "there" else site)
    if names_a_relative(text) and not _KNOWLEDGE.search(text):  # "its sister model", "the big one": of the family
        return pick("equipment_spec", question=clean(text))    # of the unit discussed
    if _KNOWLEDGE.search(text):
        return pick("knowledge_search", query=clean(text))
    place = known_in(text, known_places)
    if place:
        return pick("customer_at_location", location=place)
    return None



def _asks_about_a_day(text: str, known: Sequence[str], about_equipment: bool) -> bool:
    """Whether a message naming another day asks what that day holds ("and the day after tomorrow?", "anything
    next Monday", "where am I headed Thursday"), not about a unit, a document, a person or a trip."""
    if about_equipment or _KNOWLEDGE.search(text) or _CONTACT.search(text) or _SITE_RULES.search(text) or \
            re.search(r"\b(?:how (?:long|far)|drive|distance|traffic)\b", text, re.IGNORECASE):
        return False
    rest = clean(re.sub(r"\b(?:and|what|whats|what'?s|about|how|the|so|ok(?:ay)?|then)\b", " ",
                        DAY_WORDS.sub(" ", text), flags=re.IGNORECASE))
    return bool(_SCHEDULE.search(text) or asks(text) or not rest) and not remark(text, known)


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
