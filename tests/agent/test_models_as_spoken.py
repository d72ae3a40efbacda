"""Model numbers as technicians say them, keyless over the WebSocket (GET
/equipment/{model} reads them the same way: tests/knowledge/test_equipment_as_spoken.py): pieces,
letter names, a correction of the model's end, a unit named by its place in the family of the one discussed, and a
question back naming the units when two or three fit equally."""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import chat, say
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)


async def test_a_model_in_pieces_then_its_sister_by_its_number(server: Server,  # noqa: F811
                                                              technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        fuse = await ask(ws, "whats the max fuse on a carrier 48 tcd a 12")
        sister = await ask(ws, "whats the mca on the oh eight in that same series")
        heavier = await ask(ws, "and the bigger one")
    assert "48TCDA12" in fuse[-1]["text"] and "60 A" in fuse[-1]["text"], fuse[-1]["text"]
    assert "48TCDA08" in sister[-1]["text"] and "40" in sister[-1]["text"], sister[-1]["text"]
    assert "48TCDA09" in heavier[-1]["text"], heavier[-1]["text"]


async def test_the_tonnage_version_and_a_sister_with_two_neighbours(server: Server,  # noqa: F811
                                                                   technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ask(ws, "how much does a forty eight t c d a oh eight weigh")
        tons = await ask(ws, "and what does the ten ton version weigh")
        sister = await ask(ws, "whats the weight on its sister model")
    assert "48TCDA12" in tons[-1]["text"] and "970" in tons[-1]["text"], tons[-1]["text"]
    assert "48TCDA09" in sister[-1]["text"] and "48TCDA14" in sister[-1]["text"], sister[-1]["text"]


async def test_a_correction_of_the_models_end(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        events = await ask(ws, "whats the locked rotor amps on the carrier fifty tcqa oh five sorry i mean oh six")
    assert "50TCQA06" in events[-1]["text"] and "50TCQA05" not in events[-1]["text"], events[-1]["text"]


async def test_two_units_fit_then_the_one_picked_by_its_number(server: Server,  # noqa: F811
                                                              technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        which = await ask(ws, "how many points can an nfs2 panel handle")
        picked = await ask(ws, "the big one the thirty thirty")
    assert "NFS2-3030" in which[-1]["text"] and "NFS2-640" in which[-1]["text"], which[-1]["text"]
    assert "NFS2-3030" in picked[-1]["text"] and "3180" in picked[-1]["text"].replace(",", ""), picked[-1]["text"]


async def test_a_series_without_its_size_gets_the_figure_by_size_then_the_size_picked(
        server: Server, technician: CurrentUser) -> None:  # noqa: F811
    """The developer guide's "what's the max fuse on this 48TC?" with no 48TC where the technician stands: the
    range over the sizes and a question back; the size said next answers the same figure."""
    async with server.connect(technician) as ws:
        series = await ask(ws, "What's the max fuse on this 48TC?")
        picked = await ask(ws, "the twelve ton one")
    said = series[-1]["text"]
    assert "30 A on the 48TCDA04" in said and "80 A on the 48TCDA14" in said and "Which size" in said, said
    assert "48TCDA14" in picked[-1]["text"] and "80 A" in picked[-1]["text"], picked[-1]["text"]


async def test_a_size_said_back_to_the_sizes_offered_is_that_unit(server: Server,  # noqa: F811
                                                                 technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ask(ws, "What's the max fuse on this 48TC?")
        picked = await ask(ws, "and the oh four")
    assert "48TCDA04" in picked[-1]["text"] and "30 A" in picked[-1]["text"], picked[-1]["text"]


async def test_this_series_on_the_roof_where_the_technician_stands_is_that_unit(
        app: Starlette, technician: CurrentUser) -> None:
    """At Salesforce Tower, whose roof has one 48TC (a 48TCDA08, MOCP 50 A), "this 48TC" is that unit."""
    session = await chat(app, technician, position=(37.78970, -122.39690))
    await say(session, "Anything special about this site?")
    text, _ = await say(session, "What's the max fuse on this 48TC?")
    assert "48TCDA08" in text and "50 A" in text and "Which size" not in text, text


async def test_a_fault_on_a_series_is_answered_from_the_manuals_not_with_its_sizes(
        server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        events = await ask(ws, "Rollout switch tripped on a 48TC gas section. Can I just reset it?")
    said = events[-1]["text"]
    assert "rollout" in said.lower() and "Which size" not in said, said
