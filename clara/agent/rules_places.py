"""Routing rules for places: what a site requires ("any rules at that school", "before welding here"), what is due
there, how far it is, who to call, and a place named alone. References ("here", "there", "my next site") are passed
on as said: `clara.jobs.resolution` decides what they mean. Each rule returns the call it reads, or None when the
message is not of its kind; `clara.agent.routing` tries them in order.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from clara.agent.places_said import known_in, named_place, place_reference
from clara.agent.trips_said import trip
from clara.agent.reading import Reading, call
from clara.agent.said import Route
from clara.agent.topics_said import BEFORE_WORK, CONTACT, NEEDS, PERMISSION, SITE_RULES, WORK_ALLOWED

_SPECIAL = re.compile(r"\b(special (?:requirements?|instructions?|rules?|notes?)|anything special|site rules|"
                      r"(?:need|should|have|ought) to know (?:before|about|there|here)|(?:before|when|once) i "
                      # arriving, in other words: "before I rock up", "when I turn up", "before I roll in"
                      r"(?:show up|go|get there|arrive|head|pull up|(?:rock|turn|roll) (?:up|in)|get on ?site)|"
                      r"access (?:notes?|rules?|instructions?)|"
                      r"check.?in (?:rules|procedure))\b")
# A street address asked for, not "addressable" or addressing a fault.
_ADDRESS = re.compile(r"\b(?:the|its|their|street|site'?s|what'?s|whats|what is) address\b|\baddress (?:of|for|at|there|"
                      r"here)\b")
_DUE = re.compile(r"\binspections?\b.*\b(due|overdue|needed|coming up|pending)\b|\bwhat(?:'s| is) (?:over)?due\b|"
                  r"\boverdue\b|\bpast due\b|\bbehind on (?:inspections?|testing|tests)\b|"
                  r"\bdue (?:for|an?) (?:inspection|testing|test|service)\b")

# Said of a place only, since of a unit or a test they are the documents' ("what needs to be checked on a dry valve",
# "any gotchas with a trip test"): what waits to be looked at there ("what needs inspecting at abc", "what needs to
# be tested here"), and warnings asked for in shop talk ("any gotchas there", "heads up on the ferry building").
_WAITING = re.compile(r"\bwhat (?:all |else )?needs? (?:to be |to get )?(?:inspect|test|check|servic)\w*")
_HEADS_UP = re.compile(r"\b(?:gotchas?|heads.?up)\b")


# How to get in: a code for a gate or door, a lockbox, keys, parking. "Code" alone is the standards' word ("what does
# the code say about door closers"); said with what it opens, it is the site's.
_ACCESS = re.compile(
    r"\b(?:gate|door|keypad|key ?pad|lock ?box|key ?box|entry|entrance|access|garage|lobby|front door|back door|"
    r"side door|roof hatch|padlock)\s+(?:code|combo|combination|pin|password)s?\b|\b(?:lock ?box|key ?box)\b|"
    r"\bwho (?:has|holds|keeps) the keys?\b|\bkeys? (?:to|for) (?:the |this |that )?(?:building|site|roof|gate|door|"
    r"riser|room|place|plant|panel room|mechanical room)\b|\bwhere (?:do|can|should|would) (?:i|we) park\b|"
    r"\bwhere(?:'s| is)? (?:the )?parking\b|\bparking (?:at|for|there|here|pass|permit|instructions)\b|"
    # parking asked after, not a kind of building: "is there parking", "anywhere to park the van", "parking?"
    r"\b(?:is there|any|got|anywhere to|somewhere to|a place to|where to|can i|can we|ok to)\s+(?:any\s+)?park(?:ing)?\b"
    r"(?!\s+(?:garage|structure|deck|lot)s?\b)|^\W*parking\W*$|"
    r"\bhow (?:do|can|will|would) (?:i|we) get (?:in|inside)(?: there| here| at [\w' ]+)?\s*[?.!]*$|"
    r"\bhow (?:do|can|will|would) (?:i|we) get (?:in(?:to)?|on(?:to)?|up (?:on|to)) the (?:building|site|roof|gate|"
    r"property|plant|riser room|mechanical room)\b|\blet (?:me|us) in\b|\bbadge (?:in|access)\b|"
    # the way in asked: "which gate am I supposed to use", "what entrance do we go in by", "where do I get in"
    r"\b(?:which|what) (?:gate|door|entrance|entry|way in)\b[^?.!]{0,30}?\b(?:use|go in|come in|get in|enter|take)\b|"
    r"\bwhere (?:do|should|can|would) (?:i|we) (?:go|get|come) in\b")
# Codes a technician keys into the equipment itself, which its manual answers ("the alarm code on the panel").
_EQUIPMENT_CODE = re.compile(r"\b(?:panel|installer|programming|master|factory|default|fault|error|trouble|flash|"
                             r"blink)\s+(?:code|pin|password)s?\b")


def access_asked(reading: Reading) -> Route | None:
    """How to get in at a site ("what's the gate code there", "where do I park at the plant", "is there a lockbox"):
    its access notes, or that none are on file and who can let them in. Before the standards' rules, which read
    "code" as a building code and answered a door code with a passage about manual boxes near exits."""
    if not _ACCESS.search(reading.lowered) or _EQUIPMENT_CODE.search(reading.lowered) or reading.models:
        return None
    return call("site_requirements", site=place_reference(reading.text, reading.known), access=True)


def address_asked(reading: Reading) -> Route | None:
    """A place's street address ("what's the address there", "the address for ABC"): its card says it."""
    if not _ADDRESS.search(reading.lowered) or reading.about_equipment:
        return None
    return call("customer_at_location", location=place_reference(reading.text, reading.known))


def requirements_asked(reading: Reading) -> Route | None:
    """What a site requires: its rules, before a kind of work there, anything special before showing up. Asked
    with who to ask for, the customer card answers both (it carries the contact and the requirements)."""
    text, lowered, known = reading.text, reading.lowered, reading.known
    before_work = (BEFORE_WORK.search(text) and NEEDS.search(text)) or PERMISSION.search(text)
    of_a_place = not reading.about_equipment and named_place(text, known)
    if not ((before_work and of_a_place) or _SPECIAL.search(lowered) or (_HEADS_UP.search(lowered) and of_a_place) or
            (SITE_RULES.search(text) and of_a_place)):
        return None
    if CONTACT.search(text) and re.search(r"\b(?:who|number|phone|contact)\b", lowered):
        return call("customer_at_location", location=place_reference(text, known))
    return call("site_requirements", site=place_reference(text, known))


def work_allowed(reading: Reading) -> Route | None:
    """Work the technician means to do at a place, asked whether it is allowed ("can we test the bells there at
    nine", "I might have to weld up there, is that a problem"): the site's rules answer it, though it names a unit or
    a trade's words. Asked of no place, it is the standards' question."""
    if not WORK_ALLOWED.search(reading.text) or named_place(reading.text, reading.known) is None:
        return None
    return call("site_requirements", site=place_reference(reading.text, reading.known))


# Only what is late: "what's overdue", "what's behind on inspections", "anything past due" ("due or overdue" is both).
_PAST_DUE = re.compile(r"\b(?:overdue|behind|past due|late|lapsed|expired)\b")


def due_arguments(text: str, known: Sequence[str]) -> dict[str, Any]:
    """`inspections_due`'s arguments for a question: the place it names, and whether only overdue units were asked."""
    lowered = text.lower()
    late = _PAST_DUE.search(lowered) and not re.search(r"(?<!past )\bdue\b", lowered)
    return {"site": place_reference(text, known), **({"overdue_only": True} if late else {})}


def due_asked(reading: Reading) -> Route | None:
    return call("inspections_due", **due_arguments(reading.text, reading.known)) \
        if _DUE.search(reading.lowered) or (_WAITING.search(reading.lowered) and not reading.about_equipment and
                                            named_place(reading.text, reading.known)) else None


# What the technician is there to test at a place: "what systems am I testing there", "what am I inspecting at
# WeWork", "what are we checking at my next job". What is due there is what gets tested (a unit falls due when its
# interval runs out); asked before the day's rules, which read "my next job" as the job's card.
_TESTED = re.compile(r"\bwhat\b(?:\s+(?:systems?|equipment|units?|gear|stuff|all))?\s+(?:am i|are we|will i be|"
                     r"will we be|do (?:they|you) have (?:me|us))\s+(?:testing|inspecting|checking|servicing)\b")


def tested_asked(reading: Reading) -> Route | None:
    if not _TESTED.search(reading.lowered):
        return None
    site = place_reference(reading.text, reading.known)
    return call("inspections_due", site=site) if site else None


def trip_asked(reading: Reading) -> Route | None:
    journey = trip(reading.text, reading.known) if reading.travel else None
    if journey is None:
        return None
    destination, origin = journey
    return call("travel_time", destination=destination, origin=origin)


# A person in the story, not asked about: "customer wants me to paint the covers", "the owner asked us to add gas".
_PERSON_WANTS = re.compile(r"\b(?:customer|client|owner|tenant|manager)(?:'s)?\s+(?:just |really |now |also |still )*"
                           r"(?:wants?|wanted|asks?|asked|is asking|said|says|told|insists?|requested|would like|"
                           r"needs?|changed|did|had)\b")
_WHO = re.compile(r"\b(?:who|whose|number|phone|contact|call|reach|talk to|speak (?:to|with))\b")
# The customer's side named in a rule asked: what the owner must do, or by when ("how long must the owner keep the
# test records", "does the customer have to sign the report"). The standards answer it; the card is not asked for.
_DUTY = re.compile(r"\b(?:customer|client|owner|manager)s?\b[^,.;?]*\b(?:must|shall|has to|have to|needs? to|"
                   r"is required|are required|supposed to)\b|\b(?:must|shall|has to|have to|needs? to|required to)\b"
                   r"[^,.;?]*\b(?:customer|client|owner)s?\b|"
                   r"\b(?:how (?:long|often|soon|many (?:days|years|months))|deadline|time ?limit|time ?frame)\b[^,.;?]*"
                   r"\b(?:owner|customer|client)")


def contact_asked(reading: Reading) -> Route | None:
    """Who to call at a place; of a unit, only its customer or owner is a contact question. A customer who wants or
    did something is the context of a question about the work ("customer wants me to paint the covers, is that
    ok"), not a request for their card."""
    if (_PERSON_WANTS.search(reading.lowered) or _DUTY.search(reading.lowered)) and not _WHO.search(reading.lowered):
        return None
    if CONTACT.search(reading.text) and not (reading.about_equipment and
                                             not re.search(r"\b(customer|client|owner|owns)\b", reading.lowered)):
        return call("customer_at_location", location=place_reference(reading.text, reading.known))
    return None


# One attribute said alone, radio-style ("time?", "number?", "address?"): of the job or the place discussed.
_TIME_ALONE = re.compile(r"^(?:and\s+)?(?:the\s+)?(?:time|start time|what time|eta|arrival time)\W*$", re.IGNORECASE)
_CARD_ALONE = re.compile(r"^(?:and\s+)?(?:(?:the|their|his|her)\s+)?(?:(?:phone\s+)?number|phone|cell|mobile|"
                         r"contact number|address)\W*$", re.IGNORECASE)


def attribute_alone(reading: Reading) -> Route | None:
    """"time?" after "next.": that job's time; "number?" after a contact: that place's card."""
    if _TIME_ALONE.match(reading.text):
        return call("job_details", job="that job")
    return call("customer_at_location", location="there") if _CARD_ALONE.match(reading.text) else None


# The technician saying where they are: "I'm at the Ferry Building now", "we're over at Kaiser".
_ARRIVED = re.compile(r"\b(?:i'?m|im|i am|we'?re|we are)\s+(?:(?:now|just|finally|currently|here|over|out|"
                      r"standing|parked|on ?site|already)\s+)*(?:at|in)\b", re.IGNORECASE)


def place_alone(reading: Reading) -> Route | None:
    """A known place and nothing a rule reads: its customer card; said as where the technician is now, also where
    "here" is from then on."""
    place = known_in(reading.text, reading.known)
    if not place:
        return None
    return call("customer_at_location", location=place, **({"arrived": True} if _ARRIVED.search(reading.text) else {}))
