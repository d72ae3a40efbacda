"""Equipment specification files: parse them, say each model's data in words, and find near misses.

A spec file (data/specifications/*.json) is one series: `series, manufacturer, type, category, description` and
`models: [{model, electrical{...}, ...}]`. Each model becomes a lookup row (GET /equipment/{model}) and one search
chunk whose text states the numbers the way a technician asks for them ("MCA 25 A, MOCP 35 A").
"""

from __future__ import annotations

import json
from typing import Any

from clara.knowledge.chunking import Chunk, Span, sentences
from clara.knowledge.identifiers import model_key, text_identifiers
from clara.knowledge.models import Spec
from clara.knowledge.spec_fields import bare_name, unit_of

SERIES_FIELDS = ("manufacturer", "series", "type", "category", "description")

# Field names whose spoken form a technician would not guess from the key; units come from `spec_fields.unit_of`,
# the one table of what unit each field is in.
_LABELS: dict[str, str] = {
    "mca": "MCA (minimum circuit ampacity)",
    "mocp": "MOCP (maximum overcurrent protection, breaker or fuse size)",
    "compressor_rla": "compressor RLA (rated load amps)",
    "compressor_lra": "compressor LRA (locked rotor amps)",
    "outdoor_fan_fla": "outdoor fan motor FLA",
    "indoor_fan_fla": "indoor fan motor FLA",
    "fla": "motor FLA (full load amps)",
    "fla_230v": "FLA at 230 V",
    "fla_460v": "FLA at 460 V",
    "locked_rotor_a": "locked rotor current",
    "hz": "frequency",
    "hp": "horsepower",
    "rpm": "speed",
    "k_factor": "K-factor",
    "ul_rating": "UL rating",
    "seer2": "SEER2",
    "hspf2": "HSPF2",
    "eer2": "EER2",
    "input_btuh": "heating input",
}


class SpecFormatError(ValueError):
    """A specification file that does not have the expected shape; the message names what is wrong."""


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
    return _LABELS.get(key) or bare_name(key), unit_of(key)


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
