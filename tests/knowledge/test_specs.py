from __future__ import annotations

import json
from dataclasses import fields

import pytest
from pydantic import TypeAdapter

from clara.knowledge.models import EquipmentSpec, Spec
from clara.knowledge.specs import SpecFormatError, parse_spec_file, spec_chunk

SERIES = {
    "series": "50TCQA", "manufacturer": "Carrier", "type": "Packaged rooftop heat pump", "category": "hvac",
    "description": "Carrier WeatherMaker 50TC heat pumps.",
    "models": [{
        "model": "50TCQA06", "nominal_capacity": "5 tons",
        "electrical": {"voltage": "208/230", "phase": 3, "hz": 60, "mca": 25.0, "mocp": 35, "compressor_rla": 16.0},
        "weight_lb": 565, "service_notes": ["Charge by weight after a 500 micron vacuum."],
    }],
}


def test_a_model_becomes_one_chunk_stating_its_electrical_data_in_words() -> None:
    [spec] = parse_spec_file(json.dumps(SERIES).encode())
    chunk = spec_chunk(spec)
    assert chunk.section == "50TCQA06" and chunk.keys == ("50TCQA06",)
    assert chunk.title == "Carrier 50TCQA06 Packaged rooftop heat pump"
    for phrase in ("Carrier 50TCQA06", "MCA (minimum circuit ampacity) 25 A", "MOCP", "35 A",
                   "compressor RLA (rated load amps) 16 A", "weight 565 lb", "500 micron"):
        assert phrase in chunk.text


def test_the_spec_json_keeps_the_model_fields_and_its_series() -> None:
    [spec] = parse_spec_file(json.dumps(SERIES).encode())
    body = spec.as_json()
    assert body["model"] == "50TCQA06" and body["manufacturer"] == "Carrier" and body["series"] == "50TCQA"
    assert body["electrical"]["mca"] == 25.0 and body["weight_lb"] == 565


def test_the_answered_spec_carries_every_series_field_the_stored_one_has() -> None:
    """The contract (`EquipmentSpec`, what /openapi.json documents) requires exactly the series fields `Spec` stores
    beside the model's own, and the answer carries each one as stored, over a group of the same name in the file."""
    stored = {field.name for field in fields(Spec)} - {"details"}
    assert set(TypeAdapter(EquipmentSpec).json_schema()["required"]) == stored
    spec = Spec(model="50TCQA06", manufacturer="Carrier", series="50TCQA", type="Packaged rooftop heat pump",
                category="hvac", description="Carrier WeatherMaker 50TC heat pumps.",
                details={"type": "a group named like a series field", "weight_lb": 565})
    body = spec.as_json()
    assert {name: body[name] for name in stored} == {name: getattr(spec, name) for name in stored}
    assert body["weight_lb"] == 565


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"models": [{"size": 4}]}'])
def test_malformed_spec_files_are_rejected_with_a_reason(raw: bytes) -> None:
    with pytest.raises(SpecFormatError):
        parse_spec_file(raw)
