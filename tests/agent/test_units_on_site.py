"""A kind of unit at a site, asked about as a technician would, keyless over the WebSocket: which one the site
has (with or without a spec sheet for its model) and how old it is, from the site's equipment record."""

from __future__ import annotations

import json

from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)

FERRY = (37.7955, -122.3937)


async def test_which_unit_of_a_kind_and_its_age_at_the_site(server: Server,  # noqa: F811
                                                            technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": FERRY[0], "longitude": FERRY[1]}))
        rooftop = await ask(ws, "what a c unit do they got on the roof here")
        age = await ask(ws, "how old is the backflow there")
        loss = await ask(ws, "whats the pressure loss on it")
    assert "50TCQA06" in rooftop[-1]["text"], rooftop[-1]["text"]
    assert "3000SS-4" in age[-1]["text"] and "installed on" in age[-1]["text"] and \
        "three years old" in age[-1]["text"], age[-1]["text"]
    assert "4.5" in loss[-1]["text"], loss[-1]["text"]  # "it" is the backflow just discussed


async def test_a_unit_with_no_spec_sheet_is_still_named(server: Server,  # noqa: F811
                                                        technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": FERRY[0], "longitude": FERRY[1]}))
        events = await ask(ws, "what kitchen hood system do they have here")
    assert "Ansul R-102" in events[-1]["text"], events[-1]["text"]
