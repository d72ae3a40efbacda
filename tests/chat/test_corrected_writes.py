"""Write-ups corrected in a technician's own words, over one WebSocket, keyless: what is saved is what was meant.

- "the one in the riser room" after a read-back moves the write-up to the unit of its kind there, and the record
  says where that unit stands (the first unit's place, kept, filed it in the wrong room);
- a severity assigned with a verb ("put it minor") makes the report a write-up; "make needs repair" raises it;
- "reword that: ..." replaces the description before the yes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from clara.jobs import service as jobs
from clara.stores import Stores
from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask

WEWORK = (37.79155, -122.39418)


def draft(events: list[dict[str, Any]]) -> dict[str, Any]:
    [found] = [e for e in events if e["type"] == "draft"]
    return dict(found["fields"])


async def last_id(stores: Stores) -> int:
    async with stores.db.connection() as conn:
        row = await (await conn.execute("SELECT coalesce(max(id), 0) AS id FROM deficiencies")).fetchone()
    assert row is not None
    return int(row["id"])


async def records(stores: Stores, since: int) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT d.severity, d.description, d.location, e.model FROM deficiencies d"
                                 " LEFT JOIN equipment e ON e.id = d.equipment_id WHERE d.id > %s ORDER BY d.id",
                                 (since,))
        return [dict(row) for row in await cur.fetchall()]


async def test_the_one_in_another_room_is_the_unit_saved(server: Server, technician: CurrentUser, demo_day: date,
                                                         demo_jobs: dict[str, int]) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    since = await last_id(stores)
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        first = draft(await ask(ws, "log the backflow in the street vault, test cock is leaking, needs repair"))
        assert "3000SS-4" in json.dumps(first)
        moved = draft(await ask(ws, "no wait, the one in the riser room has the leak"))
        assert "957-4" in json.dumps(moved) and "street vault" not in json.dumps(moved).lower()
        await ask(ws, "yes save it")
    [saved] = await records(stores, since)
    assert saved["model"] == "957-4" and saved["severity"] == "deficient"
    assert (saved["location"] or "riser room").lower() == "riser room" and "test cock" in saved["description"]


async def test_a_severity_put_and_raised_then_reworded(server: Server, technician: CurrentUser, demo_day: date,
                                                       demo_jobs: dict[str, int]) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    since = await last_id(stores)
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        first = draft(await ask(ws, "the extinguisher in the kitchen, hose is cracked. put it minor"))
        assert "B260" in json.dumps(first) and "suggested" in json.dumps(first)
        raised = draft(await ask(ws, "no, is worse, make needs repair"))
        assert "deficient" in json.dumps(raised)
        reworded = draft(await ask(ws, "reword that: discharge hose cracked at the nozzle"))
        assert "nozzle" in json.dumps(reworded) and "deficient" in json.dumps(reworded)
        await ask(ws, "yes")
    [saved] = await records(stores, since)
    assert saved["model"] == "B260" and saved["severity"] == "deficient" and "nozzle" in saved["description"]
