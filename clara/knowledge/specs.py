"""Equipment specification files: parse them, say each model's data in words, and find near misses.

A spec file (data/specifications/*.json) is one series: `series, manufacturer, type, category, description` and
`models: [{model, electrical{...}, ...}]`. Each model becomes a lookup row (GET /equipment/{model}) and one search
chunk whose text states the numbers the way a technician asks for them ("MCA 25 A, MOCP 35 A").
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from clara.knowledge.chunking import Chunk, Span, sentences
from clara.knowledge.identifiers import model_key, text_identifiers

SERIES_FIELDS = ("manufacturer", "series", "type", "category", "description")

# Field names whose spoken form a technician would not guess from the key, with their unit.
_LABELS: dict[str, tuple[str, str]] = {
    "mca": ("MCA (minimum circuit ampacity)", "A"),
    "mocp": ("MOCP (maximum overcurrent protection, breaker or fuse size)", "A"),
    "compressor_rla": ("compressor RLA (rated load amps)", "A"),
    "compressor_lra": ("compressor LRA (locked rotor amps)", "A"),
    "outdoor_fan_fla": ("outdoor fan motor FLA", "A"),
    "indoor_fan_fla": ("indoor fan motor FLA", "A"),
    "fla": ("motor FLA (full load amps)", "A"),
    "fla_230v": ("FLA at 230 V", "A"),
    "fla_460v": ("FLA at 460 V", "A"),
    "locked_rotor_a": ("locked rotor current", "A"),
    "voltage": ("voltage", "V"),
    "phase": ("phase", ""),
    "hz": ("frequency", "Hz"),
    "hp": ("horsepower", "hp"),
    "rpm": ("speed", "rpm"),
    "k_factor": ("K-factor", ""),
    "ul_rating": ("UL rating", ""),
    "seer2": ("SEER2", ""),
    "hspf2": ("HSPF2", ""),
    "eer2": ("EER2", ""),
    "input_btuh": ("heating input", "BTU/h"),
}
_UNIT_SUFFIXES: dict[str, str] = {
    "_lb": "lb", "_in": "in", "_psi": "psi", "_gpm": "gpm", "_gph": "gal/h", "_gal": "gal", "_l": "L",
    "_w": "W", "_a": "A", "_f": "°F", "_cfm": "cfm", "_years": "years", "_btuh": "BTU/h",
}


class SpecFormatError(ValueError):
    """A specification file that does not have the expected shape; the message names what is wrong."""


@dataclass(frozen=True)
class Spec:
    model: str
    manufacturer: str | None
    series: str | None
    type: str | None
    category: str | None
    description: str | None
    details: dict[str, Any]

    @property
    def key(self) -> str:
        return model_key(self.model)

    def as_json(self) -> dict[str, Any]:
        """The model's own fields at the top level (electrical, refrigerant, ...) next to its series' fields."""
        return {
            **self.details,
            "model": self.model,
            "manufacturer": self.manufacturer,
            "series": self.series,
            "type": self.type,
            "category": self.category,
            "description": self.description,
        }


def parse_spec_file(data: bytes) -> list[Spec]:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecFormatError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("models"), list):
        raise SpecFormatError("expected an object with a 'models' list")
    series = {name: _optional_str(doc.get(name)) for name in SERIES_FIELDS}
    specs: list[Spec] = []
    for index, entry in enumerate(doc["models"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str) or not model_key(entry["model"]):
            raise SpecFormatError(f"models[{index}] needs a 'model' string")
        details = {k: v for k, v in entry.items() if k != "model"}
        specs.append(Spec(model=entry["model"].strip(), details=details, **series))
    return specs


def _optional_str(value: Any) -> str | None:
    return str(value).strip() if value not in (None, "") else None


def _label(key: str) -> tuple[str, str]:
    if key in _LABELS:
        return _LABELS[key]
    for suffix, unit in _UNIT_SUFFIXES.items():
        if key.endswith(suffix):
            return key.removesuffix(suffix).replace("_", " "), unit
    return key.replace("_", " "), ""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _phrases(data: dict[str, Any]) -> list[str]:
    phrases: list[str] = []
    for key, value in data.items():
        if key == "service_notes" or value in (None, "", []):
            continue
        label, unit = _label(key)
        if isinstance(value, dict):
            phrases.append(f"{label}: " + ", ".join(_phrases(value)))
        else:
            phrases.append(f"{label} {_value(value)}{' ' + unit if unit else ''}")
    return phrases


def spec_text(spec: Spec) -> str:
    """The model's data as sentences; electrical first, because the embedding model reads only the first ~256 tokens."""
    name = " ".join(p for p in (spec.manufacturer, spec.model) if p)
    lines = [f"{name}: {spec.type or 'equipment'}" + (f", {spec.series} series." if spec.series else ".")]
    details = dict(spec.details)
    electrical = details.pop("electrical", None)
    if isinstance(electrical, dict):
        lines.append("Electrical data: " + ", ".join(_phrases(electrical)) + ".")
    general = "; ".join(_phrases(details))
    if general:
        lines.append(general[0].upper() + general[1:] + ".")
    notes = spec.details.get("service_notes")
    if isinstance(notes, list) and notes:
        lines.append("Service notes: " + " ".join(str(n) for n in notes))
    if spec.description:
        lines.append(spec.description)
    return "\n".join(lines)


def spec_chunk(spec: Spec) -> Chunk:
    """The model's search chunk; each sentence of its data is a span, so the second ranking stage weighs the line
    a question matches, not the whole sheet's many words."""
    title = " ".join(p for p in (spec.manufacturer, spec.model, spec.type) if p)
    text = spec_text(spec)
    keys = (spec.key,)
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        spans += [Span(offset + start, offset + end, spec.model, None) for start, end in sentences(line)]
        offset += len(line) + 1
    return Chunk(title=title, section=spec.model, text=text, keys=keys,
                 identifiers=tuple(dict.fromkeys([*keys, *text_identifiers(text)])), heading=title,
                 spans=tuple(spans))


def close_matches(wanted: str, models: dict[str, str], limit: int = 5) -> list[str]:
    """Models a technician probably meant: same prefix first (a series without its size), then similar spellings.

    `models` maps each model's key to its display form.
    """
    key = model_key(wanted)
    if not key:
        return []
    prefixed = [k for k in sorted(models) if k.startswith(key) or key.startswith(k)]
    similar = difflib.get_close_matches(key, list(models), n=limit, cutoff=0.6)
    ordered = list(dict.fromkeys([*prefixed, *similar]))
    return [models[k] for k in ordered[:limit]]


# -- model numbers as technicians say them ----------------------------------------------------------------------------

UNIT_WORDS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9}
TEEN_WORDS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
               "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90}
NUMBER_WORDS = {**UNIT_WORDS, **TEEN_WORDS, **TENS_WORDS}
_SPOKEN_TOKEN = re.compile(r"[A-Za-z0-9]+|-")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
# Runs of capitals and digits a speech recogniser splits a model into ("50 TCQ A06", "NFS2 3030"); a word in
# lower case ends a run, so "the 48TCDA12 at 460 V" keeps its model alone.
_CAPS_RUN = re.compile(r"(?<![\w-])[A-Z0-9]+(?:[ -][A-Z0-9]+)*(?![\w-])")
# What looks like a model but is a quantity, a standard, a refrigerant, an ordinal or a time.
_NOT_A_MODEL = re.compile(
    r"^(?:nfpa\d+[a-z]?|\d+(?:st|nd|rd|th)|\d+(?:[.,-]\d+)*(?:a|v|w|kw|hz|vac|vdc|ah|psi|psig|psid|gpm|cfm|ft|in|lb|lbs|kg|kpa|am|pm|s|min|h|hr|hrs|mi|km|mm"
    r"|f|c|k)|r-?\d{2,3}[a-z]?|i-?\d+|[a-z]\d|\d[a-z])$",
    re.IGNORECASE,
)


def spelled_out(text: str) -> str:
    """Spoken digits and letters as written: "five zero T C Q A zero six" -> "50TCQA06", "forty eight TCDA twelve"
    -> "48TCDA12". Text without number words comes back unchanged."""
    tokens = _SPOKEN_TOKEN.findall(text)
    if not any(t.lower() in NUMBER_WORDS for t in tokens):
        return text
    out: list[str] = []
    for index, token in enumerate(tokens):
        word = token.lower()
        if word in TENS_WORDS:
            after = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
            out.append(str(TENS_WORDS[word] // 10) + ("" if after in UNIT_WORDS and after not in ("zero", "oh")
                                                       else "0"))
        elif word in NUMBER_WORDS:
            out.append(str(NUMBER_WORDS[word]))
        elif word == "dash":
            out.append("-")
        else:
            out.append(token)
    return "".join(out)


def loose_key(raw: str) -> str:
    """A model key that also forgives dropped or added leading zeros: "50TCQA6" and "50TCQA06" meet."""
    return _LEADING_ZEROS.sub("", model_key(raw))


_DIGITS_MODEL = re.compile(r"^\d{3,4}-\d$")  # "957-4", "757-8": backflow sizes, not a range like "10-15"


def _is_model(token: str) -> bool:
    key = model_key(token)
    if _DIGITS_MODEL.match(token):
        return True
    return (len(key) >= 3 and any(c.isdigit() for c in key) and any(c.isalpha() for c in key)
            and not _NOT_A_MODEL.match(token.replace(" ", "")))


def model_mentions(text: str) -> list[str]:
    """The equipment model numbers a sentence names, as written or spoken: "50TCQA06", "NFS2-3030", "50 TCQ A06"
    (joined), "five zero T C Q A zero six" (spelled). Quantities ("25 A", "460V"), standards ("NFPA 25") and
    refrigerants ("R-410A") are not models."""
    spelled = _SPELLED_RUN.sub(lambda m: _spelled_run(m.group(0)), text)
    found: list[str] = []
    for run in _CAPS_RUN.findall(spelled):
        joined = run.replace(" ", "")
        if _is_model(joined):
            found.append(joined)
        else:  # a run that is not one model may hold some ("NFPA 25 and 50TCQA06")
            found += [part for part in re.split(r"\s+", run) if _is_model(part)]
    for token in re.findall(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])", spelled):
        if token not in found and not token.isupper() and _is_model(token) and any(c.islower() for c in token):
            found.append(token)  # typed in lower case: "50tcqa06"
    return found


_NUMBER_WORD = "|".join(rf"[{w[0]}{w[0].upper()}]{w[1:]}" for w in NUMBER_WORDS)
# A spoken model: single letters, capital groups ("TCQA"), digits and number words, at least three in a row.
_SPELLED_RUN = re.compile(rf"\b(?:(?:[A-Za-z]|[A-Z]{{2,4}}|\d+|{_NUMBER_WORD}|dash)\s+){{2,}}"
                          rf"(?:[A-Za-z]|[A-Z]{{2,4}}|\d+|{_NUMBER_WORD})\b")


def _spelled_run(run: str) -> str:
    """A run of words that spells a model when at least two are number words; left alone otherwise."""
    words = run.split()
    if sum(w.lower() in NUMBER_WORDS for w in words) < 2:
        return run
    article = words[0] in ("a", "I") and len(words) > 3  # "on a five zero T C Q A...": the article is no letter
    return ("a " if article else "") + spelled_out(" ".join(words[article:])).upper()


@dataclass(frozen=True)
class ModelMatch:
    """Which known models a spoken or typed model number names: `exact` when the spelling only differed in ways
    that cannot change the unit (case, spaces, dashes, leading zeros, a brand in front, spelled digits)."""

    keys: list[str]
    exact: bool


def match_model(wanted: str, models: dict[str, str]) -> ModelMatch:
    """The known model keys equally close to `wanted` (`models` maps keys to display forms). Letters in front of a
    known model ("Carrier 50TCQA06", "MCA 50TCQA06") are a brand or a word run into it. A series without its size
    ("NFS2") is a partial match, never exact."""
    key = model_key(spelled_out(wanted))
    if key in models:
        return ModelMatch([key], True)
    letters = len(key) - len(key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    candidates = [key, *(key[i:] for i in range(1, letters + 1) if len(key) - i >= 2)]
    for candidate in candidates:
        loose = loose_key(candidate)
        same = sorted(k for k in models if loose_key(k) == loose)
        if same:
            return ModelMatch(same, True)
    loose = loose_key(key)
    partial = sorted(k for k in models if len(loose) >= 2 and loose_key(k).startswith(loose))
    return ModelMatch(partial, False)
