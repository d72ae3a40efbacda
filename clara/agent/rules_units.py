"""Routing rules for the documents and the units: a standard, a procedure, a fault or a reading asked about (the
manuals and standards: a place or unit named in it is context); a model number, a nameplate, a spec follow-up by
pronoun or in a fragment, a unit by its kind or its place at a site. Each rule returns the call it reads, or None
when the message is not of its kind; `clara.agent.routing` tries them in order.
"""

from __future__ import annotations

import re

from clara.agent.deficiency_said import troubleshooting
from clara.agent.places_said import named_place
from clara.agent.reading import Reading, asks, call
from clara.agent.readings_said import fault_code, reports_a_reading, reports_a_symptom
from clara.agent.said import Route, clean, preferences
from clara.agent.sections_said import SECTION
from clara.agent.spec_answers import asks_age, asks_inspection
from clara.agent.unit_answers import asks_where
from clara.agent.units_said import unit_by_place, unit_said
from clara.agent.topics_said import AGE_RULE, DOCUMENT, FOLLOW_UP, INVENTORY, LIMIT, NAMEPLATE, PRONOUN, SPEC_TOPIC, \
    STANDARD, WHICH_UNIT
from clara.knowledge.spec_fields import voltage_said
from clara.knowledge.spoken_models import names_a_relative


# A serial or tag number read off a plate: "serial AM351589, what model is that", "the tag on the roof unit says
# CA910625". Said as letters then five digits or more, it names the unit on site that carries it, not a model.
_SERIAL_WORD = re.compile(r"\b(?:serial(?: number| no)?|s/?n|(?:asset |equipment |unit )?tag(?: number| no)?)\b",
                          re.IGNORECASE)
_SERIAL = re.compile(r"^[A-Z]{1,4}-?\d{5,}[A-Z0-9]*$")


def serial_named(reading: Reading) -> Route | None:
    """A unit named by its serial or tag: the unit at the site with that serial, whatever is asked of it."""
    serials = [m for m in reading.models if _SERIAL.match(m)] if _SERIAL_WORD.search(reading.text) else []
    return call("equipment_spec", model=f"serial {serials[-1]}", question=clean(reading.text)) if serials else None


def standard_asked(reading: Reading) -> Route | None:
    """A standard named ("what does NFPA 25 say"): the standards only. A section said ("10.6.10.3, how long does the
    charger get to bring dead batteries back") asks what that section says, whatever else its words read as (here a
    drive)."""
    if STANDARD.search(reading.text):
        return call("knowledge_search", query=clean(reading.text), source="nfpa")
    return call("knowledge_search", query=clean(reading.text)) if SECTION.search(reading.text) else None


def document_asked(reading: Reading) -> Route | None:
    """A document, a limit, an age rule, a fault described and asked about ("the pump keeps tripping, thoughts"), a
    fault code, a reading or a symptom ("suction pressure's way low"): the manuals and standards, never a spec
    sheet, whose ratings say what a unit should do, not why it does otherwise."""
    text = reading.text
    if DOCUMENT.search(text) or LIMIT.search(text) or AGE_RULE.search(text) or troubleshooting(text) or \
            fault_code(text) or reports_a_reading(text) or reports_a_symptom(text):
        return call("knowledge_search", query=clean(text))
    return None


_THAT_UNIT = re.compile(r"\b(?:it|that unit|this unit|that one|this one)\b", re.IGNORECASE)


def record_asked(reading: Reading) -> Route | None:
    """When the unit discussed was last inspected or is next due ("when was it last inspected"): its own record at
    the site, not the site's visits and not a document."""
    text = reading.text
    if asks_inspection(text) and _THAT_UNIT.search(text) and not reading.unit and not reading.models:
        return call("equipment_spec", model="it", question=clean(text))
    return None


def model_named(reading: Reading) -> Route | None:
    return call("equipment_spec", model=reading.models[-1], question=clean(reading.text)) if reading.models else None


# A unit pointed at by its age: "that old one", "the newer one", "the oldest unit".
_BY_AGE = re.compile(r"\b(?:the|that|this)\s+(?:old|older|oldest|new|newer|newest)\s+(?:one|unit)\b", re.IGNORECASE)


def unit_by_age(reading: Reading) -> Route | None:
    """A figure of a unit pointed at by its age ("whats the mca on that old one", "and on the newer one"): among the
    site's units of the kind discussed, the tool picks it. "Which one is older" is the comparison, answered elsewhere."""
    text = reading.text
    said = _BY_AGE.search(text)
    if said and not reading.models and not reading.unit and not reading.knowledge and \
            not re.search(r"\bwhich\b", text, re.IGNORECASE) and \
            (SPEC_TOPIC.search(text) or _DIMENSION.search(text) or FOLLOW_UP.search(text)):
        return call("equipment_spec", model=said[0], question=clean(text))
    return None


def nameplate_asked(reading: Reading) -> Route | None:
    """The nameplate read, or asked of the unit last photographed ("how old is it", "its serial")."""
    text = reading.text
    if "read_nameplate" not in reading.tools:
        return None
    of_the_photo = reading.photo and (PRONOUN.search(text) or FOLLOW_UP.search(text)) and \
        (SPEC_TOPIC.search(text) or re.search(r"\bserial\b", reading.lowered))
    # "back to that backflow, how old is it": the backflow's record, unless a picture is what is being discussed
    of_a_kind = reading.unit is not None and not reading.photo
    if NAMEPLATE.search(text) or (PRONOUN.search(text) and asks_age(text) and not of_a_kind) or of_the_photo:
        return call("read_nameplate", question=clean(text))
    return None


# "how long is the unit", "how long's that one": a unit's length, not a duration; a job, a test or a drive asked
# "how long" names no unit ("how long is the churn supposed to run" is a document's).
_HOW_LONG_A_UNIT = re.compile(r"\bhow long(?: is|'s| are)? (?P<unit>it|the unit|that unit|this unit|that one|this one|"
                              r"that model|this model)\b(?!\s+(?:booked|supposed|going|gonna|take|run|last))",
                              re.IGNORECASE)


# One of a unit's dimensions: a figure of the unit discussed when asked of it ("how tall is it", "and the length"),
# not on its own ("the height of the strobe" is a standard's).
_DIMENSION = re.compile(r"\b(?:length|width|height|depth|how tall|how wide)\b", re.IGNORECASE)


def length_said(text: str) -> str:
    """The question with a unit's "how long" said as its length ("how long is the unit in metres" -> "the length of
    the unit in metres"), which the spec figures are named by; other questions as they are."""
    return _HOW_LONG_A_UNIT.sub(lambda m: f"the length of {m['unit']}", text)


def figure_followed_up(reading: Reading) -> Route | None:
    """A figure of the unit discussed, by pronoun ("its max fuse") or as another version ("and at four sixty"); a
    unit pointed at by its place ("the mca on the unit on their roof") is that unit's, not the one discussed."""
    text = length_said(reading.text)
    # a kind of unit at a place ("and whats the mca on the rooftop unit there") is that site's unit, not the one
    # discussed
    at_a_site = reading.unit and not reading.models and named_place(text, reading.known) is not None
    if (SPEC_TOPIC.search(text) or _DIMENSION.search(text)) and (PRONOUN.search(text) or FOLLOW_UP.search(text)) \
            and not at_a_site and \
            (reading.unit or reading.models or not unit_by_place(text, reading.known)):
        return call("equipment_spec", question=clean(text))
    if voltage_said(text) and len(clean(text).split()) <= 6 and not reading.knowledge:
        return call("equipment_spec", question=clean(text))
    return None


# A count asked of the unit discussed, in words no figure list holds: "how many points per loop on that", "how many
# compressors does it have".
_COUNT_OF_IT = re.compile(r"\bhow (?:many|much)\b[\w' -]*?\b(?:on|in|does|do|can|could|will|would|for|of|with)\s+"
                          r"(?:it|that|this|that one|this one|that unit|this unit|that model|this model)"
                          r"(?:\s+(?:have|got|hold|take|carry|support|handle|run))?\s*[?.!]*$", re.IGNORECASE)


def count_of_it(reading: Reading) -> Route | None:
    """A count asked of the unit discussed: its sheet, whose field the words name; with no unit discussed the
    lookup fails and the question goes to the documents."""
    if _COUNT_OF_IT.search(reading.text) and not reading.unit and not reading.models and not reading.knowledge:
        return call("equipment_spec", question=clean(reading.text))
    return None


# Where the units just talked about stand: "where are they", "where's that one again".
_WHERE_ARE_THEY = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?)\s+)?(?:where|wheres|where'?s)(?:\s+(?:is|are))?\s+(?:it|they|"
                             r"them|those|that|that one|this one|these)(?:\s+(?:at|located|again|exactly))*\s*[?.!]*$",
                             re.IGNORECASE)


def where_are_they(reading: Reading) -> Route | None:
    """Where the unit or units discussed stand: of the kind last talked about at the site discussed."""
    return call("equipment_spec", question=clean(reading.text)) if _WHERE_ARE_THEY.match(reading.text) else None


def unit_at_a_place(reading: Reading) -> Route | None:
    """A unit named by where it stands, no kind said: "which one is in the riser room", "what's on the roof"."""
    text = reading.text
    placed = None if reading.unit or reading.models else unit_by_place(text, reading.known)
    if placed and (asks(text) or FOLLOW_UP.search(text)):
        site = named_place(text, reading.known)
        return call("equipment_spec", model=placed, question=clean(text), site=None if site == "there" else site)
    return None


def figure_in_a_fragment(reading: Reading) -> Route | None:
    """A figure asked in a fragment ("so max fuse is what"): of the unit discussed; with none, the spec lookup fails
    and the question goes to the manuals and standards."""
    text = reading.text
    if SPEC_TOPIC.search(text) and not reading.unit and not reading.knowledge and len(clean(text).split()) <= 6:
        return call("equipment_spec", question=clean(text))
    return None


def unit_due_asked(reading: Reading) -> Route | None:
    """Whether one unit of a kind is due ("is the kitchen extinguisher here overdue"): its own record, not the list
    of what the whole site has due; several of a kind ("are the extinguishers due") are the site's list."""
    text, unit = reading.text, reading.unit
    if unit is None or reading.models or unit.group(1).lower().endswith("s") or not asks_inspection(text) or \
            not re.match(r"^(?:and\s+|so\s+)?(?:is|was)\b", text, re.IGNORECASE):
        return None
    site = named_place(text, reading.known)
    # the words before the kind say which ("the kitchen extinguisher"); a place after it ("in the kitchen") too
    described = re.search(rf"\b(?:the|that|this)\s+((?:[\w-]+\s+){{1,2}}){re.escape(unit.group(1))}\b", text,
                          re.IGNORECASE)
    words = f"the {described.group(1)}{unit.group(1).lower()}" if described and not named_place(
        described.group(1), reading.known) else unit_said(text, unit.group(1), reading.known)
    return call("equipment_spec", model=words, question=clean(text), site=None if site == "there" else site)


# A unit of a kind asked for at a place: "what's the fire pump at the ferry building", "whats the pump that feeds the
# sprinklers there", "tell me about the fire pump here", "pull up the backflow at ABC".
_THE_KIND_AT = re.compile(r"^\W*(?:(?:so|and|ok(?:ay)?)\s+)?(?:what'?s|whats|what is|which is|which'?s|"
                          r"(?:(?:can|could) you\s+)?(?:tell me|talk to me) about|what about|how about|"
                          r"(?:(?:can|could) you\s+)?(?:show me|pull up|bring up|give me)|info on|details on)\s+(?:the|their)\s+"
                          r"[^?.!]{0,60}?\b(?:at|here|there)\b", re.IGNORECASE)


def unit_by_kind(reading: Reading) -> Route | None:
    """The unit of a kind at the site ("the RTU on the roof, what model is it", "where would the fire pump be",
    "what's the fire pump at the ferry building"): its record, or its model's sheet."""
    text, unit = reading.text, reading.unit
    if not unit:
        return None
    site = named_place(text, reading.known)
    if asks_age(text) or asks_inspection(text) or INVENTORY.search(text) or WHICH_UNIT.search(text) or \
            SPEC_TOPIC.search(text) or asks_where(text) or (site and _THE_KIND_AT.search(text)):
        return call("equipment_spec", model=unit_said(text, unit.group(1), reading.known), question=clean(text),
                    site=None if site == "there" else site)
    return None


_ALL_UNITS = re.compile(r"\b(?:equipment|units|gear|systems)\b", re.IGNORECASE)
# Asked as a request rather than a question: "show me the units here", "list the equipment at ABC", "can you run
# me through the gear there".
_LIST_REQUEST = re.compile(r"^\W*(?:(?:can|could|would) you\s+)?(?:please\s+)?(?:show|list|tell|give|read|pull up|"
                           r"bring up|run (?:me |us )?through|go (?:over|through))\b", re.IGNORECASE)
# The place alone, nothing named: "what's here", "what have they got on site", "what's installed at this building".
_WHATS_HERE = re.compile(r"^\W*(?:(?:so|and|ok(?:ay)?)\W+)?(?:what'?s|whats|what is|what(?:'s| is) installed|"
                         r"what (?:have|did) (?:they|we) got|what do (?:they|we) (?:have|got))\s+"
                         r"(?:here|there|on ?site|at this (?:site|place|building|location))\W*$", re.IGNORECASE)


def inventory_asked(reading: Reading) -> Route | None:
    """All a site has ("what equipment they got here", "what units do they have at ABC", "show me the units here",
    "what's here"): its units listed. A preference's "units" ("show me metric units") is a setting, read first."""
    text = reading.text
    asked = (INVENTORY.search(text) or _LIST_REQUEST.search(text)) and _ALL_UNITS.search(text)
    if reading.unit or reading.models or not (asked or _WHATS_HERE.search(text)) or preferences(text) or \
            reading.knowledge or re.search(r"\b(?:due|overdue|inspect\w*)\b", text, re.IGNORECASE):
        return None
    return _listed(reading, "equipment")


def _listed(reading: Reading, units: str) -> Route:
    """The units asked for at the place the message names (the one discussed, when "there" or none)."""
    site = named_place(reading.text, reading.known)
    return call("equipment_spec", model=units, question=clean(reading.text), site=None if site == "there" else site)


# What stands in a room the technician says they are in: "I'm in the riser room, what have they got in this room",
# "down in the pump room here, what's in here". The room is named before it is pointed at.
_ROOM_NAMED = re.compile(r"\b(?:in|inside)\s+(?:the\s+)?(?P<room>(?:[a-z]+\s+){0,2}?(?:room|vault|closet|basement|"
                         r"kitchen|corridor|hallway|attic|garage|riser(?:\s+room)?))\b(?P<rest>.*)$", re.IGNORECASE)
_WHATS_IN_IT = re.compile(r"\bwhat(?:'?s| is| have (?:they|we) got| do (?:they|we) have| (?:have|did) (?:they|we) "
                          r"(?:got|put)| is there| equipment is| units are)\s+(?:in|inside)\s+(?:(?:this|that|the) "
                          r"(?:room|space|one)|here|there)\b", re.IGNORECASE)


def room_inventory(reading: Reading) -> Route | None:
    """The units in the room the technician is in ("ok I'm in the riser room here, what have they got in this
    room"): those of the site at hand standing there, listed."""
    room = _ROOM_NAMED.search(reading.text)
    if room is None or reading.models or not _WHATS_IN_IT.search(room.group("rest")):
        return None
    return _listed(reading, f"equipment in the {room.group('room').lower()}")


def relative_asked(reading: Reading) -> Route | None:
    """"its sister model", "the big one": of the family of the unit discussed."""
    if names_a_relative(reading.text) and not reading.knowledge:
        return call("equipment_spec", question=clean(reading.text))
    return None


def knowledge_asked(reading: Reading) -> Route | None:
    return call("knowledge_search", query=clean(reading.text)) if reading.knowledge else None
