from __future__ import annotations

import json

import pytest

from clara.knowledge.specs import (
    ModelMatch, SpecFormatError, close_matches, match_model, model_mentions, parse_spec_file, spec_chunk,
)

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


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"models": [{"size": 4}]}'])
def test_malformed_spec_files_are_rejected_with_a_reason(raw: bytes) -> None:
    with pytest.raises(SpecFormatError):
        parse_spec_file(raw)


def test_close_matches_prefer_the_same_series_then_similar_spellings() -> None:
    models = {"50TCQA04": "50TCQA04", "50TCQA06": "50TCQA06", "48TCDA06": "48TCDA06", "LGH120": "LGH120"}
    assert close_matches("50tcqa", models)[:2] == ["50TCQA04", "50TCQA06"]
    assert close_matches("50TCQA07", models)[0] in {"50TCQA06", "50TCQA04"}
    assert close_matches("LGH-12", models) == ["LGH120"]
    assert close_matches("ZZZ999", models) == []


MODELS = {k: k for k in ("50TCQA04", "50TCQA06", "50TCQA12", "48TCDA12", "48TCDA14", "NFS23030", "NFS2640", "LGH036",
                         "B260", "B500")}


@pytest.mark.parametrize(("heard", "key"), [
    ("50TCQA06", "50TCQA06"), ("50TCQA6", "50TCQA06"), ("50TCQA006", "50TCQA06"), ("Carrier 50TCQA06", "50TCQA06"),
    ("50 TCQ A06", "50TCQA06"), ("50-tcqa-06", "50TCQA06"), ("five zero T C Q A zero six", "50TCQA06"),
    ("forty eight TCDA twelve", "48TCDA12"), ("NFS2 3030", "NFS23030"), ("LGH36", "LGH036"), ("Amerex B260", "B260"),
])
def test_a_model_as_spoken_matches_exactly_one_unit(heard: str, key: str) -> None:
    assert match_model(heard, MODELS) == ModelMatch([key], True)


@pytest.mark.parametrize(("heard", "keys"), [
    ("NFS2", ["NFS23030", "NFS2640"]), ("48TCDA1", ["48TCDA12", "48TCDA14"]), ("ZZ99", []),
    ("50TCQA99", []),  # a different size is another unit, never "close enough"
])
def test_a_partial_or_unknown_model_is_never_exact(heard: str, keys: list[str]) -> None:
    assert match_model(heard, MODELS) == ModelMatch(keys, False)


@pytest.mark.parametrize(("text", "models"), [
    ("What's the max fuse on the 48TCDA12?", ["48TCDA12"]),
    ("amp draw on the five zero T C Q A zero six", ["50TCQA06"]),
    ("specs for the 50 TCQ A06 at 460 V", ["50TCQA06"]),
    ("NFS2 3030 panel in trouble", ["NFS23030"]),
    ("Carrier 50TCQA06 vs NFS2-3030 at 460V, 25A, NFPA 25, R-410A, 3rd floor", ["50TCQA06", "NFS2-3030"]),
    ("I have two or three questions about job 42 at 7:30 AM", []),
    ("the Watts 957-4 backflow at 100-120 V, 24 VDC, 18 AH, keep 10-15 psi", ["957-4"]),
])
def test_model_mentions_in_a_sentence(text: str, models: list[str]) -> None:
    assert model_mentions(text) == models
