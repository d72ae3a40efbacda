"""A typewritten manual saved as text, through the HTTP API: numbered paragraphs wrapped at the typewriter's margin,
a form feed and a running header between pages, and each part's heading at the top of a new page.

Both shapes used to cost the answer: the first line of "2.1  The circulator must run for at least 10 / minutes
before ..." was taken for a heading (no passage held the sentence whole), and "PART 3.  LIMITS" opening page 3 was
taken for the running header, since "PART 2." opened page 2 (its paragraphs were cited under the part before)."""

from __future__ import annotations

import httpx

MANUAL = """MARRICK MW SERIES          SERVICE INSTRUCTIONS          FORM MW-3


                 MARRICK THERMAL PRODUCTS
                 MODELS MW-12 AND MW-18 OIL-FIRED STEAM BOILERS

PART 1.  DESCRIPTION

The MW-12 and MW-18 are cast iron sectional steam boilers
for one- and two-pipe systems.  Each is shipped with its
burner mounted and wired.

                                        - 1 -
\fMARRICK MW SERIES          SERVICE INSTRUCTIONS          FORM MW-3


PART 2.  START-UP

2.1  The circulator must run for at least 10
minutes before the burner is lit on a cold boiler,
so the water in every section is turning over.

2.2  Open the fuel valve at the tank and bleed the
pump until the oil runs without bubbles.

                                        - 2 -
\fMARRICK MW SERIES          SERVICE INSTRUCTIONS          FORM MW-3


PART 3.  LIMITS

Every limit in this part is set at the factory and sealed
with red lacquer; a broken seal voids the warranty.

3.1  High limit.  Opens at 12 psi steam pressure and
resets by hand after the cause is found.

3.2  Yearly service
  a) Drain the low water cutoff float chamber until the water
     runs clear.
  b) Replace the descaler cartridge every 12 months, or sooner
     when the indicator band turns brown.

                                        - 3 -
"""


async def _top(client: httpx.AsyncClient, headers: dict[str, str], query: str) -> dict:
    response = await client.get("/clara-server/knowledge/search", params={"query": query, "k": 3}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["results"][0]


async def test_a_wrapped_numbered_paragraph_is_one_passage_not_a_heading(client: httpx.AsyncClient,
                                                                         auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("marrick-mw.txt", MANUAL.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    top = await _top(client, auth, "marrick boiler: how long should the pump go before I fire the burner")
    assert top["document_id"] == response.json()["document_id"]
    assert "at least 10 minutes before the burner is lit" in top["answer"]
    assert top["page"] == 2


async def test_a_heading_that_opens_each_page_is_not_the_running_header(client: httpx.AsyncClient,
                                                                        auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("marrick-mw.txt", MANUAL.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    top = await _top(client, auth, "marrick what happens if the red seal on a limit is broken")
    assert "voids the warranty" in top["answer"]
    assert top["section"] == "PART 3 LIMITS" and top["page"] == 3


async def test_a_numbered_heading_over_lettered_items_still_heads_them(client: httpx.AsyncClient,
                                                                      auth: dict[str, str]) -> None:
    """"a) Drain ..." under "3.2  Yearly service" starts in lower case too, but it is an item, not the heading's
    sentence going on: the items are cited under their heading."""
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("marrick-mw.txt", MANUAL.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    top = await _top(client, auth, "marrick how often does the descaler cartridge get changed")
    assert "every 12 months" in top["answer"]
    assert top["section"].startswith("3.2 Yearly service")


# A teletype-era manual all in capitals: every wrapped line of a paragraph is a line in capitals, as a heading is.
SHOUTED = """          VELMAR STOKER COMPANY     CINCINNATI, O.

       TYPE 7 UNDERFEED STOKER - OPERATOR'S INSTRUCTIONS

STEP 1.  FIRING
---------------

ITEM 1-1.  FILL THE HOPPER WITH WASHED STOKER COAL
OF 3/4 BY 1/4 INCH SIZE.  START ON HAND CONTROL
UNTIL A FIRE BED OF 4 INCHES IS BUILT.

ITEM 1-2.  THE TRANSMISSION SHEAR PIN IS SOFT BRASS.  A
BROKEN SHEAR PIN MEANS TRAMP IRON IN THE FEED SCREW;
CLEAR THE SCREW BEFORE FITTING A NEW PIN.  NEVER FIT
A STEEL BOLT IN ITS PLACE.

STEP 2.  CLINKERS
-----------------

ITEM 2-1.  REMOVE CLINKERS ONCE A DAY WITH THE TONGS.
"""


async def test_a_text_all_in_capitals_keeps_its_wrapped_sentences_whole(client: httpx.AsyncClient,
                                                                        auth: dict[str, str]) -> None:
    """Its wrapped lines ("... IS SOFT BRASS.  A" over "BROKEN SHEAR PIN MEANS ...") were read as headings in capitals:
    the sentence saying what to do was cut into section titles and no passage held it."""
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("velmar-type-7.txt", SHOUTED.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    top = await _top(client, auth, "velmar stoker, can I fit a steel bolt in place of the shear pin")
    assert "NEVER FIT A STEEL BOLT IN ITS PLACE" in top["answer"]
    assert top["section"].startswith("STEP 1") and top["section"].endswith("FIRING")
    top = await _top(client, auth, "velmar type 7 what does a broken shear pin mean")
    assert "A BROKEN SHEAR PIN MEANS TRAMP IRON IN THE FEED SCREW" in top["answer"]
