"""Equipment specifications said the way a technician asked: the asked figure first, in one sentence, then an
offer of the rest; a topic ("amp draw", "refrigerant") gets that topic's figures; nothing specific, an overview.

Figures carry units from the spec's key suffixes and convert to metric when the technician prefers it. The speech
path (`clara.agent.speech`) reads every unit used here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from clara.agent.answers import a, shaped
from clara.knowledge.specs import Spec
from clara.users.service import Preferences
from clara.vision.models import Identification

# Spec topics a question can ask about, and the detail keys (flattened "group.key") that answer each.
SPEC_TOPICS: dict[str, tuple[str, ...]] = {
    "electrical": ("electrical.",),
    "refrigerant": ("refrigerant",),
    "weight": ("weight",),
    "dimensions": ("dimensions", "size_in"),
    "efficiency": ("efficiency.",),
    "capacity": ("nominal_capacity", "capacity", "heating.input_btuh"),
    "pressure": ("_psi",),
    "flow": ("_gpm", "airflow_cfm"),
    "speed": ("rpm",),
    "service": ("service_notes",),
}
_TOPIC_WORDS: tuple[tuple[str, str], ...] = (
    (r"amp|amperage|draw|current|electric|mca|mocp|rla|fla|lra|breaker|fuse|volt|phase|circuit|wire", "electrical"),
    (r"refrigerant|charge|r-?410|r-?454|freon", "refrigerant"),
    (r"weigh|heavy|lbs?\b|pounds", "weight"),
    (r"dimension|size|how big|footprint|length|width|height", "dimensions"),
    (r"seer|eer|hspf|efficien", "efficiency"),
    (r"capacity|tonnage|tons?\b|btu", "capacity"),
    (r"pressure|psi", "pressure"),
    (r"flow|gpm|cfm|airflow", "flow"),
    (r"rpm|speed", "speed"),
    (r"note|tip|service|troubleshoot|maintenance", "service"),
)
# One figure a question can ask for: the words, the detail keys that hold it (first present wins), how to name it.
_ATTRIBUTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (r"(?:max(?:imum)?|biggest|largest) (?:fuse|breaker|overcurrent)|(?:fuse|breaker) size|"
     r"size (?:of )?(?:the )?(?:fuse|breaker)|"
     r"what (?:size )?(?:fuse|breaker)|mocp|overcurrent", ("mocp",), "maximum fuse or breaker size (MOCP)"),
    (r"\bmca\b|min(?:imum)? circuit|ampacity|wire size|conductor size", ("mca",), "minimum circuit ampacity (MCA)"),
    (r"\blra\b|locked rotor|inrush|starting (?:amps|current)", ("compressor_lra", "locked_rotor_a"),
     "locked rotor current (LRA)"),
    (r"\brla\b|compressor (?:amps|current|draw)|rated load", ("compressor_rla",), "compressor rated load amps (RLA)"),
    (r"\bfla\b|full load", ("fla", "fla_230v", "indoor_fan_fla"), "full load amps (FLA)"),
    (r"voltage|volts", ("voltage", "system_voltage"), "voltage"),
    (r"\bphase\b", ("phase",), "phase"),
    (r"(?:refrigerant )?charge|how much (?:refrigerant|freon)", ("refrigerant_charge_lb",), "refrigerant charge"),
    (r"what refrigerant|which refrigerant|refrigerant type|type of refrigerant|freon", ("refrigerant",),
     "refrigerant"),
    (r"weigh|how heavy", ("weight_lb",), "weight"),
    (r"\bseer2?\b", ("seer2",), "SEER2"),
    (r"\bieer\b", ("ieer",), "IEER"),
    (r"\beer2?\b", ("eer2", "eer"), "EER"),
    (r"\bhspf2?\b", ("hspf2",), "HSPF2"),
    (r"tonnage|how many tons|capacity", ("nominal_capacity", "capacity"), "capacity"),
    (r"horsepower|\bhp\b", ("hp", "indoor_fan_hp"), "horsepower"),
    (r"\brpm\b|speed", ("rpm", "rated_rpm"), "speed"),
    (r"rated flow|\bgpm\b|flow rate", ("rated_flow_gpm", "max_flow_gpm"), "rated flow"),
    (r"churn", ("churn_pressure_psi",), "churn pressure"),
    (r"rated pressure|working pressure|\bpsi\b", ("rated_pressure_psi", "max_working_pressure_psi",
                                                  "operating_pressure_psi"), "pressure"),
    (r"airflow|\bcfm\b", ("airflow_cfm",), "airflow"),
    (r"k.?factor", ("k_factor",), "K-factor"),
    (r"heating input|heat input", ("input_btuh",), "heating input"),
)
# The offer after a single figure, by the topic it belongs to.
_REST = {"electrical": "the rest of its electrical data", "refrigerant": "the rest of its refrigerant data",
         "efficiency": "its other efficiency ratings"}
_LABELS = {
    "mca": "MCA", "mocp": "MOCP", "compressor_rla": "compressor RLA", "compressor_lra": "compressor LRA",
    "outdoor_fan_fla": "outdoor fan FLA", "indoor_fan_fla": "indoor fan FLA", "fla": "FLA", "fla_230v": "FLA at 230 V",
    "fla_460v": "FLA at 460 V", "locked_rotor_a": "locked rotor current", "seer2": "SEER2", "hspf2": "HSPF2",
    "eer2": "EER2", "eer": "EER", "ieer": "IEER", "hz": "frequency", "input_btuh": "heating input",
}
# Units by key suffix, longest first where one suffix ends another ("_btuh" before "_h").
UNIT_SUFFIXES = {"_btuh": "BTU/h", "_lb": "lb", "_in": "in", "_psi": "psi", "_gpm": "GPM", "_gph": "gal/h",
                 "_gal": "gal", "_l": "L", "_kw": "kW", "_w": "W", "_a": "A", "_f": "°F", "_cfm": "CFM",
                 "_years": "years", "_hp": "hp"}
_BARE_UNITS = {"hp": "hp", "rpm": "rpm", "rated_rpm": "rpm", "hz": "Hz"}
_RUNNING = ("compressor_rla", "fla", "fla_230v", "fla_460v", "indoor_fan_fla", "outdoor_fan_fla")
_AMPS = (*_RUNNING, "mca", "mocp", "compressor_lra", "locked_rotor_a")
# Metric equivalents: factor and unit; every unit here is one the speech path can read.
METRIC = {"lb": (0.45359237, "kg"), "in": (25.4, "mm"), "psi": (6.894757, "kPa"), "GPM": (3.785412, "L/min"),
          "gal": (3.785412, "L"), "gal/h": (3.785412, "L/h"), "CFM": (1.699011, "m³/h"), "BTU/h": (0.00029307107, "kW"),
          "hp": (0.7456999, "kW")}
_SAFETY = {
    "electrical": "Safety first: lock out and tag out the disconnect, and verify zero voltage before opening panels.",
    "refrigerant": "Wear gloves and eye protection when connecting gauges; R-410A runs at high pressure.",
    "pressure": "Open valves slowly and wear eye protection around pressurized piping.",
}


def _flatten(details: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, value in details.items():
        if isinstance(value, dict):
            flat += _flatten(value, f"{prefix}{key}.")
        elif value not in (None, "", []):
            flat.append((f"{prefix}{key}", value))
    return flat


def unit_of(leaf: str) -> str:
    """The unit a spec key's value is in ("weight_lb" -> "lb", "mocp" -> "A")."""
    if leaf in _AMPS:
        return "A"
    if leaf in ("voltage", "system_voltage", "heater_voltage"):
        return "V"
    return _BARE_UNITS.get(leaf) or next((u for s, u in UNIT_SUFFIXES.items() if leaf.endswith(s)), "")


def quantity(leaf: str, value: Any, preferences: Preferences) -> str:
    """A spec value with its unit, converted to metric when preferred: "60 A", "970 lb", "440 kg"."""
    unit = unit_of(leaf)
    if isinstance(value, str) and re.search(r"[A-Za-z]", value):
        unit = ""  # "24 VDC", "10 tons (120,000 BTU/h)": the value states its own unit
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and preferences.units == "metric":
        if unit in METRIC:
            factor, unit = METRIC[unit]
            value = round(value * factor, 1)
            value = int(value) if value.is_integer() else value
        elif unit == "°F":
            value, unit = round((value - 32) * 5 / 9, 1), "°C"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return f"{value}{' ' + unit if unit else ''}"


def _measure(key: str, value: Any, preferences: Preferences) -> str:
    leaf = key.rsplit(".", 1)[-1]
    if leaf in ("voltage", "system_voltage"):
        return quantity(leaf, value, preferences)
    label = _LABELS.get(leaf) or re.sub(r"_(lb|in|psi|gpm|gph|gal|l|kw|w|a|f|cfm|years|btuh|hp)$", "",
                                        leaf).replace("_", " ")
    return f"{label} {quantity(leaf, value, preferences)}"


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


def spec_topic(question: str | None) -> str | None:
    if not question:
        return None
    text = question.lower()
    return next((topic for pattern, topic in _TOPIC_WORDS if re.search(pattern, text)), None)


# Words in a field's name that say its unit, not what it is ("pressure_loss_psi" is the pressure loss).
_UNIT_SUFFIXES = frozenset("lb in psi gpm gph gal l kw w a f cfm years btuh hp v qty".split())


def asked_attributes(spec: Spec, question: str | None) -> list[tuple[str, str, Any]]:
    """Every figure a question asks for, in the order it asks ("the churn pressure and the full load amps"): the
    named attributes technicians ask by their trade words, then any field of this spec whose own name the question
    says in full ("how many points per loop" is `points_per_loop`)."""
    text = (question or "").lower()
    flat = dict(_flatten(spec.details))
    leaves = {key.rsplit(".", 1)[-1]: (key, value) for key, value in flat.items() if key != "service_notes"}
    found: list[tuple[int, tuple[str, str, Any]]] = []
    for pattern, keys, name in _ATTRIBUTES:
        said = re.search(pattern, text)
        leaf = next((k for k in keys if k in leaves), None)
        if said and leaf is not None and all(f[1][0] != leaves[leaf][0] for f in found):
            found.append((said.start(), (leaves[leaf][0], name, leaves[leaf][1])))
    for leaf, (key, value) in leaves.items():
        words = [w for w in leaf.split("_") if w not in _UNIT_SUFFIXES]
        said = re.search(r"\b" + r"\s+".join(re.escape(w) + r"s?" for w in words) + r"\b", text) if words else None
        if said and len(words) >= 2 and all(f[1][0] != key for f in found):
            found.append((said.start(), (key, " ".join(words), value)))
    return [attribute for _, attribute in sorted(found, key=lambda f: f[0])]


def _name(spec: Spec) -> str:
    return " ".join(p for p in (spec.manufacturer, spec.model) if p)


def _source(spec: Spec) -> str:
    return f"per the {spec.manufacturer + ' ' if spec.manufacturer else ''}{spec.series or spec.model} specifications"


def equipment_spec(spec: Spec, question: str | None, preferences: Preferences) -> str:
    """The answer to `question` about `spec`: the asked figure first when there is one, else the topic's figures,
    else an overview."""
    attributes = asked_attributes(spec, question)
    topic = spec_topic(question)
    if attributes:
        figures = []
        for key, name, value in attributes:
            leaf = key.rsplit(".", 1)[-1]
            said = quantity(leaf, value, preferences)
            if leaf == "voltage" and "phase" in spec.details.get("electrical", {}):
                said += f", {spec.details['electrical']['phase']} phase"
            figures.append(f"{name} is {said}")
        rest = _REST.get(topic or "", "the rest of its specs")
        return shaped([f"The {spec.model}'s {' and its '.join(figures)}, {_source(spec)}.", f"Want {rest}?"],
                      preferences, safety=_SAFETY.get(topic or ""))
    return topic_answer(spec, topic, preferences)


def topic_answer(spec: Spec, topic: str | None, preferences: Preferences) -> str:
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
        facts = ", ".join(_measure(k, v, preferences) for k, v in amps)
        supply = ", ".join(part for part in (f"{values['voltage']} V" if "voltage" in values else None,
                                             f"{values['phase']} phase" if "phase" in values else None) if part)
        first = f"{name} electrical data{f' ({supply})' if supply else ''}, {source}: {facts}."
        return shaped([first], preferences, safety=_SAFETY["electrical"],
                      extra=["Size the conductors to the MCA and the breaker or fuse to no more than the MOCP."])
    if not chosen:
        chosen = [(k, v) for k, v in flat if k in ("nominal_capacity", "capacity", "electrical.mca", "electrical.mocp",
                                                   "refrigerant", "rated_flow_gpm", "rated_pressure_psi", "hp")]
        if not chosen:
            chosen = flat[:4]
        what = f"{spec.type or 'equipment'}"
        facts = ", ".join(_measure(k, v, preferences) for k, v in chosen)
        return shaped([f"The {name} is {a(what.lower())}, {source}: {facts}."], preferences,
                      extra=[spec.description])
    facts = ", ".join(_measure(k, v, preferences) for k, v in chosen)
    return shaped([f"{name} {topic}, {source}: {facts}."], preferences, safety=_SAFETY.get(topic or ""))


def choose_model(choices: list[str]) -> str:
    """Two or three units fit what was said: ask which, naming them."""
    return f"Which one do you mean: {' or '.join(f'the {c}' for c in choices)}?"


# What a plate prints, by the spec key `_ATTRIBUTES` names for the same figure, with its unit.
_PLATE = {"mocp": ("mocp", "A"), "mca": ("mca", "A"), "compressor_lra": ("lra", "A"), "compressor_rla": ("rla", "A"),
          "voltage": ("voltage", "V"), "phase": ("phase", ""), "refrigerant_charge_lb": ("charge", ""),
          "refrigerant": ("refrigerant", "")}
_AGE = re.compile(r"\b(?:how old|age|what year|when was (?:it|this|that)(?: \w+)? (?:made|built|manufactured)|"
                  r"manufactur\w* date|date of manufacture|build date|year (?:built|made))\b", re.IGNORECASE)
_SERIAL = re.compile(r"\bserial\b|\bs/?n\b", re.IGNORECASE)
_MODEL = re.compile(r"\bmodel(?: number)?\b|\bm/?n\b|what (?:is|kind of) (?:it|this|that)", re.IGNORECASE)


def asks_age(question: str | None) -> bool:
    return bool(question and _AGE.search(question))


# When a unit was last looked at, or is next due: its own record, not its model's sheet.
_INSPECTED = re.compile(r"\blast (?:inspect\w*|servic\w*|test\w*|check\w*|looked at)|\bnext (?:inspection|service|test)\b|"
                        r"\b(?:inspection|service|test) (?:is )?due\b|\bwhen (?:is|'?s) (?:it|that|this) due\b",
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
    for pattern, keys, label in _ATTRIBUTES:
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
        where = "It's already on record at this site" + (f" ({found.on_site['location']})."
                                                            if found.on_site.get("location") else ".")
    catalogue = None if found.spec else ("We have no spec sheet for that model." if "model" in fields else
                                         "I couldn't read a model number; try a closer, straighter photo.")
    return shaped([f"{first}.", f"The plate says {electrical}." if electrical else None, where, catalogue],
                  preferences)
