"""Spoken form for the voice path: model numbers by character, abbreviations and units in words, ranges and
fractions read naturally, and the same reading as SSML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest

from clara.knowledge.spec_fields import METRIC, quantity, unit_of
from clara.agent.speech import UNITS, accepts_ssml, spoken, spoken_stream, to_ssml
from clara.users.service import Preferences

SPECS = Path(__file__).resolve().parents[2] / "data" / "specifications"
# How "5 <unit>" is said, for every unit the spec files and Clara's answers use (metric conversions included).
SAID = {
    "A": "5 amps", "V": "5 volts", "VAC": "5 volts AC", "VDC": "5 volts DC", "AH": "5 amp hours", "Hz": "5 hertz",
    "hp": "5 horsepower", "kW": "5 kilowatts", "W": "5 watts", "ft": "5 feet", "in": "5 inches",
    "sq ft": "5 square feet", "lb": "5 pounds", "kg": "5 kilograms", "gal": "5 gallons", "L": "5 liters",
    "min": "5 minutes", "h": "5 hours", "mi": "5 miles", "km": "5 kilometers", "mm": "5 millimeters",
    "rpm": "5 R P M", "BTU/h": "5 B T U per hour", "gal/h": "5 gallons per hour", "L/h": "5 liters per hour",
    "L/min": "5 liters per minute", "m³/h": "5 cubic meters per hour", "%": "5 percent", "tons": "5 tons",
    "psi": "5 P S I", "psig": "5 P S I G", "psid": "5 P S I D", "kPa": "5 kilopascals", "gpm": "5 gallons per minute",
    "GPM": "5 gallons per minute", "cfm": "5 cubic feet per minute", "CFM": "5 cubic feet per minute",
    "°F": "5 degrees Fahrenheit", "F": "5 degrees Fahrenheit", "°C": "5 degrees Celsius",
    # already words
    "gallon": "5 gallon", "gallons": "5 gallons", "minute": "5 minute", "minutes": "5 minutes", "years": "5 years",
    "micron": "5 micron",
}
# Words that follow a number in the spec files' prose without being a unit ("4 detectors", "2 to 4").
NOT_UNITS = {"ESFR", "IDNet", "addressable", "and", "cylinder", "detectors", "double", "exceptions", "minimums",
             "modules", "or", "reduced", "sensitivity", "to"}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _leaves(value: object, key: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _leaves(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, key)
    else:
        yield key, value


def units_in_the_spec_files() -> set[str]:
    """Every unit a spec file's numbers carry: in its prose, and from its keys as Clara says them (both systems)."""
    found: set[str] = set()
    for path in SPECS.glob("*.json"):
        doc = json.loads(path.read_text())
        for text in _strings(doc):
            found |= {m.group(1) for m in re.finditer(
                r"(?<![\w.-])\d+(?:[,.]\d+)*(?:\s(?=sq\s)|\s|(?=[%°]))((?:sq\s)?°?\s?[A-Za-z%][A-Za-z/%³]*)", text)}
        for model in doc["models"]:
            for key, value in _leaves(model):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    for units in ("imperial", "metric"):
                        said = quantity(key, value, Preferences(units=units))
                        found.add(said.split(" ", 1)[1] if " " in said else "")
    return found - NOT_UNITS - {""}


def test_every_unit_in_the_spec_files_is_spoken_as_that_unit() -> None:
    found = units_in_the_spec_files()
    assert {"A", "V", "lb", "psi", "BTU/h", "tons", "°F", "kg", "kPa", "°C"} <= found  # the scan sees them
    assert found <= set(SAID), f"say these units: {sorted(found - set(SAID))}"
    for unit in sorted(found | set(METRIC) | {m for _, m in METRIC.values()} | {"kW", "W", "mi", "km", "mm"}):
        assert spoken(f"It is 5 {unit}.") == f"It is {SAID[unit]}.", unit


def test_every_unit_clara_gives_a_figure_in_is_in_the_speech_table() -> None:
    for suffix in ("_lb", "_in", "_psi", "_gpm", "_gph", "_gal", "_l", "_kw", "_w", "_a", "_cfm", "_btuh", "_hp"):
        unit = unit_of(f"x{suffix}")
        assert unit in UNITS and (unit not in METRIC or METRIC[unit][1] in UNITS), suffix


@pytest.mark.parametrize(("text", "said"), [
    ("The 50TCQA06 needs an MCA of 26.7 A and MOCP 40 A.",
     "The five zero T C Q A zero six needs a minimum circuit ampacity of 26.7 amps and maximum overcurrent "
     "protection 40 amps."),
    ("Panel NFS2-3030.", "Panel N F S two dash three zero three zero."),
    ("Keep 10-15 psi.", "Keep 10 to 15 P S I."),
    ("Flow 500 GPM at 95°F.", "Flow 500 gallons per minute at 95 degrees Fahrenheit."),
    ("Use 1-1/2 in pipe and a 3/4 in head.", "Use 1 and a half inches pipe and a three quarters of an inch head."),
    ("Clearance 1 ft, 18 in below the deflector.", "Clearance 1 foot, 18 inches below the deflector."),
    ("Per NFPA 25 section 8.3.1.", "Per N F P A 25 section 8.3.1."),
    ("460V, 3 phase, 60 Hz, 5%", "460 volts, 3 phase, 60 hertz, 5 percent"),
])
def test_spoken_form(text: str, said: str) -> None:
    assert spoken(text) == said


def test_plain_words_stay_as_they_are() -> None:
    text = "A technician is at the site; call the manager in the morning."
    assert spoken(text) == text


@pytest.mark.parametrize(("text", "said"), [
    ("Friday at 7:30 AM.", "Friday at 7:30 a.m."),
    ("10:00 AM and 1:30 PM", "10 a.m. and 1:30 p.m."),
    ("overdue since 2026-12-04", "overdue since December 4, 2026"),
    ("due Dec 4", "due December 4"),
    ("due December 4", "due December 4"),
    ("120,000 BTU/h", "120,000 B T U per hour"),
    ("Keep 36 in. clearance.", "Keep 36 inches clearance."),
])
def test_dates_times_and_large_numbers(text: str, said: str) -> None:
    assert spoken(text) == said


def test_ssml_marks_characters_and_substitutions_and_escapes_text() -> None:
    assert to_ssml("50TCQA06 & MCA 26.7 A <") == (
        '<say-as interpret-as="characters">50TCQA06</say-as> &amp; '
        '<sub alias="minimum circuit ampacity">MCA</sub> <sub alias="26.7 amps">26.7 A</sub> &lt;')


def test_only_an_ssml_enabled_tts_gets_ssml() -> None:
    class Options:
        enable_ssml = True

    class SsmlTTS:
        _opts = Options()

    assert accepts_ssml(SsmlTTS()) and not accepts_ssml(object()) and not accepts_ssml(None)


async def test_a_streamed_reply_is_spoken_sentence_by_sentence() -> None:
    async def chunks() -> AsyncIterator[str]:
        for piece in ["The 50TC", "QA06 draws 26.7", " A. Keep 10-", "15 psi"]:
            yield piece

    said = [part async for part in spoken_stream(chunks())]
    assert said == ["The five zero T C Q A zero six draws 26.7 amps.", " Keep 10 to 15 P S I"]
    assert [part async for part in spoken_stream(chunks(), ssml=True)][0].startswith(
        'The <say-as interpret-as="characters">50TCQA06</say-as>')
