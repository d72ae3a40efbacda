"""The unit at a site a technician's words name: "it", "the other one", "the B260", "the extinguisher", "the one in
the riser room", "the hallway pull station" — one rule for the offline reader, Gemini's tools, drafts and MCP.

Each clue (a model, a kind word, a maker, a place on site) narrows the site's units; two or three equally likely
come back as choices so Clara can ask which one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clara.jobs import service as jobs
from clara.jobs.models import Equipment
from clara.jobs.resolution import Focus, words_of
from clara.knowledge.spoken_models import loose_key, model_mentions
from clara.stores import Stores

_IT = re.compile(r"^(?:it|that|this|that unit|this unit|the unit|that one|this one|that model|this model|"
                 r"that equipment|this equipment|the same (?:one|unit))$")


def points_back(reference: str | None) -> bool:
    """Whether a phrase only points at the unit talked about ("it", "that one"), naming nothing of its own."""
    return bool(_IT.match(words_of(reference)))


# Several units pointed at together: the ones just listed or talked about.
_THEM = re.compile(r"^(?:them|those|these|they|both|(?:those|these) (?:ones|units)|"
                   r"(?:all|each|both|either) of (?:them|those))$")

# Words technicians use for a kind of equipment (one or several: "what backflows are at WeWork"), and the equipment
# types (as stored) each can mean.
_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # a system named whole is the units that make it up at the site ("what's the sprinkler system here")
    (r"(?:fire )?sprinkler systems?",
     ("fire pump", "jockey pump", "backflow preventer", "dry pipe valve", "alarm check valve")),
    (r"fire alarm systems?", ("fire alarm panel",)),
    (r"fire pumps?", ("fire pump",)),
    (r"jockey(?: pump)?", ("jockey pump",)),
    (r"pumps?", ("fire pump", "jockey pump")),
    (r"extinguishers?|(?:class )?k[- ]?(?:cans?|bottles?)", ("fire extinguisher",)),  # "the K can" in the kitchen
    (r"(?:fire )?alarm panels?|facps?|panels?", ("fire alarm panel",)),
    (r"roof ?tops?(?: units?)?|roof units?|rtus?|air handlers?|hvac units?|ac units?|package units?",
     ("rooftop unit",)),
    # "the double check" is a backflow assembly; "double check the pressure" is a verb
    (r"backflows?(?: preventer)?|bfps?|rpzs?"
     r"|double[- ]check(?! (?:the|that|it|this|if|whether|with|for|on|my|your|their)\b)|dcva",
     ("backflow preventer",)),
    # "the dry valve": shop talk for the dry pipe valve, never the alarm check valve beside it
    (r"dry[- ]pipe(?: valves?)?|dpvs?|dry valves?", ("dry pipe valve",)),
    (r"alarm (?:check )?valves?|check valves?", ("alarm check valve",)),
    (r"valves?", ("dry pipe valve", "alarm check valve")),
    (r"(?:kitchen )?hood|kitchen suppression|wet chemical|ansul system", ("kitchen suppression",)),
    (r"clean agent|fm-?200|novec", ("clean agent system",)),
)
# Any kind of equipment named in a sentence ("the fire pump", "the RTU"): the group is the words that named it.
UNIT_KINDS = re.compile(r"\b(" + "|".join(pattern for pattern, _ in _TYPE_WORDS) + r")\b", re.IGNORECASE)
_ROOM = re.compile(r"\b(?:room|closet|vault|area|floor|level|hall|corridor|house|shed|yard)\b")  # "the pump room"
_STOP = {"the", "a", "an", "my", "this", "that", "unit", "one", "in", "at", "on", "by", "near", "of", "s", "it",
         "here", "there", "out", "up", "down", "over", "under", "below", "beneath"}
# "the other one", "another extinguisher", "a different backflow": a unit of the kind discussed, not the one discussed.
_OTHER = re.compile(r"^(?:the |that |a )?(?:other|another|different)\b(?P<rest>.*)$")
# Words that name no kind of unit: "the unit on the roof", "the one in the street vault", "the thing in the riser
# room" say which unit only by where it is.
_GENERIC = {"unit", "units", "one", "thing", "equipment", "system", "machine", "device", "box", "stuff"}
# A unit named only by where it stands, as a write-up opens with it: "the thing down in the street vault", "the one
# in the kitchen", "that unit up on the roof". The resolver reads the place; this says a unit was named at all.
UNIT_BY_PLACE = re.compile(r"\b(?:the|that|this)\s+(?:unit|one|thing|equipment|system|machine|device|box)\s+"
                           r"(?:(?:down|up|out|over|back)\s+)?(?:in|on|at|by|inside|under|behind|near|next to)\s+"
                           r"(?:the\s+)?[a-z]", re.IGNORECASE)


# A unit named by the serial or tag on its plate ("serial AM351589", "tag CA910625"), as the agent passes it on:
# the one unit at the site whose serial it is, letters, digits and spacing aside.
SERIAL_SAID = re.compile(r"^(?:the\s+)?(?:serial(?: number| no\.?)?|s/?n|tag(?: number)?)\s*#?\s*"
                         r"(?P<serial>[a-z0-9 -]+)$", re.IGNORECASE)


def _serial_key(serial: str | None) -> str:
    return "".join(c for c in (serial or "").upper() if c.isalnum())


@dataclass(frozen=True)
class UnitMatch:
    """The unit a phrase names at a site: `unit` when it is clear, else the `choices` to ask between (none when
    nothing at the site fits)."""

    unit: Equipment | None
    choices: list[Equipment]


async def resolve_unit(
    stores: Stores, *, site_id: int, focus: Focus, reference: str | None, location: str | None = None,
) -> UnitMatch:
    """The unit at a site a phrase names: "it" or "that unit" (the one discussed), a model ("the B260", "50 TCQ
    A06"), a kind ("the extinguisher", "the fire pump"), a maker, and where it is ("in the kitchen"); each clue
    narrows the site's units, the location only when it leaves some. No reference and nothing discussed: no unit."""
    units = await jobs.site_equipment(stores, site_id=site_id)
    words = words_of(reference)
    other = _OTHER.match(words)
    if other:
        return _other_unit(units, focus, other.group("rest"))
    if _THEM.match(words):  # "which of them is the oldest": the units of the kind last talked about, else all
        of_kind = [u for u in units if u.type == focus.unit_kind] or units
        return UnitMatch(of_kind[0], []) if len(of_kind) == 1 else UnitMatch(None, of_kind)
    serial = SERIAL_SAID.match(words)
    if serial:
        same = [u for u in units if _serial_key(u.serial) == _serial_key(serial.group("serial"))]
        return UnitMatch(same[0], []) if len(same) == 1 else UnitMatch(None, same)
    if not words or _IT.match(words):
        discussed = [u for u in units if u.id == focus.equipment_id] or \
            [u for u in units if focus.equipment_model and loose_key(u.model) == loose_key(focus.equipment_model)]
        return UnitMatch(discussed[0] if len(discussed) == 1 else None, discussed if len(discussed) > 1 else [])
    where = re.search(r"\b(?:in|at|on|by|near|inside|behind|outside)\s+(?:the\s+)?(.+)$", words)
    if where and not _kind_in(words[:where.start()]) and _kind_in(where.group(1)) and \
            not model_mentions(words[:where.start()]) and not _ROOM.search(where.group(1)):
        words = where.group(1)  # a part on a unit ("the fusible links on the hood"): the unit is the hood
    elif where:
        location = location or where.group(1)
        words = words[:where.start()].strip()
    candidates = units
    models = {loose_key(m) for m in model_mentions(reference or "")}
    if models:
        candidates = [u for u in units if loose_key(u.model) in models or
                      any(loose_key(u.model).endswith(m) or m.endswith(loose_key(u.model)) for m in models)]
        if not candidates:
            return UnitMatch(None, [])
    kinds = _kind_in(words)
    if kinds is not None:
        # a model outweighs a kind word, which may name a part of it ("the 3000SS-4 relief valve")
        candidates = [u for u in candidates if u.type in kinds] or (candidates if models else [])
        if not candidates:
            return UnitMatch(None, [])
        # "that extinguisher": the one discussed; "that backflow" after three other topics: the backflow talked
        # about last, however many units came up since
        discussed = next((u for seen in (focus.equipment_id, *focus.units_discussed) for u in candidates
                          if u.id == seen), None)
        if discussed is not None and re.match(r"(?:that|this|the same)\b", words):
            return UnitMatch(discussed, [])
        # "the backflow" right after several units were named, one of them a backflow: that one
        named_before = [u for u in candidates if u.id in focus.units_discussed]
        if focus.equipment_id is None and len(named_before) == 1 and len(candidates) > 1:
            return UnitMatch(named_before[0], [])
    makers = [u for u in candidates if u.manufacturer.lower().split()[0] in words.split()]
    candidates = makers or candidates
    place = words_of(location)
    if not (models or kinds is not None or makers) and place and set(words.split()) <= _GENERIC | _STOP:
        # "the unit on the roof": where it is is all that is said of it; of the kind talked about first ("which one
        # is in the riser room" after the site's backflows: the backflow there, not the alarm valve beside it)
        placed = [u for u in units if u.location and _same_place(place, u.location)]
        of_kind = [u for u in placed if u.type == focus.unit_kind]
        placed = of_kind if len(of_kind) == 1 else placed
        return UnitMatch(placed[0], []) if len(placed) == 1 else UnitMatch(None, placed)
    if models or kinds is not None or makers:
        if place:
            placed = [u for u in candidates if u.location and _same_place(place, u.location)]
            candidates = placed or candidates
        if len(candidates) > 1:  # "the kitchen extinguisher": a place said as a word of the name
            named = [u for u in candidates if u.location and _place_words(u.location) & _place_words(words)]
            candidates = named if len(named) == 1 else candidates
        if len(candidates) == 1:
            return UnitMatch(candidates[0], [])
        return UnitMatch(None, candidates)
    return UnitMatch(None, [])


def _other_unit(units: list[Equipment], focus: Focus, words: str) -> UnitMatch:
    """ "The other one" (or "the other extinguisher"): the site's units of the kind named, else of the discussed
    unit's kind, without the discussed unit; one is the unit meant, several are asked between."""
    discussed = next((u for u in units if u.id == focus.equipment_id), None)
    kinds = _kind_in(words) or ((discussed.type,) if discussed else None)
    if kinds is None:
        return UnitMatch(None, [])
    others = [u for u in units if u.type in kinds and u.id != focus.equipment_id]
    return UnitMatch(others[0], []) if len(others) == 1 else UnitMatch(None, others)


def _kind_in(words: str) -> tuple[str, ...] | None:
    """The equipment types a phrase's kind word can mean ("hood" -> kitchen suppression), None when it names none."""
    return next((types for pattern, types in _TYPE_WORDS if re.search(rf"\b{pattern}\b", words)), None)


# Words for one place on a site said two ways: "the hallway" is the stored "Corridor", "the rooftop" the "Roof",
# "the mech room" the "Mechanical room", "down under the sidewalk" the "Street vault" (a vault lies under the
# pavement, and is read as the street it opens onto); each maps to the one word both sides are compared in.
_PLACE_SYNONYMS = {"hallway": "corridor", "hall": "corridor", "hallways": "corridor", "corridors": "corridor",
                   "rooftop": "roof", "rooftops": "roof", "roofs": "roof", "mech": "mechanical", "elec": "electrical",
                   "electric": "electrical", "cellar": "basement", "storeroom": "storage", "sidewalk": "street",
                   "pavement": "street"}


def _place_words(text: str) -> set[str]:
    return {_PLACE_SYNONYMS.get(w, w) for w in re.findall(r"[a-z0-9]+", text.lower())} - _STOP


def _same_place(said: str, stored: str) -> bool:
    """ "the kitchen" is "Kitchen"; "pump room" is "Pump room"; "roof" is "Roof"; "the street vault number two"
    is "Street vault" (a place said in more words than it is stored in); "the hallway" is "Corridor" and "the mech
    room" is "Mechanical room" (`_PLACE_SYNONYMS`)."""
    said_words = _place_words(said)
    stored_words = _place_words(stored)
    return bool(said_words) and bool(stored_words) and (said_words <= stored_words or stored_words <= said_words)
