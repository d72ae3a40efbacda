"""When a site's units of a kind are due, asked of them all ("when are the backflows here due"): each one's last
inspection and next due date from its record, not only their names."""

from __future__ import annotations

import json
from datetime import date

import pytest

from clara.jobs import service as jobs
from clara.stores import Stores
from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask

WEWORK = (37.79155, -122.39418)


async def test_each_unit_of_a_kind_says_when_it_is_due(server: Server, technician: CurrentUser,
                                                       demo_day: date) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        reply = (await ask(ws, "when are the backflows here due"))[-1]["text"]
    assert "957-4" in reply and "3000SS-4" in reply and reply.count("due") >= 2, reply


async def test_what_a_site_has_is_every_unit_there(server: Server, technician: CurrentUser, demo_day: date) -> None:
    stores: Stores = server.app.state.stores
    if jobs.today(stores) != demo_day:
        pytest.skip("the clock passed midnight since the demo data was seeded")
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        reply = (await ask(ws, "ok just got here, what equipment they got here"))[-1]["text"]
    for model in ("957-4", "3000SS-4", "AV-1-300", "B500", "B260"):
        assert model in reply, reply
