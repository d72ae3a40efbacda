"""One price book for two models (a document of our own, in the style of a valve maker's parts list): each model has
its own kit table, alike row for row but for the part numbers and prices. A question naming one model is answered
from that model's table, not its sibling's; a passage under the other model that speaks of the asked one still
answers."""

from __future__ import annotations

import httpx

BOOK = """# Corlane 420RP and 310DC Backflow Preventers - Repair Kits by Size

This price book lists the field repair kits for the Corlane 420RP reduced pressure assembly and the Corlane 310DC
double check assembly, by valve size. Prices are list, in US dollars, January 2026.

## Repair kits for the 420RP and 310DC

### 1 Model 420RP reduced pressure assembly

The 420RP relief valve opens at least 2.0 psid below the inlet pressure on every size.

Table 1 420RP repair kits

| Size | Total rubber parts kit | Check 1 kit | Check 2 kit |
| --- | --- | --- | --- |
| 3/4 in. | RK420-075 $58 | CK420-075-1 $110 | CK420-075-2 $104 |
| 1 in. | RK420-100 $66 | CK420-100-1 $126 | CK420-100-2 $119 |
| 2 in. | RK420-200 $112 | CK420-200-1 $208 | CK420-200-2 $199 |
| 3 in. | RK420-300 $164 | CK420-300-1 $352 | CK420-300-2 $340 |
| 4 in. | RK420-400 $251 | CK420-400-1 $671 | CK420-400-2 $655 |
| 6 in. | RK420-600 $330 | CK420-600-1 $1,080 | CK420-600-2 $1,050 |
| 8 in. | RK420-800 $402 | CK420-800-1 $1,460 | CK420-800-2 $1,420 |

### 2 Model 310DC double check assembly

Each check of the 310DC holds at least 1.0 psid in the direction of flow.

Table 2 310DC repair kits

| Size | Rubber kit | Check 1 | Check 2 |
| --- | --- | --- | --- |
| 3/4 in. | RK310-075 $39 | CK310-075-1 $91 | CK310-075-2 $91 |
| 1 in. | RK310-100 $44 | CK310-100-1 $99 | CK310-100-2 $99 |
| 2 in. | RK310-200 $73 | CK310-200-1 $168 | CK310-200-2 $168 |
| 3 in. | RK310-300 $118 | CK310-300-1 $289 | CK310-300-2 $289 |
| 4 in. | RK310-400 $186 | CK310-400-1 $540 | CK310-400-2 $540 |
| 6 in. | RK310-600 $236 | CK310-600-1 $880 | CK310-600-2 $880 |
| 8 in. | RK310-800 $305 | CK310-800-1 $1,330 | CK310-800-2 $1,330 |

On the 310DC the two check modules are interchangeable. On the 420RP they are not, because check 1 carries the
heavier spring; fitting it in the check 2 position lowers the relief valve's margin.
"""


async def test_a_question_naming_one_model_is_answered_from_its_own_table(client: httpx.AsyncClient,
                                                                          auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("corlane-420rp-310dc-kits.md", BOOK.encode(), "text/markdown")})
    assert response.status_code == 201, response.text
    document = int(response.json()["document_id"])
    # the 420RP's table names its columns as the question does ("total rubber parts kit"), the 310DC's does not
    for question, row in (("Corlane 310DC 2 inch total rubber parts kit part number", "RK310-200 $73"),
                          ("Corlane 310DC 8 inch total rubber parts kit", "RK310-800 $305"),
                          ("price of a check 1 kit for a 3 inch Corlane 420RP", "CK420-300-1 $352")):
        response = await client.get("/clara-server/knowledge/search", headers=auth,
                                    params={"query": question, "k": 3})
        assert response.status_code == 200, response.text
        top = response.json()["results"][0]
        assert top["document_id"] == document and row in top["answer"], (question, top["answer"])
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "why can't I swap check 1 and check 2 on a Corlane 420RP", "k": 3})
    top = response.json()["results"][0]
    assert "check 1 carries the heavier spring" in top["text"], top["text"]
