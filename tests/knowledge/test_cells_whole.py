"""Every cell's words reach its table row: a PDF cell wrapped after a figure ("...at 165 °F" over "(thermal relief)"),
a row wrapped in two columns, and a plain-text table ruled with ASCII characters whose cells hold a "; "."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from clara.knowledge import pdf
from clara.knowledge.parsing import PDF, TEXT, parse_document
from clara.knowledge.text_blocks import text_blocks
from tests.knowledge.pdfs import table_pdf

FINDINGS = [["Condition found", "Action", "Ref."],
            ["Steel receiver heated beyond 480 °C (flame contact)", "Scrap", "4.2"],
            ["Brass fusible plug weeping at 165 °F (thermal relief)", "Replace plug", "4.3"],
            ["Shell pitting deeper than 0.8 mm (corrosion)", "Scrap", "4.4"]]


def _tables(data: bytes) -> list[tuple[tuple[str, ...], ...]]:
    return [block.rows for block in pdf.read(data, max_pages=5).blocks if block.kind == "table"]


def test_a_key_wrapped_after_its_figure_keeps_its_words_in_its_row() -> None:
    # each key wraps after its figure: "...at 165 °F" over "(thermal relief)", a row after a row that wrapped too;
    # measured against the first wrap's spacing, the second ended the table, and "(thermal relief)" left its row
    data = table_pdf(FINDINGS, [150, 100, 40])
    assert _tables(data) == [tuple(map(tuple, FINDINGS))]
    text = "\n".join(chunk.text for chunk in parse_document(data, media_type=PDF, filename="limits.pdf",
                                                           source="upload").chunks)
    assert "Brass fusible plug weeping at 165 °F (thermal relief) | Replace plug | 4.3" in text
    assert "Shell pitting deeper than 0.8 mm (corrosion) | Scrap | 4.4" in text


def test_a_key_wrapped_onto_three_lines_stays_in_the_table() -> None:
    # "Steel receiver" / "heated beyond 480" / "°C (flame contact)": the third line hangs under a line of one cell
    data = table_pdf(FINDINGS, [95, 60, 40])
    assert _tables(data) == [tuple(map(tuple, FINDINGS))]


def test_a_row_wrapped_in_two_columns_is_one_row() -> None:
    # "...at 165 °F (thermal | Replace" over "relief) | plug": a line of two cells, closer under its row than rows
    # are apart, goes on that row rather than being a row keyed "relief)"
    data = table_pdf(FINDINGS, [170, 50, 30], ruled=True)
    assert _tables(data) == [tuple(map(tuple, FINDINGS))]
    # "(burner rollout) | switch; log the event" is no full row either: the rows' spacing is not measured above it,
    # or "(condensate)" under the next row was as close as rows are, and ended the table there
    furnace = [["Finding", "Required action", "Code"],
               ["Gas valve body heated past 300 °F (burner rollout)", "Replace the valve and the rollout switch; log "
                "the event", "G-12"],
               ["Flue collar corroded through at 2 in (condensate)", "Replace collar", "F-03"],
               ["Limit switch opens below 120 °F (drift)", "Replace limit", "L-20"]]
    assert _tables(table_pdf(furnace, [129, 129, 52])) == [tuple(map(tuple, furnace))]


def test_a_row_with_a_blank_cell_stays_a_row_of_its_own() -> None:
    # the first row wraps, so lines sit at two spacings; a row with no reset sits a row's spacing below the one above
    codes = [["Fault", "Meaning", "Reset"],
             ["Low water cutoff", "Boiler water below the probe for ten seconds", "Manual"],
             ["High limit", "Supply over 240 F", ""], ["Flame loss", "No flame signal", "Auto"],
             ["Sensor open", "Supply sensor open", ""]]
    assert _tables(table_pdf(codes, [80, 110, 50])) == [tuple(map(tuple, codes))]


RULED = """DEFROST BOARD SETTINGS

The defaults below ship on every board.

+----------------------+------------------------------------------------+
| Setting              | Range                                          |
+----------------------+------------------------------------------------+
| Defrost interval     | 30 to 120 minutes; 60 for coastal sites        |
| Termination          | 50 to 80 F; 65 with the sensor on the return   |
| Lockout              | none                                           |
+----------------------+------------------------------------------------+

Note the setting on the service label.
"""


def test_a_table_ruled_with_ascii_characters_keeps_each_cell_whole_in_its_row() -> None:
    tables = [block.rows for block in text_blocks(RULED) if block.kind == "table"]
    assert tables == [(("Setting", "Range"), ("Defrost interval", "30 to 120 minutes; 60 for coastal sites"),
                       ("Termination", "50 to 80 F; 65 with the sensor on the return"), ("Lockout", "none"))]
    text = "\n".join(chunk.text for chunk in parse_document(RULED.encode(), media_type=TEXT, filename="board.txt",
                                                           source="upload").chunks)
    assert "Defrost interval | 30 to 120 minutes; 60 for coastal sites" in text
    assert "+---" not in text and "Note the setting on the service label." in text


def test_a_grid_table_keeps_a_cell_wrapped_between_its_rules_in_its_row() -> None:
    grid = """+-------------+----------------------+
| Input       | Use                  |
+=============+======================+
| W1          | first stage heat;    |
|             | 24 V from R          |
+-------------+----------------------+
| Y2          | second stage cool    |
+-------------+----------------------+
| G           | fan                  |
+-------------+----------------------+
"""
    assert [block.rows for block in text_blocks(grid)] == [
        (("Input", "Use"), ("W1", "first stage heat; 24 V from R"), ("Y2", "second stage cool"), ("G", "fan"))]


def test_a_table_of_bars_without_outer_rules_is_a_table_and_a_line_without_a_key_goes_on_the_row_above() -> None:
    piped = """| Terminal | Wire |
|----------|------|
| C | blue; common from the transformer |
|   | (spliced at the air handler) |
| R | red |
"""
    assert [block.rows for block in text_blocks(piped)] == [
        (("Terminal", "Wire"), ("C", "blue; common from the transformer (spliced at the air handler)"), ("R", "red"))]


def _set_pdf(name: str, filename: str) -> bytes:
    """A PDF of a studied evaluation set, built by its own documents.py (reportlab, deterministic)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "data" / "knowledge_eval" / name / "documents.py"
    spec = importlib.util.spec_from_file_location(f"eval_{name}_documents", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return next(d["data"] for d in module.documents() if d["filename"] == filename)


@pytest.mark.parametrize(("name", "filename", "prose"), [
    # a table in the left column, prose in the right: a section's title under a value's lone line is no key
    ("heldout7", "brisvane-xr-200-dry-system-air-compressor-manual.pdf", "3 Location and mounting"),
    # English and Spanish side by side under a table: each line fills the same two columns as the one above
    ("heldout10", "lorento-ldh-ductless-wall-unit-guide-english-spanish.pdf",
     "Power the outdoor unit only; the indoor unit is fed through the four-wire interconnect"),
])
def test_prose_beside_or_under_a_table_is_not_read_into_its_rows(name: str, filename: str, prose: str) -> None:
    chunks = parse_document(_set_pdf(name, filename), media_type=PDF, filename=filename, source="upload").chunks
    lines = [line for chunk in chunks for line in chunk.text.splitlines() if prose in line]
    assert lines and not any(" | " in line for line in lines)
