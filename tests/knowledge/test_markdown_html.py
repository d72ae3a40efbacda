"""Markdown converted from Word or a web page: notes, headings and tables left as raw HTML are read, not dropped."""

from __future__ import annotations

from clara.knowledge.parsing import MARKDOWN, parse_document

CONVERTED = """# Halden HX boiler

## Faults

| Code | Meaning |
|---|---|
| E01 | No flame<br>after 3 tries |
| E02 | Flame lost<sup>1</sup> |

<p>Note: <b>never</b> bypass the low water cutoff.</p>

<!-- exported by DocTool 4.2 -->

<h3>Gas pressure</h3>
<table>
<tr><th>Fuel</th><th>Inlet</th></tr>
<tr><td>Natural gas</td><td>5.0 to 10.5 in. w.c.</td></tr>
<tr><td>Propane</td><td>11 to 13<br>in. w.c.</td></tr>
</table>
"""


def _sections() -> dict[str | None, str]:
    doc = parse_document(CONVERTED.encode(), media_type=MARKDOWN, filename="hx.md", source="uploads")
    found: dict[str | None, str] = {}
    for chunk in doc.chunks:
        found[chunk.section] = f"{found.get(chunk.section, '')}\n{chunk.text}"
    return found


def test_an_html_note_in_markdown_is_indexed_as_text() -> None:
    """The note was dropped: nothing could answer "can I bypass the low water cutoff"."""
    text = _sections()["Faults"]
    assert "Note: never bypass the low water cutoff." in text and "<" not in text


def test_an_html_table_in_markdown_keeps_its_heading_and_rows() -> None:
    text = _sections()["Gas pressure"]
    assert "Fuel | Inlet" in text and "Propane | 11 to 13 in. w.c." in text


def test_inline_tags_are_markup_not_words() -> None:
    text = _sections()["Faults"]
    assert "E01 | No flame after 3 tries" in text and "Flame lost 1" in text and "DocTool" not in text
