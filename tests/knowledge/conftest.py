"""Knowledge fixtures: a small corpus of its own, for tests that change the corpus or the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PUMP_NOTES = """---
source: manuals
standard: Acme pumps
edition: rev B
title: Acme jockey pump notes
---

## Acme JP-7: Zebra seal weeps after restart
A weeping zebra seal on the Acme JP-7 jockey pump usually means the seal faces dried out during a long shutdown.
Run the pump for ten minutes and recheck before replacing anything.
"""

WIDGET_SPECS = {
    "series": "WX", "manufacturer": "Widgetco", "type": "Widget pump", "category": "fire",
    "description": "Widgetco WX pumps used in tests.",
    "models": [{"model": "WX-100", "electrical": {"voltage": "460", "phase": 3, "hz": 60, "fla": 12.5}, "hp": 10}],
}


def write_corpus(root: Path) -> Path:
    (root / "knowledge").mkdir(parents=True, exist_ok=True)
    (root / "specifications").mkdir(parents=True, exist_ok=True)
    (root / "knowledge" / "acme-pumps.md").write_text(PUMP_NOTES)
    (root / "specifications" / "widgetco.json").write_text(json.dumps(WIDGET_SPECS))
    return root


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")
