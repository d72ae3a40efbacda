from __future__ import annotations

from clara.knowledge import chunking
from clara.knowledge.chunking import MAX_WORDS, model_key, query_identifiers, query_standards

NFPA = """---
source: nfpa
standard: NFPA 25
edition: 2023
title: Water-Based Fire Protection Systems
---

## 5.2.4.2 Gauges on dry, preaction and deluge systems
Check air and water gauges monthly; see also 13.2.4 for replacement.

## A.8.2.2 Diesel engine checks during pump inspection
Look at the oil, coolant and battery electrolyte.
"""


def test_front_matter_and_numbered_headings_become_citeable_sections() -> None:
    front = chunking.split_front_matter(NFPA)
    assert front.fields == {"source": "nfpa", "standard": "NFPA 25", "edition": "2023",
                            "title": "Water-Based Fire Protection Systems"}
    chunks = chunking.chunk_sections(chunking.markdown_sections(front.body), document_title="t", standard="NFPA 25")
    assert [(c.section, c.title) for c in chunks] == [
        ("NFPA 25 5.2.4.2", "Gauges on dry, preaction and deluge systems"),
        ("NFPA 25 A.8.2.2", "Diesel engine checks during pump inspection"),
    ]
    assert chunks[0].keys == ("5.2.4.2",)
    assert "13.2.4" in chunks[0].identifiers  # a cross reference is findable, but is not the chunk's own key
    assert chunks[0].embedding_text.startswith("NFPA 25 5.2.4.2 Gauges on dry")


def test_manual_headings_keep_their_title_and_have_no_section() -> None:
    body = "## Carrier 48TC/50TC: High head pressure in cooling\nDirty condenser coil first.\n"
    [chunk] = chunking.chunk_sections(chunking.markdown_sections(body), document_title="Manual", standard=None)
    assert chunk.section is None and chunk.title == "Carrier 48TC/50TC: High head pressure in cooling"
    assert {"48TC", "50TC"} <= set(chunk.identifiers)


def test_a_long_section_splits_under_the_model_limit_and_keeps_its_heading() -> None:
    sentence = "The inspector checks every valve and gauge on the riser before signing the report. "
    body = "## 13.3 Control valves\n" + (sentence * 40 + "\n\n") * 3
    chunks = chunking.chunk_sections(chunking.markdown_sections(body), document_title="d", standard=None)
    assert len(chunks) > 1
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert {c.section for c in chunks} == {"13.3"} and {c.title for c in chunks} == {"Control valves"}


def test_text_before_the_first_heading_uses_the_document_title() -> None:
    chunks = chunking.chunk_sections(chunking.markdown_sections("Intro words.\n\n# Next\nMore."),
                                     document_title="My notes", standard=None)
    assert [c.title for c in chunks] == ["My notes", "Next"]


def test_plain_text_numbered_lines_start_sections_but_sentences_and_list_steps_do_not() -> None:
    text = ("5.2.4 Gauges on dry systems\nCheck the air gauge monthly.\n"
            "1 remove the cover and check the seal\n20.7 A is the MCA.\n"
            "7 Fire Pump Testing\nRun it weekly.\n")
    sections = chunking.plain_sections(text)
    assert [(s.number, s.title) for s in sections] == [("5.2.4", "Gauges on dry systems"),
                                                       ("7", "Fire Pump Testing")]
    assert "20.7 A is the MCA." in sections[0].body


def test_identifiers_are_normalised_alike_for_queries_and_models() -> None:
    assert model_key("50-TCQA-06") == model_key("50tcqa 06") == model_key("50TCQA06") == "50TCQA06"
    found = query_identifiers("what's the MCA of a 50tcqa 06? see NFPA 25 5.2.4.2, DPV-1 4 inch")
    assert {"50TCQA06", "5.2.4.2", "DPV14"} <= set(found)
    assert query_standards("nfpa 25 vs NFPA-72 and NFPA 17A") == ["NFPA25", "NFPA72", "NFPA17A"]


def test_measurements_are_not_mistaken_for_identifiers() -> None:
    assert chunking.text_identifiers("MCA 20.7 A at 208/230 V, 3 phase, 60 Hz in 2023") == []
