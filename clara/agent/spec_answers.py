"""Equipment specifications said the way a technician asked: the asked figure first, in one sentence, then an
offer of the rest; a topic ("amp draw", "refrigerant") gets that topic's figures; nothing specific, an overview.

Figures carry units from the spec's key suffixes and convert to metric when the technician prefers it. The speech
path (`clara.agent.speech`) reads every unit used here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from clara.agent.answers import a, shaped
from clara.agent.units_asked import AnswerUnits
from clara.knowledge.spec_fields import AMPS as _AMPS, ATTRIBUTES as _ATTRIBUTES, LABELS as _LABELS
from clara.knowledge.spec_fields import RUNNING as _RUNNING, SIZED_BY, SPEC_TOPICS, TOPIC_WORDS as _TOPIC_WORDS
from clara.knowledge.spec_fields import asked_attributes, bare_name, counts_parts, flatten as _flatten, quantity, \
    spec_topic
from clara.knowledge.spec_fields import RATED_ATTRIBUTES, tons, voltage_said
from clara.knowledge.specs import Spec
from clara.users.service import Preferences
from clara.vision.models import Identification

# The offer after a single figure, by the topic it belongs to.
_REST = {"electrical": "the rest of its electrical data", "refrigerant": "the rest of its refrigerant data",
         "efficiency": "its other efficiency ratings"}
_SAFETY = {
    "electrical": "Safety first: lock out and tag out the disconnect, and verify zero voltage before opening panels.",
    "refrigerant": "Wear gloves and eye protection when connecting gauges; R-410A runs at high pressure.",
    "pressure": "Open valves slowly and wear eye protection around pressurized piping.",
}


def said_in(key: str, value: Any, units: AnswerUnits) -> str:
    """A figure in the units the answer is given in ("440 kg", "8.62 bar"); in both systems when both were asked
    ("970 lb (440 kg)")."""
    first = quantity(key, value, units.preferences, length=units.length, pressure=units.pressure)
    if not units.both:
        return first
    other = quantity(key, value, replace(units.preferences, units="metric"), length=units.length,
                     pressure=units.pressure)
    return first if other == first else f"{first} ({other})"


def _measure(key: str, value: Any, units: AnswerUnits) -> str:
    leaf = key.rsplit(".", 1)[-1]
    if leaf in ("voltage", "system_voltage"):
        return said_in(leaf, value, units)
    label = _LABELS.get(leaf) or bare_name(leaf)
    return f"{label} {said_in(key, value, units)}"


_UNIT_POINTER = re.compile(r"\b(?:its|it|that unit|this unit|the unit|that one|this one|that model|this model)\b",
                           re.IGNORECASE)


# Words a figure question is framed with ("what's its amp draw", "how much does that one weigh"), not its subject.
_FRAME = frozenset("what whats how much many does do did is are was the and for on of in at to this that one unit "
                   "tell me give about say says have has can you there here again exactly rated max maximum minimum "
                   "min".split())


def points_at_a_unit(question: str | None) -> bool:
    """Whether a question is about one unit it only points at ("its amp draw", "what does that one weigh"): with
    no unit in the conversation, the answer is to ask which model. Without such a pointer, or when the question says
    more than a pointer and a figure ("the clean agent tank lost some weight, at what point do we refill it"), it is
    about something the manuals and standards answer, not a model to name."""
    text = (question or "").lower()
    if not _UNIT_POINTER.search(text):
        return False
    rest = _UNIT_POINTER.sub(" ", text)
    for pattern, _ in _TOPIC_WORDS:
        rest = re.sub(rf"\w*(?:{pattern})\w*", " ", rest)
    subject = [w for w in re.findall(r"[a-z]+", rest) if w not in _FRAME and len(w) > 2]
    return len(subject) <= 2


def _name(spec: Spec) -> str:
    return " ".join(p for p in (spec.manufacturer, spec.model) if p)


def _source(spec: Spec) -> str:
    """"per the Carrier 48TCD specifications"; a series already named by its maker ("Amerex portable") not twice."""
    series = spec.series or spec.model
    maker = spec.manufacturer if spec.manufacturer and not series.lower().startswith(spec.manufacturer.lower()) else ""
    return f"per the {maker + ' ' if maker else ''}{series} specifications"


def _verb(name: str, value: object) -> str:
    """"are" for figures that are several ("its temperature ratings are 135, 155 ... °F"), else "is"."""
    plural = (isinstance(value, list) and len(value) > 1) or (name.endswith("s") and not name.endswith("ss"))
    return "are" if plural else "is"


def follow_up(spec: Spec, question: str | None, last_question: str | None) -> str | None:
    """The question meant by a follow-up that only names a supply voltage ("and at four sixty"): the figure asked
    last, asked again at that voltage. A question that asks a figure or a topic of its own stands as it is."""
    volts = voltage_said(question)
    if not last_question or not volts or asked_attributes(spec, question) or spec_topic(question):
        return question
    # the new voltage first, in digits: the voltage the last question named ("at two thirty volts") is replaced
    return f"at {volts}, {last_question}"


# A question that only names another unit ("and the one out in the street vault", "what about the B260"): the figure
# asked last, asked of that unit.
_ANOTHER_UNIT = re.compile(r"^\s*(?:and|also|what about|how about|same (?:for|on|with)|now)\b", re.IGNORECASE)


def carried_over(spec: Spec, question: str | None, last_question: str | None) -> str | None:
    """The question meant when a follow-up names another unit and asks nothing of its own ("whats the pressure loss
    through that one", then "and the one out in the street vault"): the last figure asked, of the unit now named."""
    if not last_question or not _ANOTHER_UNIT.match(question or "") or asked_attributes(spec, question) or \
            spec_topic(question):
        return question
    return f"{last_question}, {question}"


def _other_voltage(spec: Spec, question: str | None, attributes: list[tuple[str, str, Any]]) -> str | None:
    """A caveat when a figure is asked at a voltage the sheet does not give it for: the figures said are the
    sheet's own supply's, and that version's nameplate carries its own."""
    volts = voltage_said(question)
    supply = str(spec.details.get("electrical", {}).get("voltage") or "")
    if volts is None or not supply or str(volts) in supply or \
            any(key.endswith(f"_{volts}v") for key, _, _ in attributes):
        return None
    return f"Those are for the {supply} V unit; the {volts} V version has its own nameplate values."


def equipment_spec(spec: Spec, question: str | None, preferences: Preferences,
                   units: AnswerUnits | None = None) -> str:
    """The answer to `question` about `spec`: the asked figure first when there is one, else the topic's figures,
    else an overview; figures in `units` (the technician's preferences unless the question named others)."""
    units = units or AnswerUnits(preferences)
    attributes = asked_attributes(spec, question)
    topic = spec_topic(question)
    if attributes:
        figures, parts = [], []
        for key, name, value in attributes:
            leaf = key.rsplit(".", 1)[-1]
            if counts_parts(key):  # "how many compressors": "it has 2 compressors"
                parts.append(f"{value} {name}{'' if value == 1 else 's'}")
                continue
            said = said_in(key, value, units)
            if leaf == "voltage" and "phase" in spec.details.get("electrical", {}):
                said += f", {spec.details['electrical']['phase']} phase"
            figures.append(f"{name} {_verb(name, value)} {said}")
        rest = _REST.get(topic or "", "the rest of its specs")
        owned = " and its ".join(figures)
        said = f"The {spec.model}'s {owned}" if not parts else \
            f"The {spec.model} has {' and '.join(parts)}" + (f" and its {owned}" if figures else "")
        return shaped([f"{said}, {_source(spec)}.",
                       _other_voltage(spec, question, attributes), f"Want {rest}?"],
                      preferences, safety=_SAFETY.get(topic or ""))
    return topic_answer(spec, topic, preferences, units)


def topic_answer(spec: Spec, topic: str | None, preferences: Preferences, units: AnswerUnits | None = None) -> str:
    units = units or AnswerUnits(preferences)
    name, source = _name(spec), _source(spec)
    flat = [(k, v) for k, v in _flatten(spec.details) if k != "service_notes"]
    if topic == "service":
        notes = spec.details.get("service_notes") or []
        first = notes[0] if notes else "There are no service notes on file."
        return shaped([f"{name} service note ({source}): {first}"], preferences, extra=notes[1:3])
    keys = SPEC_TOPICS.get(topic or "", ())
    chosen = [(k, v) for k, v in flat if any(m in k for m in keys)] if keys else []
    if topic == "electrical":
        # What it draws running first, then circuit sizing, then starting current; stored JSON has no key order.
        values = {k.rsplit(".", 1)[-1]: v for k, v in chosen}
        amps = [(k, values[k]) for k in _AMPS if k in values]
        if preferences.skill_level == "expert" or preferences.verbosity == "brief":
            amps = [(k, v) for k, v in amps if k in _RUNNING + ("mca", "mocp")] or amps
        facts = ", ".join(_measure(k, v, units) for k, v in amps)
        supply = ", ".join(part for part in (f"{values['voltage']} V" if "voltage" in values else None,
                                             f"{values['phase']} phase" if "phase" in values else None) if part)
        first = f"{name} electrical data{f' ({supply})' if supply else ''}, {source}: {facts}."
        return shaped([first], preferences, safety=_SAFETY["electrical"],
                      extra=["Size the conductors to the MCA and the breaker or fuse to no more than the MOCP."])
    if not chosen:
        chosen = [(k, v) for k, v in flat if k in ("nominal_capacity", "capacity", "electrical.mca", "electrical.mocp",
                                                   "refrigerant", "rated_pressure_psi", *SIZED_BY)]
        if not chosen:
            chosen = flat[:4]
        what = f"{spec.type or 'equipment'}"
        facts = ", ".join(_measure(k, v, units) for k, v in chosen)
        return shaped([f"The {name} is {a(what.lower())}, {source}: {facts}."], preferences,
                      extra=[spec.description])
    facts = ", ".join(_measure(k, v, units) for k, v in chosen)
    return shaped([f"{name} {topic}, {source}: {facts}."], preferences, safety=_SAFETY.get(topic or ""))


def series_answer(said: str, specs: list[Spec], question: str | None, preferences: Preferences) -> str:
    """A series named without its size ("what's the max fuse on this 48TC", no such unit where they stand): the
    asked figure from the smallest size to the largest, then which size is theirs; no figure of the sheet, the sizes."""
    units = AnswerUnits(preferences)
    first, last = specs[0], specs[-1]
    attributes = asked_attributes(first, question)
    if attributes:
        key, name, _ = attributes[0]
        figures = [(spec, value) for spec in specs
                   if isinstance(value := dict(_flatten(spec.details)).get(key), int | float)]
        if figures:
            (low, least), (high, most) = min(figures, key=lambda f: f[1]), max(figures, key=lambda f: f[1])
            span = f"is {said_in(key, least, units)} on every size" if least == most else \
                f"runs from {said_in(key, least, units)} on the {low.model} to {said_in(key, most, units)} on the " \
                f"{high.model}"
            return shaped([f"The {said}'s {name} {span}, by size, {_source(first)}.", "Which size is yours?"],
                          preferences)
    sizes = [t for t in (tons(first), tons(last)) if t is not None]
    capacity = f" ({sizes[0]:g} to {sizes[-1]:g} tons)" if len(sizes) == 2 else ""
    return shaped([f"The {said} comes in {len(specs)} sizes, the {first.model} to the {last.model}{capacity}.",
                   "Which one is yours?"], preferences)


def choose_model(choices: list[str]) -> str:
    """Two or three units fit what was said: ask which, naming them."""
    return f"Which one do you mean: {' or '.join(f'the {c}' for c in choices)}?"


# What a plate prints, by the spec key `_ATTRIBUTES` names for the same figure, with its unit.
_PLATE = {"mocp": ("mocp", "A"), "mca": ("mca", "A"), "compressor_lra": ("lra", "A"), "compressor_rla": ("rla", "A"),
          "voltage": ("voltage", "V"), "phase": ("phase", ""), "refrigerant_charge_lb": ("charge", ""),
          "refrigerant": ("refrigerant", "")}
_AGE = re.compile(r"\b(?:how old|age|what year|"
                  r"when was (?:it|this|that)(?: \w+)? (?:made|built|manufactured|installed|put in)|"
                  r"manufactur\w* date|date of manufacture|build date|year (?:built|made))\b", re.IGNORECASE)
_SERIAL = re.compile(r"\bserial\b|\bs/?n\b", re.IGNORECASE)
_MODEL = re.compile(r"\bmodel(?: number)?\b|\bm/?n\b|what (?:is|kind of) (?:it|this|that)", re.IGNORECASE)


def asks_age(question: str | None) -> bool:
    return bool(question and _AGE.search(question))


# When a unit was last looked at, or is next due: its own record, not its model's sheet.
_INSPECTED = re.compile(r"\blast (?:inspect\w*|servic\w*|test\w*|check\w*|looked at)"
                        r"|\bnext (?:inspection|service|test)\b|"
                        r"\b(?:inspection|service|test) (?:is )?due\b|\bwhen(?: is|'?s) (?:it|that|this) due\b|"
                        # "is the kitchen extinguisher here overdue": one unit's record, yes or no
                        r"^(?:and\s+|so\s+)?(?:is|was) (?:it|that|this|the|its) [\w' -]{0,40}?\b(?:over)?due\b|"
                        # "when is the fire alarm panel there due": a unit of the site's, not a kind in general
                        r"\bwhen(?: is|'?s| was| are| were) (?:the|that|this|its|their|our|these|those) [\w' -]{1,40}?\bdue\b",
                        re.IGNORECASE)


def asks_inspection(question: str | None) -> bool:
    return bool(question and _INSPECTED.search(question))


def plate_name(fields: dict[str, str]) -> str:
    """ "the Carrier 50TCQA06A2A5A0A0A0", or "this unit" when the plate gave neither maker nor model."""
    named = " ".join(p for p in (fields.get("manufacturer"), fields.get("model")) if p)
    return f"the {named}" if named else "this unit"


def _age(manufactured: str, today: date) -> str:
    year, month = (int(part) for part in manufactured.split("-"))
    months = (today.year - year) * 12 + today.month - month
    when = date(year, month, 1).strftime("%B %Y")
    if months < 12:
        return f"built in {when}, under a year old"
    years = months // 12
    return f"built in {when}, so about {years} year{'s' if years != 1 else ''} old"


def nameplate(found: Identification, question: str | None, preferences: Preferences, today: date) -> str | None:
    """The answer to `question` from the unit's own plate: its age (from the serial), a figure printed on it, or an
    overview when nothing specific is asked; None when the plate does not carry what was asked."""
    fields, name = found.fields, plate_name(found.fields)
    text = (question or "").lower()
    if asks_age(text):
        if found.manufactured:
            return f"Going by its serial number, {name} was {_age(found.manufactured, today)}."
        if "serial" in fields:
            return (f"I can't date serial {fields['serial']}: I don't know that manufacturer's serial number scheme. "
                    "The manufacturer's support line can decode it.")
        return "I couldn't read a serial number on the plate, so I can't tell its age. Try a closer photo."
    if _SERIAL.search(text):
        return f"The serial number is {fields['serial']}." if "serial" in fields else None
    for pattern, keys, label in (*_ATTRIBUTES, *RATED_ATTRIBUTES):  # first said wins: a named figure over "rated"
        if re.search(pattern, text):
            key, unit = _PLATE.get(keys[0], (None, ""))
            if key is None or key not in fields:
                return None
            return f"The plate says {label} {fields[key]}{' ' + unit if unit else ''}."
    if text and _MODEL.search(text) and "model" in fields:
        return f"It's {name}."
    if text and spec_topic(text) is not None:
        return None  # a topic the spec sheet answers better than a plate
    return _plate_overview(found, preferences, today)


def _plate_overview(found: Identification, preferences: Preferences, today: date) -> str:
    fields = found.fields
    first = f"That's {plate_name(fields)}"
    if "serial" in fields:
        first += f", serial {fields['serial']}"
    if found.manufactured:
        first += f", {_age(found.manufactured, today)}"
    electrical = ", ".join(part for part in (
        f"{fields['voltage']} volts" if "voltage" in fields else None,
        f"{fields['phase']} phase" if "phase" in fields else None,
        f"MCA {fields['mca']} amps" if "mca" in fields else None,
        f"max fuse {fields['mocp']} amps" if "mocp" in fields else None,
        f"{fields['refrigerant']}" if "refrigerant" in fields else None,
        f"charge {fields['charge']}" if "charge" in fields else None,
    ) if part)
    where = None
    if found.on_site:
        where = "It's already on record at this site" + (f" ({found.on_site.location})."
                                                            if found.on_site.location else ".")
    catalogue = None if found.spec else ("We have no spec sheet for that model." if "model" in fields else
                                         "I couldn't read a model number; try a closer, straighter photo.")
    return shaped([f"{first}.", f"The plate says {electrical}." if electrical else None, where, catalogue],
                  preferences)
