"""The figures asked for, said first, keyless over the WebSocket: a field asked for by its own name on the sheet
("points per loop"), and two figures asked in one breath, each said."""

from __future__ import annotations

import json

from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)

ABC = (37.7361, -122.1974)


async def test_a_field_asked_by_its_own_name(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        events = await ask(ws, "notifier n f s two dash three oh three oh how many points per loop")
    assert events[-1]["text"].startswith("The NFS2-3030's points per loop is 318"), events[-1]["text"]


async def test_two_figures_in_one_breath_are_both_said(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        events = await ask(ws, "whats the churn pressure on the fire pump here and the full load amps")
    first = events[-1]["text"].split(". ")[0]
    assert "145" in first and "124" in first and first.index("145") < first.index("124"), events[-1]["text"]
