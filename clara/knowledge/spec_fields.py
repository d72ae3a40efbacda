"""The trade's words for a spec's fields: which figure or topic a question asks about ("max fuse" is `mocp`,
"amp draw" the electrical data), and what unit each field is in ("weight_lb" in lb, "mocp" in A).

A rule about specifications, not about speech, so it lives beside them: the agent's spoken answers
(`clara.agent.spec_answers`) and `/mcp`'s equipment tools read the same vocabulary, and so find the same figure for
the same question. Spec details are nested groups ("electrical": {"mocp": 60}); a figure is named by its flattened
key ("electrical.mocp") and its leaf ("mocp").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

from clara.knowledge.spoken_models import NUMBER_WORDS, spoken_number

if TYPE_CHECKING:  # specs.py reads its units from here
    from clara.knowledge.models import Spec

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
TOPIC_WORDS: tuple[tuple[str, str], ...] = (
    (r"amp|amperage|draw|current|electric|mca|mocp|rla|fla|lra|breaker|fuse|volt|phase|circuit|wire", "electrical"),
    (r"refrigerant|charge|r-?410|r-?454|freon", "refrigerant"),
    (r"weigh|heav(?:y|ier|iest)|lbs?\b|pounds", "weight"),
    (r"dimension|size|how big|footprint|length|width|height", "dimensions"),
    (r"seer|eer|hspf|efficien", "efficiency"),
    (r"capacity|tonnage|tons?\b|btu", "capacity"),
    (r"pressure|psi", "pressure"),
    (r"flow|gpm|cfm|airflow", "flow"),
    (r"rpm|speed", "speed"),
    (r"note|tip|service|troubleshoot|maintenance", "service"),
)
# A fire pump's overload point: "what should it hold at a hundred fifty percent", "pressure at 150%".
_AT_150 = r"(?:\b150|\b(?:a |one )?hundred (?:and )?fifty|\bone fifty)\s*(?:%|percent\b|pct\b)"
_RATED = r"\brated\b(?! (?:load|flow|pressure|speed|rpm))|\bratings?\b"
# One figure a question can ask for: the words, the detail keys that hold it (first present wins), how to name it.
ATTRIBUTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (r"(?:max(?:imum)?|biggest|largest) (?:fuse|breaker|overcurrent)|(?:fuse|breaker) size|"
     r"size (?:of )?(?:the )?(?:fuse|breaker)|"
     r"what (?:size )?(?:fuse|breaker)|mocp|overcurrent", ("mocp",), "maximum fuse or breaker size (MOCP)"),
    (r"\bmca\b|min(?:imum)? circuit|ampacity|wire size|conductor size", ("mca",), "minimum circuit ampacity (MCA)"),
    (r"\blra\b|locked rotor|inrush|starting (?:amps|current)", ("compressor_lra", "locked_rotor_a"),
     "locked rotor current (LRA)"),
    (r"\brla\b|compressor (?:amps|current|draw)|rated load", ("compressor_rla",), "compressor rated load amps (RLA)"),
    (r"\bfla\b|full load", ("fla", "fla_230v", "indoor_fan_fla"), "full load amps (FLA)"),
    # what a motor draws running ("what does it draw at 460 volts"): its full load amps, where the sheet gives them
    (r"\bdraw(?:s|ing)?\b|how many amps|amperage|running (?:amps|current)", ("fla", "fla_230v"),
     "full load amps (FLA)"),
    (r"voltage|volts", ("voltage", "system_voltage"), "voltage"),
    (r"\bphase\b", ("phase",), "phase"),
    (r"(?:refrigerant )?charge|how much (?:refrigerant|freon)", ("refrigerant_charge_lb",), "refrigerant charge"),
    (r"what refrigerant|which refrigerant|refrigerant type|type of refrigerant|freon", ("refrigerant",),
     "refrigerant"),
    (r"weigh|how heavy|heavier|heaviest", ("weight_lb",), "weight"),
    (r"\bseer2?\b", ("seer2",), "SEER2"),
    (r"\bieer\b", ("ieer",), "IEER"),
    (r"\beer2?\b", ("eer2", "eer"), "EER"),
    (r"\bhspf2?\b", ("hspf2",), "HSPF2"),
    (r"tonnage|how many tons|(?<!heating )(?<!heat )capacity", ("nominal_capacity", "capacity"), "capacity"),
    (r"horsepower|\bhp\b", ("hp", "indoor_fan_hp"), "horsepower"),
    (r"\brpm\b|speed", ("rpm", "rated_rpm"), "speed"),
    (r"rated flow|\bgpm\b|flow rate", ("rated_flow_gpm", "max_flow_gpm"), "rated flow"),
    (r"churn", ("churn_pressure_psi",), "churn pressure"),
    (_AT_150, ("pressure_at_150pct_flow_psi",), "pressure at 150% of rated flow"),
    (r"rated pressure|working pressure|\bpsi\b", ("rated_pressure_psi", "max_working_pressure_psi",
                                                  "operating_pressure_psi"), "pressure"),
    (r"airflow|\bcfm\b", ("airflow_cfm",), "airflow"),
    (r"k.?factor", ("k_factor",), "K-factor"),
    # the burner's rating in the words a gas tech uses: "gas input", "the BTU input", "how many MBH", "firing rate"
    # ("heating capacity" on a sheet that gives only the input: the input, named so, not the cooling tons)
    (r"heating input|heat input|gas input|(?:btu|burner|furnace) input|input rating|\bmbh\b|firing rate|"
     r"heat(?:ing)? (?:capacity|output)", ("input_btuh",), "heating input"),
    # a unit's size one way: the dimension's own field ("dimensions_in.height")
    (r"\bhow (?:tall|high)\b|\bheight\b", ("height",), "height"),
    (r"\bhow wide\b|\bwidth\b", ("width",), "width"),
    (r"\bhow deep\b|\bdepth\b|\blength\b", ("length", "depth"), "length"),
)
# What a unit is rated for, when the question names no figure: an extinguisher's listing, a pump's rated flow and
# pressure ("what's it rated for"). Only then: in "the voltage rating", "the rated capacity" the rating *is* the
# figure named, and adding these would answer three things.
RATED_ATTRIBUTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (_RATED, ("ul_rating",), "UL rating"),
    (_RATED, ("rated_flow_gpm",), "rated flow"),
    (_RATED, ("rated_pressure_psi",), "rated pressure"),
)
LABELS = {
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
RUNNING = ("compressor_rla", "fla", "fla_230v", "fla_460v", "indoor_fan_fla", "outdoor_fan_fla")
AMPS = (*RUNNING, "mca", "mocp", "compressor_lra", "locked_rotor_a")
# Metric equivalents: factor and unit; every unit here is one the speech path can read.
METRIC = {"lb": (0.45359237, "kg"), "in": (25.4, "mm"), "psi": (6.894757, "kPa"), "GPM": (3.785412, "L/min"),
          "gal": (3.785412, "L"), "gal/h": (3.785412, "L/h"), "CFM": (1.699011, "m³/h"), "BTU/h": (0.00029307107, "kW"),
          "hp": (0.7456999, "kW")}
# Words in a field's name that say its unit, not what it is ("pressure_loss_psi" is the pressure loss).
_UNIT_WORDS = frozenset("lb in psi gpm gph gal l kw w a f cfm years btuh hp v qty".split())


class UnitsPreference(Protocol):
    """Whoever asks: their `units` ("imperial" or "metric") decide how a figure is given."""

    units: str


# A length in inches in the metric unit one answer was asked in ("in metres"): factor and decimals kept, so a unit's
# height reads "1.05 m" or "104.9 cm" rather than "1.0490 m".
METRIC_LENGTHS = {"mm": (25.4, 1), "cm": (2.54, 1), "m": (0.0254, 2)}
# A pressure in psi in kilopascals (the sheet's metric) or bar, as a pump's pressures are also read: bar to a tenth,
# as a bar gauge is read (6.07 bar is said "6.1 bar"; a hundredth is finer than its dial shows).
METRIC_PRESSURES = {"kPa": (6.894757, 1), "bar": (0.06894757, 1)}


def flatten(details: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """A spec's nested details as ("group.key", value) pairs, empty values left out."""
    flat: list[tuple[str, Any]] = []
    for key, value in details.items():
        if isinstance(value, dict):
            flat += flatten(value, f"{prefix}{key}.")
        elif value not in (None, "", []):
            flat.append((f"{prefix}{key}", value))
    return flat


def unit_of(key: str) -> str:
    """The unit a spec key's value is in ("weight_lb" -> "lb", "mocp" -> "A"); a field whose group names the unit
    for all its members is in that ("dimensions_in.height" -> "in")."""
    group, _, leaf = key.rpartition(".")
    if leaf in AMPS:
        return "A"
    if leaf in ("voltage", "system_voltage", "heater_voltage"):
        return "V"
    own = _BARE_UNITS.get(leaf) or next((u for s, u in UNIT_SUFFIXES.items() if leaf.endswith(s)), "")
    return own or (unit_of(group) if group else "")


# What sizes a unit within its series, first present wins: its cooling tons, then what each kind is sized by.
SIZED_BY = ("max_points", "rated_flow_gpm", "size_in", "hp", "agent_weight_lb")


def tons(spec: Spec) -> float | None:
    """A unit's nominal cooling capacity in tons ("5 tons (60,000 BTU/h)" -> 5.0), or None."""
    said = re.match(r"\s*(\d+(?:\.\d+)?)\s*tons?\b", str(spec.details.get("nominal_capacity") or ""))
    return float(said.group(1)) if said else None


def size(spec: Spec) -> float | None:
    """Where a unit stands in its series, for "the bigger one": its tons, else what its kind is sized by (a panel's
    points, a pump's flow, a valve's size), else the number its model ends in."""
    if tons(spec) is not None:
        return tons(spec)
    for key in SIZED_BY:
        value = spec.details.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    ending = re.search(r"(\d+)\D*$", spec.model)
    return float(ending.group(1)) if ending else None


def bare_name(leaf: str) -> str:
    """A field's name without the unit its key ends in, in words: "pressure_loss_psi" -> "pressure loss"."""
    suffix = next((s for s in UNIT_SUFFIXES if leaf.endswith(s) and leaf != s.lstrip("_")), "")
    return leaf.removesuffix(suffix).replace("_", " ")


def quantity(key: str, value: Any, preferences: UnitsPreference, *, length: str = "mm",
             pressure: str = "kPa") -> str:
    """A spec value with its unit (`key` a leaf, or a flattened key whose group may name the unit), converted to
    metric when preferred: "60 A", "970 lb", "440 kg", "1049 mm"; a metric length in `length` and a metric pressure
    in `pressure`, the units one answer was asked in ("in metres": "1.05 m", "in bar": "8.6 bar")."""
    unit = unit_of(key)
    if isinstance(value, str) and re.search(r"[A-Za-z]", value):
        unit = ""  # "24 VDC", "10 tons (120,000 BTU/h)": the value states its own unit
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and preferences.units == "metric":
        if unit == "in" or unit == "psi":
            unit, (factor, decimals) = (length, METRIC_LENGTHS[length]) if unit == "in" else \
                (pressure, METRIC_PRESSURES[pressure])
            value = round(value * factor, decimals)
            value = int(value) if value.is_integer() else value
        elif unit in METRIC:
            factor, unit = METRIC[unit]
            value = round(value * factor, 1)
            value = int(value) if value.is_integer() else value
        elif unit == "°F":
            value, unit = round((value - 32) * 5 / 9, 1), "°C"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10000:
        value = f"{value:,}"  # "180,000 BTU/h": a run of digits is hard to read and read aloud as digits
    return f"{value}{' ' + unit if unit else ''}"


def spec_topic(question: str | None) -> str | None:
    """The topic a question is about ("amp draw" -> "electrical"), or None."""
    if not question:
        return None
    text = question.lower()
    return next((topic for pattern, topic in TOPIC_WORDS if re.search(pattern, text)), None)


# Supply voltages equipment is built for: a number said alone that is one of these, in a spec follow-up ("and at four
# sixty"), names the unit's voltage version.
SUPPLY_VOLTS = frozenset({115, 120, 208, 230, 240, 277, 380, 400, 460, 480, 575, 600})


# A figure in another unit is no voltage, whatever its digits: "max pressure 120 psi", "a 240 lb unit".
_OTHER_UNIT = r"\s*(?:(?:psig?|cfm|gpm|lbs?|pounds?|deg\w*|f|rpm|hp|gal\w*|btu\w*|amps?)\b|°)"


def voltage_said(question: str | None) -> int | None:
    """The supply voltage a question names, in digits or in words ("at 460", "four sixty volts", "two oh eight"),
    or None."""
    text = (question or "").lower()
    for digits in re.findall(r"(?<![\w.])(\d{3})(?!" + _OTHER_UNIT + r")\s*(?:v|volts?|vac)?\b", text):
        if int(digits) in SUPPLY_VOLTS:
            return int(digits)
    spoken = re.finditer(r"\b(?:(?:" + "|".join(NUMBER_WORDS) + r")(?:\s+|\b))+(?!" + _OTHER_UNIT + ")", text)
    for said in spoken:
        number = spoken_number(said[0].split())
        if number.isdigit() and int(number) in SUPPLY_VOLTS:
            return int(number)
    return None


# A supply voltage said as a condition: "at 460 volts", "on the four sixty volt one".
_AT_A_VOLTAGE = re.compile(r"(?:\d{3}|\b(?:" + "|".join(NUMBER_WORDS) + r")(?:\s+(?:" + "|".join(NUMBER_WORDS) +
                           r"))*)\s*-?\s*(?:v|volts?|vac)\b")


# A field that counts parts of a unit ("compressor_qty", "outdoor_fan_count"), and the part it counts.
_COUNTED = re.compile(r"(?P<thing>[a-z_]+?)_(?:qty|count)")


def counts_parts(key: str) -> bool:
    """Whether a spec field is a count of a unit's parts, said "2 compressors" rather than "compressor is 2"."""
    return _COUNTED.fullmatch(key.rsplit(".", 1)[-1]) is not None


def asked_attributes(spec: Spec, question: str | None) -> list[tuple[str, str, Any]]:
    """Every figure a question asks for, in the order it asks ("the churn pressure and the full load amps"), as
    (flattened key, name, value): the named attributes technicians ask by their trade words, then any field of this
    spec whose own name the question says in full ("how many points per loop" is `points_per_loop`)."""
    text = (question or "").lower()
    volts = voltage_said(text)
    if volts:  # "at 460 volts", "the four sixty volt version": the version asked about, not the voltage asked for
        text = _AT_A_VOLTAGE.sub(" ", text)
    flat = dict(flatten(spec.details))
    leaves = {key.rsplit(".", 1)[-1]: (key, value) for key, value in flat.items() if key != "service_notes"}
    found: list[tuple[int, tuple[str, str, Any]]] = []
    named = any(re.search(pattern, text) for pattern, _, _ in ATTRIBUTES)  # asked by name, even if this sheet lacks it
    for pattern, keys, name in ATTRIBUTES if named else ATTRIBUTES + RATED_ATTRIBUTES:
        said = re.search(pattern, text)
        # a figure asked at a voltage ("fla at 460") is that voltage version's ("fla_460v") when the sheet has one
        leaf = next((f"{k}_{volts}v" for k in keys if f"{k}_{volts}v" in leaves), None) if volts else None
        leaf = leaf or next((k for k in keys if k in leaves), None)
        if said and leaf is not None and all(f[1][0] != leaves[leaf][0] for f in found):
            found.append((said.start(), (leaves[leaf][0], name, leaves[leaf][1])))
    for leaf, (key, value) in leaves.items():
        counted = _COUNTED.fullmatch(leaf)  # "compressor_qty": "how many compressors", "the number of compressors"
        if counted and all(f[1][0] != key for f in found):
            things = r"\s+".join(re.escape(w) for w in counted["thing"].split("_"))
            said = re.search(rf"\b(?:how many|number of|count of)\s+(?:\w+\s+)?{things}s?\b", text)
            if said:
                found.append((said.start(), (key, counted["thing"].replace("_", " "), value)))
            continue
        words = [w for w in leaf.split("_") if w not in _UNIT_WORDS]
        said = re.search(r"\b" + r"\s+".join(re.escape(w) + r"s?" for w in words) + r"\b", text) if words else None
        if said and len(words) >= 2 and all(f[1][0] != key for f in found):
            found.append((said.start(), (key, " ".join(words), value)))
    if not found:  # "how many loops can it take": the one field whose last word is the thing counted ("slc_loops")
        counted_thing = re.search(r"\bhow many (\w+)", text)  # plural as said: "points_per_loop" counts points
        ending = [(leaf, key, value) for leaf, (key, value) in leaves.items()
                  if counted_thing and leaf.split("_")[-1] in (counted_thing[1], counted_thing[1] + "s")]
        if len(ending) == 1:
            leaf, key, value = ending[0]
            found.append((counted_thing.start(), (key, leaf.replace("_", " "), value)))
    return [attribute for _, attribute in sorted(found, key=lambda f: f[0])]


def asked_figures(spec: Spec, question: str | None, preferences: UnitsPreference) -> dict[str, Any]:
    """What `question` asks of `spec`, as data for a caller that writes its own sentence (an MCP client's model):
    the topic, and each figure asked for by its key, name, value and the value with its unit in the caller's units
    ("said": "40 A", "440 kg"). No figure named: `figures` is empty and the topic says which group of the spec
    answers."""
    figures = [{"field": key, "name": name, "value": value,
                "said": quantity(key, value, preferences)}
               for key, name, value in asked_attributes(spec, question)]
    return {"topic": spec_topic(question), "figures": figures}
