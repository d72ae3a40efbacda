"""A site's log book kept as plain text (a document of our own, as a building's engineers keep one): each entry opens
with its date, time and the writer's initials on a line of their own. Each entry is a passage of its own, cited by
that line, so an answer says which visit it is from."""

from __future__ import annotations

import httpx

from clara.knowledge.parsing import TEXT, parse_document

LOG = """ELMGROVE PLAZA - PLANT LOG
Engineering office L2-10. Initials: AB = Ana Brandt, TC = Tom Castell.

2026-01-05  07:30  AB
Boiler B-2 would not light. Igniter cracked; replaced with igniter IG-7 from stock. Flame signal 5.1 microamps.

2026-01-12  14:10  TC
Cooling tower basin heater tripped its breaker. Heater element shorted to ground; ordered element HE-3300, ETA
10 days. Basin drained to stop it freezing.

01/19/2026 09:00 AB
Fire pump weekly churn test: started at 92 psi, churn 141 psi, suction 60 psi. Packing drips normal.
"""


def test_each_dated_entry_is_a_passage_cited_by_its_date() -> None:
    chunks = parse_document(LOG.encode(), media_type=TEXT, filename="plant-log.txt", source="uploads").chunks
    sections = {chunk.section: chunk.text for chunk in chunks}
    assert sections["2026-01-12 14:10 TC"].startswith("Cooling tower basin heater tripped its breaker.")
    assert "IG-7" not in sections["2026-01-12 14:10 TC"]  # the entry before is a passage of its own
    assert sections["01/19/2026 09:00 AB"].startswith("Fire pump weekly churn test")


async def test_a_question_on_one_visit_is_answered_from_its_entry(client: httpx.AsyncClient,
                                                                  auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("plant-log.txt", LOG.encode(), "text/plain")})
    assert response.status_code == 201, response.text
    document = int(response.json()["document_id"])
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "Elmgrove cooling tower basin heater element part number", "k": 3})
    assert response.status_code == 200, response.text
    top = response.json()["results"][0]
    assert (top["document_id"], top["section"]) == (document, "2026-01-12 14:10 TC"), top["section"]
    assert "HE-3300" in top["answer"], top["answer"]
