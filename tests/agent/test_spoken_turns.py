"""How technicians talk, keyless over the WebSocket, each test one general mechanism:

- speech without commas: the clause boundaries a listener hears (a request to write, a severity said as a
  statement, a correction) are put back, so a write said in one breath makes the right draft;
- a correction mid-sentence replaces the place named before it;
- a remark with no question, no request and nothing of the trade is acknowledged, never searched or stored;
- a person asked for by their role at a place is that place's contact;
- two questions in one breath get a tool each (the second borrows the first's place); the same question twice is
  one call;
- the job here: when it starts ("what time was I supposed to be here") and what kind of work it is.
"""

from __future__ import annotations

import json
from typing import Any

from clara.web.caller import CurrentUser
from tests.chat.conftest import Server, ask, server  # noqa: F401  (the served app, per test)

WEWORK = (37.79155, -122.39418)
ABC = (37.7361, -122.1974)


def drafts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e["fields"] for e in events if e["type"] == "draft"]


async def test_a_write_said_in_one_breath_drafts_unit_place_and_severity(server: Server,  # noqa: F811
                                                                         technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        events = await ask(ws, "the backflow in the riser room is dumping water out the relief valve write it up its "
                               "out of service")
        await ask(ws, "no forget it")
    fields = drafts(events)
    assert fields, events[-1]["text"]
    assert fields[-1]["equipment"]["model"] == "957-4" and fields[-1]["severity"] == "inoperable", fields[-1]


async def test_a_correction_mid_sentence_replaces_the_place(server: Server,  # noqa: F811
                                                           technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        events = await ask(ws, "log a deficiency on the extinguisher in the kitchen no wait the corridor one gauge is "
                               "reading low needs repair")
        await ask(ws, "no forget it")
    fields = drafts(events)
    assert fields, events[-1]["text"]
    assert fields[-1]["equipment"]["model"] == "B500" and fields[-1]["severity"] == "deficient", fields[-1]
    assert "wait" not in json.dumps(fields[-1]), fields[-1]


async def test_a_severity_raised_with_a_verb_after_the_read_back(server: Server,  # noqa: F811
                                                                technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": WEWORK[0], "longitude": WEWORK[1]}))
        first = await ask(ws, "the alarm valve in the riser room retard chamber drain is dripping log it as minor")
        bumped = await ask(ws, "actually bump it to needs repair")
        await ask(ws, "no forget it")
    assert drafts(first) and drafts(first)[-1]["severity"] == "suggested", first[-1]["text"]
    assert drafts(bumped) and drafts(bumped)[-1]["severity"] == "deficient", bumped[-1]["text"]


async def test_a_remark_is_acknowledged_not_searched(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        remark = await ask(ws, "man its freezing up on this roof")
        question = await ask(ws, "whats left today")
    assert not [e for e in remark if e["type"] in ("tool_call", "draft", "saved")], remark
    assert "ABC Manufacturing" in question[-1]["text"], question[-1]["text"]


async def test_a_search_phrase_without_a_question_mark_is_searched_not_taken_for_a_remark(  # noqa: F811
        server: Server, technician: CurrentUser) -> None:
    """Typed into the app as into a search box, "torque on the ground bar..." has no question word, no request and
    none of the trade words a remark is checked against: it was answered "Okay."."""
    async with server.connect(technician) as ws:
        phrase = await ask(ws, "torque on the ground lug in the booster cabinet")
        tagged = await ask(ws, "the panel dials out every night, is that normal")
    for events in (phrase, tagged):
        assert [e["name"] for e in events if e["type"] == "tool_call"] == ["knowledge_search"], events[-1]["text"]


async def test_a_person_asked_for_by_role_is_the_sites_contact(server: Server,  # noqa: F811
                                                               technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        director = await ask(ws, "whos the safety director here")
        cell = await ask(ws, "and whats his cell")
    assert "Chris Kim" in director[-1]["text"], director[-1]["text"]
    assert "555-5120" in cell[-1]["text"], cell[-1]["text"]


async def test_two_questions_in_one_breath_get_both_answers(server: Server,  # noqa: F811
                                                            technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        events = await ask(ws, "what time do i got to be at the ferry building and who do i ask for")
    reply = events[-1]["text"]
    assert "10:00" in reply and "Casey Kim" in reply, reply
    assert [e["name"] for e in events if e["type"] == "tool_call"] == ["job_details", "customer_at_location"], events


async def test_who_and_their_number_in_one_breath_is_one_card(server: Server,  # noqa: F811
                                                              technician: CurrentUser) -> None:
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        events = await ask(ws, "who do i talk to here and whats their number")
    assert [e["name"] for e in events if e["type"] == "tool_call"] == ["customer_at_location"], events
    assert "Chris Kim" in events[-1]["text"] and "555-5120" in events[-1]["text"], events[-1]["text"]


async def test_the_job_here_its_time_and_its_kind(server: Server, technician: CurrentUser) -> None:  # noqa: F811
    async with server.connect(technician) as ws:
        await ws.send(json.dumps({"type": "location", "latitude": ABC[0], "longitude": ABC[1]}))
        when = await ask(ws, "what time was i supposed to be here")
        kind = await ask(ws, "and what kind of job is it here today")
        await ask(ws, "am i done after the ferry building")
        that = await ask(ws, "what time is that one")
    assert "1:30" in that[-1]["text"], that[-1]["text"]  # "that one": the job just named
    assert "1:30" in when[-1]["text"] and "ABC Manufacturing" in when[-1]["text"], when[-1]["text"]
    assert "churn test" in kind[-1]["text"] and "WeWork" not in kind[-1]["text"], kind[-1]["text"]
