"""Entries set with run-in titles, as troubleshooting guides, FAQs and service bulletins write them ("**Burner
lights then drops out.** The flame signal is weak..."): each entry is a passage of its own under its title, so a
question saying the title, and naming no product, finds the entry and not a standard sharing a few of its words, and
is answered with the entry as far as its remedy, not with the title it restated. The
bold lead-ins that title nothing (a note, a field, a list item's label, a warning, one bold lead-in alone) stay text
of the section they are in."""

from __future__ import annotations

import httpx

from clara.knowledge.parsing import MARKDOWN, parse_document

GUIDE = """# Ashgrove AG-12 Condensing Boiler — Service Guide

## 1 Before you start

**Note:** Isolate the gas supply and let the heat exchanger cool for 20 minutes.

**Serial number:** AG12-0042-B

**Only the first visit.** Record the combustion readings on the start-up sheet.

## 2 Faults

**Burner lights then drops out.** The flame signal is weak. Clean the flame rod with fine steel wool and check that
the rod sits 1/4 in. from the burner face.

**Condensate drain gurgles.** The trap has run dry or the drain has no air break. Refill the trap with 1 cup of
water and add an air break at the floor drain.

**Why does the boiler short cycle in spring?** The outdoor reset curve is set too steep. Lower it to 1.2.

**Warning.** Never bypass the high-limit switch, even for a test.

1. **Check the fan:** it must reach 4,800 rpm at full fire.

The **red** lead goes to terminal 3.
"""


def _chunks(text: str) -> dict[str, str]:
    parsed = parse_document(text.encode(), media_type=MARKDOWN, filename="ashgrove.md", source="uploads")
    return {chunk.section or "": chunk.text for chunk in parsed.chunks}


def test_each_entry_is_a_passage_under_its_own_title_and_keeps_it() -> None:
    chunks = _chunks(GUIDE)
    assert chunks["Burner lights then drops out"].startswith("Burner lights then drops out. The flame signal is weak.")
    assert "Condensate" not in chunks["Burner lights then drops out"]  # the next entry is a passage of its own
    assert chunks["Condensate drain gurgles"].startswith("Condensate drain gurgles. The trap has run dry")
    assert chunks["Why does the boiler short cycle in spring?"].startswith("Why does the boiler short cycle in spring? The")


def test_bold_lead_ins_that_title_nothing_stay_in_their_section() -> None:
    chunks = _chunks(GUIDE)
    assert "Isolate the gas supply" in chunks["1 Before you start"]
    assert "AG12-0042-B" in chunks["1 Before you start"]
    assert "Only the first visit." in chunks["1 Before you start"]  # one bold lead-in alone is emphasis
    assert not any(section.startswith(("Note", "Serial", "Warning", "Check the fan", "The red", "Only the"))
                   for section in chunks)
    everything = "\n".join(chunks.values())
    assert "Warning. Never bypass" in everything and "4,800 rpm" in everything and "The red lead" in everything


async def test_a_question_saying_an_entrys_title_finds_the_entry(client: httpx.AsyncClient,
                                                                 auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("ashgrove-ag12.md", GUIDE.encode(), "text/markdown")})
    assert response.status_code == 201, response.text
    document = int(response.json()["document_id"])
    for question, section, remedy in (
            ("burner lights then drops out", "Burner lights then drops out", "1/4 in. from the burner face"),
            ("the condensate drain is gurgling, what do I check", "Condensate drain gurgles", "Refill the trap")):
        response = await client.get("/clara-server/knowledge/search", headers=auth,
                                    params={"query": question, "k": 3})
        assert response.status_code == 200, response.text
        top = response.json()["results"][0]
        assert (top["document_id"], top["section"]) == (document, section), (question, top["section"])
        assert remedy in top["answer"], top["answer"]  # the entry is said past its title, to the remedy
