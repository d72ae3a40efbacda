"""A technician's plain words reach the passage of an uploaded manual that says it the trade's way, through the HTTP
API: a light that "blinks twice" is the manual's "2 flashes" row, not its neighbours alike in every other word."""

from __future__ import annotations

import httpx
import pytest

MANUAL = """# Corbel CX-9 Dry System Air Maintenance Panel

## 1 Status light codes

| Status light | Meaning | Action |
| --- | --- | --- |
| 1 flash | Compressor running time exceeded | Look for a leak in the system piping |
| 2 flashes | Low air pressure in the riser | Check the air supply valve and the compressor fuse |
| 3 flashes | High air pressure in the riser | Adjust the pressure switch cut-out |
| Steady | Normal operation | None |

## 2 Inspection

### 2.1 Monthly inspection

Confirm the panel shows a steady light and the air pressure gauge reads 40 psi.

### 2.2 Annual inspection

Drain the compressor tank, replace the intake filter and test the low air alarm switch.
"""


@pytest.fixture
async def manual(client: httpx.AsyncClient, auth: dict[str, str]) -> int:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("corbel-cx9.md", MANUAL.encode(), "text/markdown")})
    assert response.status_code == 201, response.text
    return int(response.json()["document_id"])


async def test_a_count_said_as_a_word_reaches_its_table_row(client: httpx.AsyncClient, auth: dict[str, str],
                                                           manual: int) -> None:
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "the status light on the corbel cx-9 blinks twice, what is wrong",
                                        "k": 3})
    assert response.status_code == 200, response.text
    top = response.json()["results"][0]
    assert top["document_id"] == manual and top["section"] == "1 Status light codes"
    assert top["answer"].startswith("2 flashes | Low air pressure")  # said from the asked row, not "1 flash"
