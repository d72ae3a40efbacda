"""How to get in at a site (a gate or door code, a lockbox, keys, parking) is the site's question, not the standards':
"code" beside what it opens is no building code. The answer leads with the site's access notes, or says none are on
file and who can let the technician in, then the customer's rules."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.routing import Route
from clara.agent.tools import TOOLS
from clara.agent.two_asks import routes
from clara.ops.demo_data import CUSTOMERS
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say

NAMES = {t.info.name for t in TOOLS}
PLACES = sorted({c.name for c in CUSTOMERS} | {s.name for c in CUSTOMERS for s in c.sites})


@pytest.mark.parametrize(("said", "site"), [
    ("what's the gate code there", "there"),
    ("door code for the plant?", "ABC Manufacturing Plant 1"),
    ("is there a lockbox at WeWork", "WeWork"),
    ("where do i park at the ferry building", "Ferry Building"),
    ("how do I get on the roof here", "here"),
    ("who has the keys to the riser room", None),
    ("is there parking", "there"),
    ("anywhere to park the van at the plant", "ABC Manufacturing Plant 1"),
    ("parking?", None),
    ("which entrance should we use at the plant", "ABC Manufacturing Plant 1"),
    ("what door do i go in by here", "here"),
    ("where do we get in", None),
])
def test_getting_in_is_asked_of_the_site(said: str, site: str | None) -> None:
    (route,) = routes(said, NAMES, PLACES)
    assert route.tool == "site_requirements" and route.arguments.get("access") is True, route
    assert route.arguments.get("site") == site or site is None


@pytest.mark.parametrize("said", [
    "what does the code say about door closers on a fire door",
    "what's the installer code on the NFS2-3030",
    "how far apart do pull stations go by the exit doors",
    "what does the building code say about exit signs",  # "code" of a book, not a door
    "does a parking garage need a dry system",
    "is there any parking garage exemption for sprinklers",
    "how do I get into the programming menu on the panel",
    "which door needs a closer on the stairwell",
])
def test_codes_of_the_trade_stay_with_the_documents(said: str) -> None:
    assert all(r != Route("site_requirements", {"site": None, "access": True}) and
               not r.arguments.get("access") for r in routes(said, NAMES, PLACES)), said


async def test_a_gate_code_not_on_file_says_so_and_who_can_let_you_in(app: Starlette,
                                                                      technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "what's the gate code at ABC Manufacturing Plant 1")
    assert called(events) == ["site_requirements"]
    assert reply.startswith("No access notes (codes, keys, parking) are on file for ABC Manufacturing Plant 1.")
    assert "can let you in" in reply and "NFPA" not in reply


async def test_the_sites_access_notes_answer_first(app: Starlette, technician: CurrentUser) -> None:
    async with app.state.stores.db.connection() as conn:
        await conn.execute("UPDATE sites SET access_notes = %s WHERE name = %s",
                           ("Lockbox on the east gate, code 4417; park in the loading dock", "Ferry Building"))
    session = await chat(app, technician)
    reply, _ = await say(session, "where do i park at the ferry building")
    assert reply.startswith("Access at Ferry Building: Lockbox on the east gate, code 4417; park in the loading dock.")
    assert "can let you in" not in reply



async def test_a_rule_about_the_way_in_answers_how_to_get_in(app: Starlette, technician: CurrentUser) -> None:
    """No access notes are on file for the arena, but its customer's rule names the gate: that is the answer, not
    "no notes on file" with the rule left to the detailed answers."""
    session = await chat(app, technician)
    reply, events = await say(session, "which gate do we use at oakland arena")
    assert called(events) == ["site_requirements"], events
    assert reply.startswith("Access at Oakland Arena: Gate D"), reply
