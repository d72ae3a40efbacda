from __future__ import annotations

from pathlib import Path

from clara.analytics.properties import KNOWN_TYPES, documented_names

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_event_type_and_property_is_documented() -> None:
    section = README.split("### Analytics events", 1)[1]
    rows = {line.split("|")[1].strip(" `"): line for line in section.splitlines() if line.startswith("| `")}
    assert set(rows) == set(KNOWN_TYPES)
    for event_type, model in KNOWN_TYPES.items():
        for name, required in documented_names(model):
            documented = f"`{name}` (required" if required else f"`{name}`"
            assert documented in rows[event_type], (event_type, name)
